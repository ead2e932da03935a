"""Alarms in the runtime thread: raised by an injected fault, published in the snapshot,
acknowledged by a command, journaled."""

from __future__ import annotations

from pathlib import Path

import pytest

from hmi.alarms import AlarmEngine, AlarmJournal, AlarmState, load_definitions
from hmi.control import LineController
from hmi.hardware import build_profile, load_profile
from hmi.history.store import database_path
from hmi.runtime import AcknowledgeAlarms, InjectFault, Runtime, ShelveAlarm, SimClock
from tests.ui.real_stack import ROOT


@pytest.fixture
def line(tmp_path: Path):
    journal = AlarmJournal(database_path(tmp_path))
    engine = AlarmEngine(load_definitions(), journal.offer)
    cfg = load_profile(ROOT / "hardware_profiles" / "emulated.toml")
    runtime = Runtime(build_profile(cfg), LineController(), clock=SimClock(), alarms=engine)
    yield runtime, journal
    journal.close()


def test_a_gauge_fault_is_raised_acknowledged_and_journaled(line) -> None:
    runtime, journal = line
    snap = runtime.run_for(5.0)
    assert snap.alarms.active == ()  # starting up: some are suppressed by design, none raised
    assert {a.state for a in snap.alarms.alarms} <= {AlarmState.SUPPRESSED}
    runtime.submit(InjectFault("gauge_fault", {"mode": "nan", "duration_s": 5.0}, "eng"))
    snap = runtime.run_for(2.0)
    (status,) = snap.alarms.active
    assert status.state == AlarmState.UNACK and status.priority == 2
    assert snap.alarms.top_unacknowledged().name == "gauge_fault"
    runtime.submit(AcknowledgeAlarms(("gauge_fault",), "op"))
    snap = runtime.run_for(0.02)
    assert snap.alarms.active[0].state == AlarmState.ACKED
    assert "1 alarm(s) acknowledged by op" in snap.messages
    snap = runtime.run_for(10.0)  # fault over, off-delay run out
    assert snap.alarms.active == ()
    journal.sync()
    rows = journal.query(alarm="gauge_fault")
    assert [(r.event, r.user) for r in rows] == [
        ("raised", ""),
        ("acknowledged", "op"),
        ("cleared", ""),
    ]
    assert rows[0].t_s == pytest.approx(5.0, abs=1.0)  # within a second of the injection


def test_the_summary_object_is_only_rebuilt_on_a_change(line) -> None:
    runtime, _ = line
    first = runtime.run_for(1.0).alarms
    assert runtime.run_for(1.0).alarms is first


def test_a_bad_alarm_command_is_a_message_not_a_fault(line) -> None:
    runtime, _ = line
    runtime.submit(ShelveAlarm("no_such_alarm", 60.0, "x", "sup"))
    snap = runtime.run_for(0.02)
    assert any(m.startswith("rejected:") for m in snap.messages)
    assert snap.timing.faults == 0


def test_overrun_flag_needs_sustained_missed_deadlines() -> None:
    from hmi.runtime.alarming import OverrunMonitor

    monitor = OverrunMonitor(count=5, window_s=10.0)
    monitor.missed(1.0, 3)  # a start-up hiccup
    assert not monitor.active(1.0)
    monitor.missed(4.0, 2)
    assert monitor.active(4.0)
    assert not monitor.active(11.5)  # the oldest of the five is more than 10 s ago
