"""MachineryItemState / MachineryOperationMode from the line as the runtime publishes it
(OPC 40001-1): the transitions an operator makes, on the emulated line and the simulated
clock, and a lost link."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from hmi.alarms.model import AlarmState, AlarmStatus, AlarmSummary
from hmi.control import LineController
from hmi.hardware import build_profile, load_profile
from hmi.plantserver.nodes import LINK_LOST_ALARM, machinery_state
from hmi.runtime import Runtime, SimClock, StartLine, StopLine

PROFILE = Path(__file__).resolve().parents[2] / "hardware_profiles" / "emulated.toml"


def _runtime() -> Runtime:
    return Runtime(build_profile(load_profile(PROFILE)), LineController(), clock=SimClock())


def _run_until(runtime: Runtime, wanted: tuple[str, str], limit_s: float) -> tuple[str, str]:
    seen = machinery_state(runtime.run_for(0.1))
    for _ in range(int(limit_s / 0.5)):
        if seen == wanted:
            break
        seen = machinery_state(runtime.run_for(0.5))
    return seen


def test_item_state_and_mode_follow_stop_start_and_an_emergency_stop():
    runtime = _runtime()
    assert machinery_state(runtime.run_for(1.0)) == ("executing", "processing")
    runtime.submit(StopLine("op", "normal"))
    assert _run_until(runtime, ("not_executing", "processing"), 600) == (
        "not_executing", "processing")  # fmt: skip
    runtime.submit(StartLine("op"))
    # the start sequence checks, primes and threads the web: set-up; from its ramp on: processing
    assert machinery_state(runtime.run_for(0.5)) == ("executing", "setup")
    assert _run_until(runtime, ("executing", "processing"), 900) == ("executing", "processing")
    runtime.submit(StopLine("op", "emergency"))
    assert _run_until(runtime, ("out_of_service", "processing"), 120) == (
        "out_of_service", "processing")  # fmt: skip
    runtime.submit(StartLine("op"))  # started again: in service
    assert machinery_state(runtime.run_for(0.5)) == ("executing", "setup")


def test_a_lost_link_makes_the_machine_not_available():
    snap = _runtime().run_for(0.5)
    lost = AlarmStatus(LINK_LOST_ALARM, "line_running", 1, AlarmState.UNACK, "Link lost",
                       0.0, 0.0, "", 0.0, 1)  # fmt: skip
    gone = dataclasses.replace(snap, alarms=AlarmSummary(1, (lost,), 1))
    assert machinery_state(gone) == ("not_available", "none")
    shelved = dataclasses.replace(lost, state=AlarmState.SHELVED)  # not annunciated
    assert machinery_state(dataclasses.replace(snap, alarms=AlarmSummary(2, (shelved,), 2))) == (
        "executing", "processing")  # fmt: skip
