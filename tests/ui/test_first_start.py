"""`hmi` on an empty data directory asks at once for the administrator (there is no default
password); the self-test and screenshot runs never ask (see test_self_test.py)."""

from __future__ import annotations

import argparse

import pytest

from hmi.app import DEFAULT_PROFILE, build_stack
from hmi.ui.application import open_window


def gui_args(**changes) -> argparse.Namespace:
    args = dict(self_test=False, self_test_seconds=1.0, screenshot=None, screenshot_after=1.0)
    args.update(screen="Overview", fullscreen=False, **changes)
    return argparse.Namespace(**args)


def test_first_start_opens_the_administrator_dialog(qtbot, tmp_path):
    stack = build_stack(DEFAULT_PROFILE, tmp_path, simulated=True)
    try:
        window = open_window(stack, gui_args())
        qtbot.addWidget(window)
        window.timer.stop()
        qtbot.waitUntil(lambda: window.active_login is not None, timeout=2000)
        assert window.active_login.isVisible()
        assert window.active_login.windowTitle() == "Create the administrator"
        assert stack.security.needs_first_admin()  # nothing created by just looking
        window.active_login.reject()
    finally:
        stack.close()


@pytest.mark.parametrize("mode", ["self_test", "screenshot"])
def test_non_interactive_runs_never_ask(qtbot, tmp_path, mode):
    stack = build_stack(DEFAULT_PROFILE, tmp_path, simulated=True)
    try:
        window = open_window(stack, gui_args(**{mode: mode == "self_test" or "x.png"}))
        qtbot.addWidget(window)
        window.timer.stop()
        qtbot.wait(50)
        assert window.active_login is None
    finally:
        stack.close()
