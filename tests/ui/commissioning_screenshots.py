"""Screenshots of the Commissioning screen over a live Modbus TCP link to the PLC simulator
(127.0.0.1), at 1024×768, 1280×800 and 1920×1080, offscreen.

    python -m tests.ui.commissioning_screenshots [OUT_DIR]   (default /tmp)

One set per role; the README's docs/screenshot-commissioning.png is the Engineer's 1280×800 one.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
SIZES = ((1024, 768), (1280, 800), (1920, 1080))


def main(argv: list[str]) -> int:
    from PySide6.QtWidgets import QApplication

    from hmi.core.roles import Role
    from hmi.runtime.commissioning import CommissioningService
    from hmi.runtime.service import LineService
    from hmi.security.session import Session
    from hmi.ui.main_window import MainWindow
    from hmi.ui.theme import apply_theme
    from tests.hardware.fieldbus_helpers import TCP_PROFILE, free_port, plc_process, settings_for
    from tests.hardware.loop_helpers import hmi_loop

    out = Path(argv[0]) if argv else Path("/tmp")
    app = QApplication.instance() or QApplication([])
    apply_theme(app)
    port = free_port()
    config, settings = settings_for(TCP_PROFILE, heartbeat_timeout_s=1.0, port=port)
    # the PLC in its own process, as on a real line: its scans do not compete for our GIL
    with plc_process(TCP_PROFILE, port):
        with hmi_loop(config, settings) as (runtime, profile, _):
            time.sleep(3.0)  # a few seconds of polling for the statistics
            for role in Role:  # every role sees the screen; below Engineer read-only
                name = role.name.lower()
                service = LineService(runtime, Session(name, role))
                window = MainWindow(
                    service, runtime.trend, commissioning=CommissioningService(service, profile)
                )
                window.timer.stop()
                window.show()
                window.show_screen("Commissioning")
                for width, height in SIZES:
                    window.resize(width, height)
                    app.processEvents()
                    window.refresh()
                    app.processEvents()
                    path = out / f"commissioning-{name}-{width}x{height}.png"
                    window.grab().save(str(path))
                    print(path)
                window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
