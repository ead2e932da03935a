"""README pictures of the Trends screen, live and in history mode, on the real line with its
historian (simulated clock): a grade change, an alarm and the markers that explain them.

    python -m tests.ui.trend_screenshots [--readme]   (default: /tmp/trend-shots)
    python -m tests.ui.trend_screenshots --check      (every role at 1024x768, 1280x800 and
                                                       1920x1080, to /tmp/trend-shots)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIZES = ((1024, 768), (1280, 800), (1920, 1080))
ACCOUNTS = (None, "ann", "eve", "sam", "chief")  # viewer, operator, engineer, ...


def main(argv: list[str]) -> int:
    from PySide6.QtWidgets import QApplication

    from hmi.ui.theme import apply_theme
    from tests.ui.panel_stack import build_window, log_in, settle

    out = ROOT / "docs" if "--readme" in argv else Path("/tmp/trend-shots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    apply_theme(app)
    stack = build_window(
        Path(tempfile.mkdtemp(prefix="hmi-trend-shots-")), warm_up_s=240.0, line_clock=True
    )
    window = stack.window
    window.resize(1280, 800)
    window.show()
    log_in(stack, "eve")
    stack.service.write_setpoint("areal_mass_target_mg_cm2", 28.0, "grade change")
    stack.runtime.run_for(150.0)
    stack.service.inject_fault("gauge_fault", reason="screenshot", mode="nan", duration_s=20)
    stack.runtime.run_for(150.0)
    stack.journal.sync()
    deadline = time.monotonic() + 10.0
    while stack.historian.queued and time.monotonic() < deadline:
        time.sleep(0.05)  # the historian's writer commits on its own thread
    window.show_screen("Trends")
    screen = window.screens["Trends"]

    def wait_reads() -> None:
        end = time.monotonic() + 10.0
        while time.monotonic() < end:
            app.processEvents()
            if not screen._settle.isActive() and not screen.reader.busy:
                break
            time.sleep(0.02)
        settle(app, window)

    if "--check" in argv:
        for account in ACCOUNTS:
            log_in(stack, account)
            for w, h in SIZES:
                window.resize(w, h)
                shoot(app, window, screen, out, wait_reads, f"-{account or 'viewer'}-{w}x{h}")
    else:
        shoot(app, window, screen, out, wait_reads, "")
    stack.historian.close()
    return 0


def shoot(app, window, screen, out: Path, wait_reads, suffix: str) -> None:
    """The live picture (last 10 min) and the history one (a grade change with its marker)."""
    from hmi.runtime.trend_range import TimeRange
    from tests.ui.panel_stack import settle

    screen.set_window(600)
    wait_reads()
    window.refresh()
    settle(app, window)
    path = out / f"screenshot-trends{suffix}.png"
    window.grab().save(str(path))
    print(path)
    end = window.service.snapshot().wall_time
    screen.set_range(TimeRange(end - 400.0, end - 100.0))
    wait_reads()
    screen.chart.set_cursor(end - 290.0)
    setpoints = [m for m in screen.markers if m.kind == "setpoint"]
    if setpoints:
        screen.chart.marker_tapped.emit(setpoints[-1])
    settle(app, window)
    path = out / f"screenshot-trends-history{suffix}.png"
    window.grab().save(str(path))
    print(path)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
