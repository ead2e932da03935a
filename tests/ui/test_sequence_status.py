"""The sequence panel shows the line's state, the step, its time against its timeout, what it
waits for, and a held step in the deviation colour."""

import dataclasses

from hmi.runtime.sequences import SequenceState
from hmi.ui.sequence_status import SequenceStatus
from tests.ui.fakes import make_snapshot


def test_the_panel_follows_the_sequence(qtbot):
    panel = SequenceStatus()
    qtbot.addWidget(panel)
    snap = make_snapshot()
    step = SequenceState("starting", "start", "thread", 12.4, 240.0, False, "", "bank ≥ 2.4 kg")
    panel.update_from(dataclasses.replace(snap, sequence=step))
    assert panel.state.text() == "Starting · thread · 12 s / 240 s"
    assert panel.waiting.text() == "waiting for: bank ≥ 2.4 kg"
    assert panel.state.styleSheet() == ""
    held = dataclasses.replace(step, held=True, step_elapsed_s=241.0)
    panel.update_from(dataclasses.replace(snap, sequence=held))
    assert panel.state.text().endswith("held (timed out)")
    assert "background" in panel.state.styleSheet()
    stopped = SequenceState("stopped", last_stop="quick")
    panel.update_from(dataclasses.replace(snap, sequence=stopped))
    assert panel.state.text() == "Stopped (after quick stop)" and panel.waiting.text() == ""
    panel.update_from(None)
    assert panel.state.text() == "—"
