"""The line's state and the sequence step under way, in one small panel (issue 13).

Reads `Snapshot.sequence`: "Starting · thread · 12 s / 240 s" and, below, what the step waits
for; a step that timed out and holds is shown in the deviation colour with "held". Not wired
into a screen here: the Overview and the faceplates are being reworked (issue 12).
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from hmi.runtime.sequences import SequenceState
from hmi.runtime.snapshot import Snapshot
from hmi.ui import theme

STATE_TEXT = {
    "stopped": "Stopped",
    "starting": "Starting",
    "running": "Running",
    "stopping": "Stopping",
}
STOP_TEXT = {
    "normal": "normal stop",
    "quick": "quick stop",
    "emergency": "emergency stop",
    "tripped": "stopped by itself",
}


def headline(state: SequenceState) -> str:
    text = STATE_TEXT.get(state.line_state, state.line_state)
    if state.sequence:
        text += f" · {state.step.replace('_', ' ')} · "
        text += f"{state.step_elapsed_s:.0f} s / {state.step_timeout_s:.0f} s"
        if state.held:
            text += " · held (timed out)"
    elif state.line_state == "stopped" and state.last_stop:
        text += f" (after {STOP_TEXT.get(state.last_stop, state.last_stop)})"
    return text


class SequenceStatus(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("Line")
        self.title.setObjectName("headerCaption")
        self.state = QLabel("—")
        self.waiting = QLabel("")
        self.waiting.setObjectName("headerSmall")
        self.waiting.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        for label in (self.title, self.state, self.waiting):
            layout.addWidget(label)
        self._shown: SequenceState | None = None

    def update_from(self, snapshot: Snapshot | None) -> None:
        state = snapshot.sequence if snapshot is not None else None
        if state == self._shown:
            return  # repaint only on a change
        self._shown = state
        if state is None:
            self.state.setText("—")
            self.waiting.setText("")
            return
        self.state.setText(headline(state))
        self.waiting.setText(f"waiting for: {state.waiting_for}" if state.waiting_for else "")
        held = f"background: {theme.DEVIATION}; color: {theme.DEVIATION_TEXT};"
        self.state.setStyleSheet(held if state.held else "")
