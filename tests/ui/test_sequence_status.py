"""The Overview's command bar shows the line's state, the sequence step, its time against its
timeout, what it waits for, and a held step in the deviation colour; the header's Line tile
says STARTING / STOPPING while a sequence runs."""

import dataclasses

from hmi.runtime.sequences import SequenceState
from tests.ui.fakes import make_snapshot


def test_the_command_bar_follows_the_sequence(window, runtime):
    bar = window.screens["Overview"].commands
    step = SequenceState("starting", "start", "thread", 12.4, 240.0, False, "", "bank ≥ 2.4 kg")
    runtime.snapshot = dataclasses.replace(make_snapshot(), sequence=step, running=False)
    window.refresh()
    assert bar.sequence.text() == "Starting · thread · 12 s / 240 s"
    assert bar.waiting.text() == "Waiting for bank ≥ 2.4 kg"
    assert bar.sequence.property("state") == "normal"
    assert bar.start_button.property("active") == "true"  # starting counts as started
    assert window.header.state.value.text() == "STARTING"

    held = dataclasses.replace(step, held=True, step_elapsed_s=241.0)
    runtime.snapshot = dataclasses.replace(make_snapshot(), sequence=held, running=False)
    window.refresh()
    assert bar.sequence.text().endswith("held (timed out)")
    assert bar.sequence.property("state") == "deviation"

    stopped = SequenceState("stopped", last_stop="quick")
    runtime.snapshot = dataclasses.replace(make_snapshot(), sequence=stopped, running=False)
    window.refresh()
    assert bar.sequence.text() == "Stopped (after quick stop)" and bar.waiting.text() == ""
    assert window.header.state.value.text() == "STOPPED"


def test_quick_stop_goes_to_the_service(window, runtime):
    from hmi.runtime.commands import StopLine

    window.screens["Overview"].commands.quick_stop_button.click()
    (command,) = [c for c in runtime.commands if isinstance(c, StopLine)]
    assert command.kind == "quick"
