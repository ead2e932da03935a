"""Screenshots of every screen at the panel's 1280×800, offscreen, on the real emulated line.

    python -m tests.ui.screenshots [OUT_DIR]      (default /tmp: ui-overview.png,
                                                    ui-trends.png, ui-keypad.png)

The line runs 4 simulated minutes with a target step of +2 mg/cm² half-way, so the trends
show the gap loop at work.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(argv: list[str]) -> int:
    from PySide6.QtWidgets import QApplication

    from hmi.ui.main_window import MainWindow
    from hmi.ui.theme import apply_theme
    from tests.ui.real_stack import build

    out = Path(argv[0]) if argv else Path("/tmp")
    app = QApplication.instance() or QApplication([])
    apply_theme(app)
    runtime, service = build()
    runtime.run_for(120.0)
    service.write_setpoint("areal_mass_target_mg_cm2", 32.0)
    runtime.run_for(120.0)
    window = MainWindow(service, runtime.trend)
    window.timer.stop()
    window.resize(1280, 800)
    window.show()
    for name in window.screens:
        window.show_screen(name)
        app.processEvents()
        window.refresh()
        app.processEvents()
        path = out / f"ui-{name.lower()}.png"
        window.grab().save(str(path))
        print(path)
    window.show_screen("Overview")
    dialog = window.screens["Overview"].setpoint("line_speed_sp_m_min").open_keypad()
    dialog.press("95")
    dialog.confirm()  # out of range: the dialog shows why and sends nothing
    app.processEvents()
    path = out / "ui-keypad.png"
    dialog.grab().save(str(path))
    print(path)
    dialog.reject()
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
