"""Start the Qt application on a built stack: window, runtime thread, self-test and screenshots."""

from __future__ import annotations

import argparse
import math
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from hmi.hardware import ProfileConfig
from hmi.runtime.loop import Runtime
from hmi.runtime.service import LineService
from hmi.security import SecurityService

if TYPE_CHECKING:
    from hmi.ui.main_window import MainWindow


class Stack(Protocol):
    """What the GUI needs of `hmi.app.Stack` (hmi.ui may not import hmi.app: layers)."""

    runtime: Runtime
    service: LineService
    security: SecurityService
    config: ProfileConfig
    data_dir: Path

    def close(self) -> None: ...


def self_test_failures(stack: Stack, seconds: float) -> list[str]:
    """What is wrong with the run so far (empty when the loop ran and the line is sane)."""
    failures: list[str] = []
    snap = stack.runtime.latest()
    if snap is None:
        return ["the control loop published no snapshot"]
    expected = seconds / stack.runtime.period_s
    if snap.tick < 0.5 * expected:
        failures.append(
            f"loop ran {snap.tick} ticks in {seconds:g} s, expected about {expected:.0f}"
        )
    if snap.timing.faults:
        failures.append(f"{snap.timing.faults} faults in the loop: {', '.join(snap.messages)}")
    target = snap.value("areal_mass_target_mg_cm2")
    measured = snap.value("areal_mass_mg_cm2")
    if not math.isfinite(measured) or abs(measured - target) > 0.05 * target:
        failures.append(f"areal mass {measured:.3f} mg/cm² not within 5 % of target {target:g}")
    if not stack.runtime.is_alive:
        failures.append("the control loop thread is not alive")
    return failures


def open_window(stack: Stack, args: argparse.Namespace) -> MainWindow:
    """The application (made if needed), themed, and the main window shown on the stack.

    Non-interactive runs (self-test, screenshot) stay a Viewer and create nobody; an
    interactive first start on an empty store asks for the administrator at once."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from hmi.ui.about import AboutInfo
    from hmi.ui.kiosk import Kiosk
    from hmi.ui.main_window import MainWindow
    from hmi.ui.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_theme(app)
    kiosk_mode = bool(getattr(args, "kiosk", False))
    about = AboutInfo(
        data_dir=stack.data_dir,
        profile_name=stack.config.profile.name,
        profile_path=Path(args.profile).resolve() if getattr(args, "profile", None) else None,
        kiosk=kiosk_mode,
        leave_panel=lambda: kiosk.request_exit() if kiosk is not None else None,
    )
    window = MainWindow(
        stack.service,
        stack.runtime.trend,
        security=stack.security,
        recipes=stack.recipes,
        about=about,
        commissioning=stack.commissioning,
        history=stack.history,
        quality=stack.quality,
    )
    kiosk = Kiosk(window, stack.security) if kiosk_mode else None
    window.kiosk = kiosk  # type: ignore[attr-defined]
    window.resize(1280, 800)
    if args.screen:
        window.show_screen(args.screen)
    if kiosk is not None:
        kiosk.show()
    else:
        window.showFullScreen() if args.fullscreen else window.show()
    if not (args.self_test or args.screenshot) and stack.security.needs_first_admin():
        QTimer.singleShot(0, window.open_login)
    return window


def quit_on_signals(app, window) -> None:  # noqa: ANN001 (Qt types imported lazily)
    """Ctrl+C (SIGINT) and SIGTERM close the window and end the event loop, so `run_gui`
    shuts the line's runtime down as Exit does. Python runs signal handlers only between
    bytecodes: a timer keeps the interpreter ticking while Qt waits for events."""
    from PySide6.QtCore import QTimer

    def stop(signum: int, _frame: object) -> None:
        print(f"hmi: {signal.Signals(signum).name}: shutting down", flush=True)
        kiosk = getattr(window, "kiosk", None)
        if kiosk is not None:
            kiosk.allowed = True  # the system asks: a kiosk closes too
        window.close()
        app.quit()

    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, stop)
    ticker = QTimer(app)
    ticker.setInterval(200)
    ticker.timeout.connect(lambda: None)
    ticker.start()


def run_gui(stack: Stack, args: argparse.Namespace) -> int:
    if args.self_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    window = open_window(stack, args)
    app = QApplication.instance()
    stack.runtime.start()
    result = {"code": 0}
    quit_on_signals(app, window)
    print(f"hmi: running on {stack.config.profile.name}, data in {stack.data_dir}", flush=True)

    def save_screenshot() -> None:
        if not args.screenshot:
            return
        window.refresh()
        path = Path(args.screenshot)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            saved = window.grab().save(str(path))
        except OSError as exc:
            saved = False
            print(f"hmi: could not save screenshot to {path}: {exc}", file=sys.stderr)
        else:
            if not saved:
                print(f"hmi: could not save screenshot to {path}", file=sys.stderr)
        if not saved:
            result["code"] = 1

    def finish_self_test() -> None:
        try:
            save_screenshot()
            failures = self_test_failures(stack, args.self_test_seconds)
            snap = stack.runtime.latest()
            if snap is not None:
                t = snap.timing
                print(
                    f"self-test: {snap.tick} ticks, lateness p50 {t.lateness_p50_ms:.2f} ms "
                    f"p99 {t.lateness_p99_ms:.2f} ms max {t.lateness_max_ms:.2f} ms, "
                    f"overruns {t.overruns}, "
                    f"areal mass {snap.value('areal_mass_mg_cm2'):.3f} mg/cm²"
                )
            for failure in failures:
                print(f"self-test FAILED: {failure}", file=sys.stderr)
            if failures:
                result["code"] = 1
        except Exception as exc:  # a self-test that cannot finish has failed; never hang
            print(f"self-test FAILED: {exc!r}", file=sys.stderr)
            result["code"] = 1
        finally:
            app.quit()

    def screenshot_and_quit() -> None:
        try:
            save_screenshot()
        finally:
            app.quit()

    if args.self_test:
        QTimer.singleShot(int(args.self_test_seconds * 1000), finish_self_test)
    elif args.screenshot:
        QTimer.singleShot(
            int(args.screenshot_after * 1000), lambda: (save_screenshot(), app.quit())
        )
    try:
        app.exec()
    finally:
        stack.close()  # the control loop stops, the driver leaves its safe state, stores close
        print("hmi: stopped cleanly", flush=True)
    if args.self_test and result["code"] == 0:
        print("self-test: OK")
    return result["code"]
