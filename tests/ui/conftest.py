"""Qt tests run offscreen; fixtures build the main window on fake snapshots (no sleeping:
tests change the fake snapshot and call `window.refresh()`)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from hmi.core.roles import Role  # noqa: E402
from hmi.runtime.service import LineService  # noqa: E402
from hmi.runtime.trend import TrendBuffer  # noqa: E402
from hmi.security.session import Session  # noqa: E402
from tests.ui.fakes import STEADY, FakeRuntime  # noqa: E402


@pytest.fixture
def runtime() -> FakeRuntime:
    return FakeRuntime()


@pytest.fixture
def session() -> Session:
    return Session("op", Role.OPERATOR)


@pytest.fixture
def trend() -> TrendBuffer:
    buffer = TrendBuffer(list(STEADY), capacity=2_000)
    for i in range(1_000):
        buffer.append(i * 0.01, {**STEADY, "gap_os_um": 100.0 + i * 0.001})
    return buffer


@pytest.fixture
def window(qtbot, runtime, session, trend):
    from hmi.ui.main_window import MainWindow

    service = LineService(runtime, session)
    win = MainWindow(service, trend, clock_text=lambda: "12:34:56")
    win.timer.stop()  # tests drive refresh() themselves
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    win.refresh()
    return win
