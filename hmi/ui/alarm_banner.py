"""The alarm banner in the header: the most urgent unacknowledged alarm, counts per priority,
flashing until acknowledged, and the audible annunciation with its Silence button.

Fed from the snapshot's AlarmSummary at the frame rate; it only touches its widgets when the
summary's version or the flash phase changes. A tap on the banner opens the Alarms screen.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from hmi.alarms.model import AlarmStatus, AlarmSummary
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

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        sound: Callable[[], None] = beep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("alarmBanner")
        self.setMinimumWidth(120)
        self._sound = sound
        self._clock = clock
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 6, 2)
        layout.setSpacing(6)
        self.text = QLabel(NO_ALARMS)
        self.text.setObjectName("alarmText")
        self.text.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        self.text.setMinimumWidth(60)
        layout.addWidget(self.text, 1)
        self.counts: dict[int, QLabel] = {}
        grid = QGridLayout()  # 2 × 2: critical high / medium low
        grid.setSpacing(2)
        for p, label in PRIORITY_LABELS.items():
            chip = QLabel(f"{label[0]} 0")
            chip.setObjectName("alarmCount")
            chip.setToolTip(f"{label} priority alarms active")
            self.counts[p] = chip
            grid.addWidget(chip, (p - 1) // 2, (p - 1) % 2)
        layout.addLayout(grid)
        self.silence_button = QPushButton("Silence")
        self.silence_button.setObjectName("alarmSilence")
        self.silence_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.silence_button.setToolTip("Silence the horn until the next new alarm")
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
        self._elide()
        self.setToolTip(text)
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

    def _elide(self) -> None:
        """Fit the text to the label; the whole text is in the tooltip and on the screen."""
        metrics = self.text.fontMetrics()
        width = max(self.text.width() - 4, 40)
        text = metrics.elidedText(self._full_text, Qt.TextElideMode.ElideRight, width)
        if self.text.text() != text:
            self.text.setText(text)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._elide()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        self.open_alarms.emit()
        super().mousePressEvent(event)
