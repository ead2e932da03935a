"""Overview: the line left to right with live values, setpoints, and the line commands."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from hmi.runtime.snapshot import Snapshot
from hmi.security import Action
from hmi.ui.access import bind
from hmi.ui.keypad import error_text
from hmi.ui.screen import Screen, ScreenContext
from hmi.ui.sections import FeedersPanel, GaugePanel, MixerPanel, NipPanel
from hmi.ui.theme import set_active
from hmi.ui.widgets import FlowArrow, SetpointButton, ValueLabel

COMMAND_HEIGHT = 56


class CommandBar(QFrame):
    """Start / Stop and Auto / Manual. The button matching the line's state is shown active;
    the service decides whether the command is allowed."""

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
        self.auto_button = self._button(
            "AUTO", "Automatic: feedback loops act", partial(service.set_mode, "auto")
        )
        self.manual_button = self._button(
            "MANUAL", "Manual: feedback held, feedforward only", partial(service.set_mode, "manual")
        )
        for button, action in (
            (self.start_button, Action.LINE_START),
            (self.stop_button, Action.LINE_STOP),
            (self.auto_button, Action.LINE_MODE),
            (self.manual_button, Action.LINE_MODE),
        ):
            bind(button, action)
        for caption, buttons in (
            ("LINE", (self.start_button, self.stop_button)),
            ("CONTROL", (self.auto_button, self.manual_button)),
        ):
            label = QLabel(caption)
            label.setObjectName("panelTitle")
            layout.addWidget(label)
            for button in buttons:
                layout.addWidget(button)
            layout.addSpacing(24)
        layout.addStretch(1)

    def _button(self, text: str, action: str, call: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName("commandButton")
        button.setMinimumHeight(COMMAND_HEIGHT)
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
        set_active(self.start_button, running)
        set_active(self.stop_button, stopped)
        set_active(self.auto_button, mode == "auto")
        set_active(self.manual_button, mode == "manual")


class OverviewScreen(Screen):
    def __init__(self, context: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        # At the panel's size everything fits; a smaller desk window scrolls instead of
        # squeezing values over each other.
        scroll = QScrollArea()
        scroll.setObjectName("screenArea")
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidgetResizable(True)
        content = QWidget()
        content.setObjectName("screenArea")
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(10)

        self.feeders = FeedersPanel()
        self.mixer = MixerPanel()
        self.nip = NipPanel(context)
        self.gauge = GaugePanel(context)
        self.sections = (self.feeders, self.mixer, self.nip, self.gauge)
        line = QHBoxLayout()
        line.setSpacing(2)
        for index, (panel, stretch) in enumerate(zip(self.sections, (10, 7, 14, 10), strict=True)):
            if index:
                line.addWidget(FlowArrow())
            line.addWidget(panel, stretch)
        layout.addLayout(line, 1)

        self.commands = CommandBar(context)
        layout.addWidget(self.commands)

    def field(self, name: str) -> ValueLabel | SetpointButton:
        """The widget showing a tag (or correction) on this screen."""
        for section in self.sections:
            for widget in section.form.bound:
                if widget.name == name:
                    return widget
        raise KeyError(f"no field for {name!r} on the overview")

    def unit_label(self, name: str) -> QLabel:
        for section in self.sections:
            if name in section.form.units:
                return section.form.units[name]
        raise KeyError(f"no field for {name!r} on the overview")

    def setpoint(self, name: str) -> SetpointButton:
        widget = self.field(name)
        if not isinstance(widget, SetpointButton):
            raise KeyError(f"{name!r} is not a setpoint entry on the overview")
        return widget

    def update_from(self, snapshot: Snapshot | None) -> None:
        for section in self.sections:
            section.update_from(snapshot)
        self.commands.update_from(snapshot)
