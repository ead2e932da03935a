"""A custom time range on a touch panel: start and end moved by large day / hour / minute
steps, no keyboard and no tiny calendar cells."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hmi.runtime.trend_range import TimeRange
from hmi.ui.message_line import ErrorLine
from hmi.ui.widgets import cancel_and_primary

STEPS_S: tuple[tuple[str, float], ...] = (
    ("−1 d", -86400.0),
    ("−1 h", -3600.0),
    ("−10 min", -600.0),
    ("+10 min", 600.0),
    ("+1 h", 3600.0),
    ("+1 d", 86400.0),
)


def range_text(span: TimeRange) -> str:
    hours, rest = divmod(int(round(span.span_s)), 3600)
    return f"{hours} h {rest // 60:02d} min" if hours else f"{rest // 60} min {rest % 60:02d} s"


def when_text(wall_time: float) -> str:
    return time.strftime("%a %d %b %Y  %H:%M", time.localtime(wall_time))


class RangePickerDialog(QDialog):
    """`chosen` is the range once accepted."""

    def __init__(self, span: TimeRange, now: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rangePicker")
        self.setWindowTitle("Time range")
        self.setModal(True)
        self.now = now
        self.bounds = [span.start, span.end]
        self.chosen = span
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        title = QLabel("Time range")
        title.setObjectName("keypadTitle")
        layout.addWidget(title)
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(8)
        self.labels: list[QLabel] = []
        for row, caption in enumerate(("From", "To")):
            name = QLabel(caption)
            name.setObjectName("formCaption")
            grid.addWidget(name, row * 2, 0)
            value = QLabel()
            value.setObjectName("keypadEdit")
            value.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(value, row * 2, 1, 1, len(STEPS_S))
            self.labels.append(value)
            for column, (text, step) in enumerate(STEPS_S):
                button = QPushButton(text)
                button.setObjectName("keypadAction")
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                button.clicked.connect(lambda _c=False, r=row, s=step: self.step(r, s))
                grid.addWidget(button, row * 2 + 1, column + 1)
        layout.addLayout(grid)
        self.span_label = QLabel()
        self.span_label.setObjectName("keypadInfo")
        layout.addWidget(self.span_label)
        self.error = ErrorLine()
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.ok_button = cancel_and_primary(buttons, self, "Show", self.confirm)
        layout.addLayout(buttons)
        self._sync()

    def step(self, which: int, seconds: float) -> None:
        """Move the start (0) or the end (1) by `seconds`; the end never passes now."""
        self.bounds[which] = min(self.bounds[which] + seconds, self.now)
        self._sync()

    def confirm(self) -> None:
        try:
            self.chosen = TimeRange(self.bounds[0], self.bounds[1])
        except ValueError as exc:
            self.error.setText(f"Time range: {exc}")
            return
        self.accept()

    def _sync(self) -> None:
        for label, value in zip(self.labels, self.bounds, strict=True):
            label.setText(when_text(value))
        try:
            self.span_label.setText(f"Length: {range_text(TimeRange(*self.bounds))}")
            self.error.setText("")
        except ValueError as exc:
            self.span_label.setText("")
            self.error.setText(f"Time range: {exc}")
