"""What a tap on the alarm banner opens: the alarm's whole text (the banner may have cut it),
its priority, value against limit and when it was raised, with Acknowledge and the Alarms
screen. A touchscreen has no tooltips; everything an operator needs is on this page."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from hmi.alarms.model import AlarmState, AlarmStatus
from hmi.core.tags import TAGS
from hmi.security import Action
from hmi.ui.access import bind
from hmi.ui.theme import PRIORITY_LABELS
from hmi.ui.widgets import dialog_button

STATE_WORDS = {
    AlarmState.UNACK: "active, not acknowledged",
    AlarmState.ACKED: "active, acknowledged",
    AlarmState.RTN_UNACK: "returned to normal, not acknowledged",
}


def detail_rows(alarm: AlarmStatus) -> list[tuple[str, str]]:
    """(caption, text) lines of the page, in words and units an operator reads."""
    definition = TAGS.get(alarm.tag)
    label = definition.description if definition is not None else alarm.tag
    fmt = definition.format if definition is not None else (lambda v: f"{v:g}")
    rows = [
        ("Priority", PRIORITY_LABELS.get(alarm.priority, "?")),
        ("State", STATE_WORDS.get(alarm.state, alarm.state.name.lower())),
        ("Measured", label),
    ]
    if math.isfinite(alarm.value):
        limit = f" (limit {fmt(alarm.limit)} {alarm.unit})" if math.isfinite(alarm.limit) else ""
        rows.append(("Value at raise", f"{fmt(alarm.value)} {alarm.unit}{limit}".strip()))
    if math.isfinite(alarm.raised_wall):
        rows.append(
            ("Raised", time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(alarm.raised_wall)))
        )
    return rows


class AlarmDetailDialog(QDialog):
    """`acknowledge(name)` is the service's; `open_alarms()` shows the Alarms screen."""

    def __init__(
        self,
        alarm: AlarmStatus | None,
        acknowledge: Callable[[str], None],
        open_alarms: Callable[[], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("alarmDetail")
        self.setWindowTitle("Alarm")
        self.setModal(True)
        self.setMinimumWidth(560)
        self.alarm = alarm
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        self.message = QLabel(alarm.message if alarm is not None else "No active alarms")
        self.message.setObjectName("keypadTitle")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.rows: dict[str, QLabel] = {}
        for caption, text in detail_rows(alarm) if alarm is not None else []:
            line = QHBoxLayout()
            name = QLabel(caption)
            name.setObjectName("caption")
            name.setMinimumWidth(130)
            value = QLabel(text)
            value.setWordWrap(True)
            line.addWidget(name, 0, Qt.AlignmentFlag.AlignTop)
            line.addWidget(value, 1)
            layout.addLayout(line)
            self.rows[caption] = value
        layout.addStretch(1)
        buttons = QHBoxLayout()
        buttons.setSpacing(10)
        self.ack_button = dialog_button("Acknowledge", buttons)
        bind(self.ack_button, Action.ALARM_ACKNOWLEDGE)
        self.ack_button.setVisible(alarm is not None and alarm.unacknowledged)
        self.ack_button.clicked.connect(lambda _c=False: self._acknowledge(acknowledge))
        self.alarms_button = dialog_button("All alarms", buttons)
        self.alarms_button.clicked.connect(lambda _c=False: (self.accept(), open_alarms()))
        buttons.addStretch(1)
        self.close_button = dialog_button("Close", buttons)
        self.close_button.clicked.connect(lambda _c=False: self.reject())
        layout.addLayout(buttons)

    def _acknowledge(self, acknowledge: Callable[[str], None]) -> None:
        if self.alarm is not None:
            acknowledge(self.alarm.name)
        self.accept()
