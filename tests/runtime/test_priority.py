"""The control thread takes a real-time class where allowed, says what it got, and keeps
running at normal priority when refused (hmi/core/priority.py)."""

import os
import sys
import threading

import pytest

from hmi.core import priority
from hmi.runtime import Runtime, SimClock
from hmi.runtime.clock import RealClock
from tests.hardware.fieldbus_helpers import wait_until
from tests.runtime.fakes import EchoController, ScriptedProfile

linux_only = pytest.mark.skipif(
    not hasattr(os, "sched_setscheduler"), reason="no POSIX real-time scheduling here"
)


def started(clock) -> Runtime:
    runtime = Runtime(ScriptedProfile(), EchoController(), clock=clock, period_s=0.01)
    runtime.start()
    wait_until(lambda: runtime._ticks >= 3, 10.0, "three ticks")
    return runtime


@pytest.fixture
def calls(monkeypatch):
    """Records sched_setscheduler calls instead of making them; `refuse` makes them fail."""
    made: list = []
    state = {"refuse": False}

    def fake(pid, policy, param):
        made.append((threading.current_thread().name, pid, policy, param.sched_priority))
        if state["refuse"]:
            raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(priority.os, "sched_setscheduler", fake)
    return made, state


@linux_only
def test_the_control_thread_asks_for_fifo_for_itself_on_the_real_clock(calls):
    made, _ = calls
    runtime = started(RealClock())
    try:
        assert made == [("control-loop", 0, os.SCHED_FIFO, priority.FIFO_PRIORITY)]
        assert runtime.control_priority == "real-time priority (SCHED_FIFO 30)"
    finally:
        runtime.stop()


@linux_only
def test_a_refusal_leaves_normal_priority_says_why_and_the_loop_runs_on(calls):
    made, state = calls
    state["refuse"] = True
    runtime = started(RealClock())
    try:
        ticks = runtime._ticks
        wait_until(lambda: runtime._ticks >= ticks + 5, 10.0, "five more ticks")
        said = "normal priority (real-time refused: Operation not permitted)"
        assert runtime.control_priority == said
        assert f"Control loop at {said}" in runtime.latest().messages
        assert len(made) == 1
    finally:
        runtime.stop()


@linux_only
def test_a_simulated_clock_never_takes_a_real_time_class(calls):
    made, _ = calls
    runtime = started(SimClock())  # never sleeps: a FIFO thread would hold its core
    runtime.stop()
    assert made == []
    assert runtime.control_priority == "normal priority"


@linux_only
def test_switched_off_the_thread_stays_normal(calls):
    made, _ = calls
    runtime = Runtime(ScriptedProfile(), EchoController(), clock=RealClock(), period_s=0.01)
    runtime.realtime_priority = False
    runtime.start()
    try:
        wait_until(lambda: runtime._ticks >= 3, 10.0, "three ticks")
        assert made == [] and runtime.control_priority == "normal priority"
    finally:
        runtime.stop()


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or os.geteuid() != 0, reason="needs root on Linux"
)
def test_the_kernel_runs_the_control_thread_fifo_and_leaves_the_others_alone():
    runtime = started(RealClock())
    try:
        assert os.sched_getscheduler(runtime._thread.native_id) == os.SCHED_FIFO
        assert os.sched_getparam(runtime._thread.native_id).sched_priority == 30
        assert os.sched_getscheduler(0) == os.SCHED_OTHER  # this (the GUI's) thread
    finally:
        runtime.stop()


def test_the_loop_outranks_its_fieldbus_which_outranks_the_simulators():
    """FIFO never time-slices between equals: a simulated PLC busy on the panel's machine at
    the loop's own level could keep the loop waiting for a core until it blocked."""
    levels = (priority.CONTROL, priority.FIELDBUS, priority.SIMULATOR)
    assert [level.fifo for level in levels] == sorted(
        (level.fifo for level in levels), reverse=True
    )
    assert len({level.fifo for level in levels}) == 3
    assert [level.windows for level in levels] == sorted(
        (lv.windows for lv in levels), reverse=True
    )
    assert all(0 < level.fifo < 50 for level in levels)  # below the kernel's interrupt threads


@linux_only
def test_each_thread_asks_for_its_own_level(calls):
    made, _ = calls
    for level in (priority.FIELDBUS, priority.SIMULATOR):
        got = priority.raise_this_thread(level)
        assert got == (True, f"real-time priority (SCHED_FIFO {level.fifo})")
    assert [m[3] for m in made] == [priority.FIELDBUS.fifo, priority.SIMULATOR.fifo]


@pytest.fixture
def nice_calls(monkeypatch):
    """os.nice recorded on a fake niceness instead of changing this process."""
    state = {"nice": 0, "refuse": False, "calls": []}

    def fake(increment):
        state["calls"].append(increment)
        if increment and state["refuse"]:
            raise PermissionError(1, "Operation not permitted")
        state["nice"] += increment
        return state["nice"]

    monkeypatch.setattr(priority.os, "nice", fake)
    return state


@pytest.mark.skipif(not hasattr(os, "nice"), reason="no nice values here")
def test_the_panel_process_takes_nice_minus_10_and_never_lowers_a_better_one(nice_calls):
    assert priority.raise_this_process() == (True, "nice -10")
    assert nice_calls["nice"] == -10
    nice_calls["nice"] = -15  # already ahead: left alone
    assert priority.raise_this_process() == (True, "nice -15")
    assert nice_calls["nice"] == -15


@pytest.mark.skipif(not hasattr(os, "nice"), reason="no nice values here")
def test_a_refused_nice_leaves_the_share_and_says_why(nice_calls):
    nice_calls["refuse"] = True
    said = priority.raise_this_process()
    assert said == (False, "normal share (nice -10 refused: Operation not permitted)")
    assert nice_calls["nice"] == 0
