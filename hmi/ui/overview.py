"""The line commands under the Overview mimic: Start / Stop and Auto / Manual."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hmi.runtime.snapshot import Snapshot
from hmi.security import Action
from hmi.ui.access import bind
from hmi.ui.elided import ElidedLabel
from hmi.ui.keypad import error_text
from hmi.ui.screen import ScreenContext
from hmi.ui.sequence_status import headline
from hmi.ui.theme import set_active, set_state

COMMAND_HEIGHT = 56
MODE_MEANINGS = {
    "auto": "Auto: the loops correct gap and feed",
    "manual": "Manual: set gap and feed on the faceplates",
}


class CommandBar(QFrame):
    """Start / Stop / Quick stop and Auto / Manual, with the sequence under way. The button
    matching the line's state is shown active; the service decides whether a command is
    allowed."""

    def __init__(self, context: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self._context = context
        service = context.service
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.setSpacing(12)
        self.start_button = self._button("START", "Start the line", service.start)
        self.stop_button = self._button("STOP", "Stop the line", service.stop)
        self.quick_stop_button = self._button(
            "QUICK STOP", "Quick stop", partial(service.stop, kind="quick")
        )
        self.auto_button = self._button(
            "AUTO", "Automatic: feedback loops act", partial(service.set_mode, "auto")
        )
        self.manual_button = self._button(
            "MANUAL", "Manual: feedback held, feedforward only", partial(service.set_mode, "manual")
        )
        for button, action in (
            (self.start_button, Action.LINE_START),
            (self.stop_button, Action.LINE_STOP),
            (self.quick_stop_button, Action.LINE_STOP),
            (self.auto_button, Action.LINE_MODE),
            (self.manual_button, Action.LINE_MODE),
        ):
            bind(button, action)
        for caption, buttons in (
            ("LINE", (self.start_button, self.stop_button, self.quick_stop_button)),
            ("CONTROL", (self.auto_button, self.manual_button)),
        ):
            label = QLabel(caption)
            label.setObjectName("panelTitle")
            layout.addWidget(label)
            for button in buttons:
                layout.addWidget(button)
            layout.addSpacing(12)
        # The sequence under way (step, time / timeout, what it waits for) and what the mode
        # means, on the panel (a touchscreen shows no tooltips)
        right = QVBoxLayout()
        right.setSpacing(0)
        self.sequence = ElidedLabel("")
        self.sequence.setObjectName("sequenceText")
        self.waiting = ElidedLabel("")
        self.waiting.setObjectName("caption")
        self.mode_meaning = ElidedLabel("")
        self.mode_meaning.setObjectName("caption")
        for label in (self.sequence, self.waiting, self.mode_meaning):
            right.addWidget(label)
            label.tapped.connect(lambda shown=label: self._context.notify(shown.text(), False))
        layout.addLayout(right, 1)

    def _button(self, text: str, action: str, call: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName("commandButton")
        button.setMinimumHeight(COMMAND_HEIGHT)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a tap leaves no focus frame
        button.setToolTip(action)
        button.clicked.connect(lambda _checked=False: self._send(action, call))
        return button

    def _send(self, action: str, call: Callable[[], None]) -> None:
        try:
            call()
        except Exception as exc:  # refused by the service: say why, never crash
            self._context.notify(f"{action}: {error_text(exc)}", True)
            return
        self._context.notify(f"{action}: sent", False)

    def update_from(self, snapshot: Snapshot | None) -> None:
        running = snapshot is not None and snapshot.running
        stopped = snapshot is not None and not snapshot.running
        mode = snapshot.mode if snapshot is not None else ""
        state = snapshot.sequence if snapshot is not None else None
        starting = state is not None and state.line_state == "starting"
        set_active(self.start_button, running or starting)
        set_active(
            self.stop_button, stopped or (state is not None and state.line_state == "stopping")
        )
        sequence = headline(state) if state is not None else ""
        waiting = f"Waiting for {state.waiting_for}" if state and state.waiting_for else ""
        for label, text in ((self.sequence, sequence), (self.waiting, waiting)):
            if label.text() != text:
                label.setText(text)
                label.update()
        set_state(self.sequence, "deviation" if state is not None and state.held else "normal")
        set_active(self.auto_button, mode == "auto")
        set_active(self.manual_button, mode == "manual")
        meaning = MODE_MEANINGS.get(mode, "")
        if self.mode_meaning.text() != meaning:
            self.mode_meaning.setText(meaning)
            self.mode_meaning.update()
