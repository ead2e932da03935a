"""The alarm banner under the header: the most urgent unacknowledged alarm's text, counts per
priority, Acknowledge, and the audible annunciation with its Silence button.

Fed from the snapshot's AlarmSummary at the frame rate; it only touches its widgets when the
summary's version or the flash phase changes. A tap on the text asks for the alarm's detail
(its whole text when it had to be cut, with Acknowledge and the Alarms screen); a tap on the
counts or elsewhere on the banner opens the Alarms screen. Every part has a fixed width except
the text, so the banner never changes shape when a count gains a digit.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from hmi.alarms.model import AlarmStatus, AlarmSummary
from hmi.security import Action
from hmi.ui.access import bind
from hmi.ui.elided import ElidedLabel
from hmi.ui.theme import PRIORITY_LABELS, set_state

NO_ALARMS = "No active alarms"
FLASH_PERIOD_S = 1.0  # on half, off half (ISA-101: ~1 Hz for unacknowledged alarms)
BEEP_EVERY_S = 2.0  # the horn repeats while an unacknowledged alarm is not silenced


def beep() -> None:
    QApplication.beep()  # QtMultimedia (QSoundEffect) is not in PySide6-Essentials


def banner_text(status: AlarmStatus) -> str:
    return f"{PRIORITY_LABELS.get(status.priority, '?').upper()} · {status.message}"


class AlarmBanner(QFrame):
    open_alarms = Signal()
    detail_requested = Signal(object)  # the AlarmStatus shown (None: no alarm)
    acknowledge_requested = Signal(str)  # the shown alarm's name

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        sound: Callable[[], None] = beep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("alarmBanner")
        self.setFixedHeight(52)
        self._sound = sound
        self._clock = clock
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 4, 2)
        layout.setSpacing(6)
        self.text = ElidedLabel(NO_ALARMS)
        self.text.setObjectName("alarmText")
        self.text.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        self.text.tapped.connect(lambda: self.detail_requested.emit(self._shown))
        layout.addWidget(self.text, 1)
        self.counts: dict[int, QLabel] = {}
        for p, label in PRIORITY_LABELS.items():
            chip = QLabel(f"{label[0]} 999")
            chip.setObjectName("alarmCount")
            chip.setFixedWidth(chip.sizeHint().width() + 6)
            chip.setText(f"{label[0]} 0")
            self.counts[p] = chip
            layout.addWidget(chip)
        self.ack_button = QPushButton("Acknowledge")
        self.ack_button.setObjectName("alarmSilence")
        self.ack_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.ack_button.clicked.connect(lambda _c=False: self._acknowledge())
        bind(self.ack_button, Action.ALARM_ACKNOWLEDGE)
        layout.addWidget(self.ack_button)
        self.silence_button = QPushButton("Silence")
        self.silence_button.setObjectName("alarmSilence")
        self.silence_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.silence_button.clicked.connect(lambda _c=False: self.silence())
        layout.addWidget(self.silence_button)
        self.silence_button.setEnabled(False)

        self._version = -1
        self._full_text = NO_ALARMS
        self._shown: AlarmStatus | None = None
        self._top: AlarmStatus | None = None
        self._raised_seen = -1  # occurrences counted: a new one re-arms the horn
        self.sounding = False
        self._next_beep = 0.0
        self.beeps = 0
        set_state(self, "normal")
        set_state(self.text, "normal")

    # ----- public -----
    @property
    def full_text(self) -> str:
        return self._full_text

    def silence(self) -> None:
        self.sounding = False
        self.silence_button.setEnabled(False)

    @property
    def shown(self) -> AlarmStatus | None:
        """The alarm the banner shows: the most urgent unacknowledged, else the first active."""
        return self._shown

    def _acknowledge(self) -> None:
        if self._top is not None:
            self.acknowledge_requested.emit(self._top.name)

    @property
    def flashing(self) -> bool:
        return self._top is not None

    def update_from(self, summary: AlarmSummary | None) -> None:
        summary = summary or AlarmSummary()
        if summary.version != self._version:
            self._version = summary.version
            self._show(summary)
        self._annunciate()

    # ----- internals -----
    def _show(self, summary: AlarmSummary) -> None:
        active = summary.counts()
        for p, chip in self.counts.items():
            text = f"{PRIORITY_LABELS[p][0]} {active.get(p, 0)}"
            if chip.text() != text:
                chip.setText(text)
            set_state(chip, f"p{p}" if active.get(p, 0) else "normal")
        self._top = summary.top_unacknowledged()
        raised = sum(a.occurrence for a in summary.alarms if a.unacknowledged)
        if self._top is not None and raised > self._raised_seen:
            self.sounding = True  # a new unacknowledged occurrence: sound again
            self._next_beep = 0.0
        self._raised_seen = raised if self._top is not None else -1
        if self._top is None:
            self.silence()
        shown = self._top or next(iter(summary.active), None)
        text = banner_text(shown) if shown is not None else NO_ALARMS
        total = sum(active.values())
        if shown is not None and total > 1:
            text += f"   (+{total - 1})"
        self._full_text = text
        if self.text.text() != text:
            self.text.setText(text)
            self.text.update()
        self._shown = shown

    def _annunciate(self) -> None:
        now = self._clock()
        shown = self._shown
        if shown is None:
            state = "normal"
        elif self._top is not None:
            phase = "on" if (now % FLASH_PERIOD_S) < FLASH_PERIOD_S / 2 else "off"
            state = f"p{self._top.priority}{phase}"
        else:
            state = f"p{shown.priority}ack"
        set_state(self, state)
        set_state(self.text, state)
        if self.sounding:
            self.silence_button.setEnabled(True)
            if now >= self._next_beep:
                self._next_beep = now + BEEP_EVERY_S
                self.beeps += 1
                self._sound()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if not self.text.geometry().contains(event.position().toPoint()):
            self.open_alarms.emit()
        super().mousePressEvent(event)
