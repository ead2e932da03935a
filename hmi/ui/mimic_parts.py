"""The pieces of the process mimic (ISA-101: grey, colour only for the abnormal):

- `AnalogBar`: a value within its range, the alarm limits marked as ticks;
- `AlarmMarker`: the priority of the most urgent active alarm on a value (digit in a coloured
  box, filled while unacknowledged) — the digit carries the meaning, not only the colour;
- `MimicValue`: marker · caption · value · unit on one row;
- `Symbol`: the equipment's outline (hopper, mixer, rolls, gauge, rewind), drawn small;
- `EquipmentBlock`: title, symbol, values and bars of one `Equipment`; a tap opens its faceplate.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from hmi.alarms.model import AlarmStatus
from hmi.core.tags import TAGS
from hmi.runtime.snapshot import Snapshot
from hmi.ui import theme
from hmi.ui.equipment import Bar, Equipment, limits
from hmi.ui.widgets import ValueLabel


def alarms_on(snapshot: Snapshot | None, tags: tuple[str, ...]) -> list[AlarmStatus]:
    """The annunciated alarms on any of `tags`, most urgent first."""
    if snapshot is None or snapshot.alarms is None:
        return []
    return [a for a in snapshot.alarms.active if a.tag in tags]


class AlarmMarker(QWidget):
    SIZE = 20

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(self.SIZE, self.SIZE)
        self.priority = 0  # 0: no alarm
        self.unacknowledged = False

    def show_alarms(self, alarms: list[AlarmStatus]) -> None:
        top = min(alarms, key=lambda a: a.priority) if alarms else None
        state = (top.priority, top.unacknowledged) if top else (0, False)
        if state != (self.priority, self.unacknowledged):
            self.priority, self.unacknowledged = state
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        if not self.priority:
            return
        painter = QPainter(self)
        colour = QColor(theme.PRIORITY_COLOURS[self.priority])
        box = QRectF(1, 1, self.SIZE - 2, self.SIZE - 2)
        painter.setPen(QPen(QColor(theme.TEXT), 1))
        painter.setBrush(colour if self.unacknowledged else QColor(theme.VALUE_BG))
        painter.drawRect(box)
        font = painter.font()
        font.setPixelSize(14)
        font.setBold(True)
        painter.setFont(font)
        text = theme.PRIORITY_TEXT[self.priority] if self.unacknowledged else theme.TEXT
        painter.setPen(QColor(text))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, str(self.priority))
        painter.end()


class AnalogBar(QWidget):
    """Horizontal bar of `bar.tag` over its span, alarm limits as ticks in their priority
    colour; no fill when the value is unknown (bad quality)."""

    def __init__(self, bar: Bar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = bar
        self.low, self.high = bar.span
        self.limits = limits(bar.tag)
        self.value = math.nan
        self._drawn: int | None = None
        self.text = ""  # the value with its unit, drawn on the bar
        self.setFixedHeight(22)
        self.setMinimumWidth(90)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def _x(self, value: float) -> float:
        frac = (min(max(value, self.low), self.high) - self.low) / (self.high - self.low)
        return 1 + frac * (self.width() - 2)

    def set_value(self, value: float, text: str = "") -> None:
        self.value = value
        key = (round(self._x(value)), text) if math.isfinite(value) else None
        if key != self._drawn:
            self._drawn = key
            self.text = text
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        box = QRectF(0.5, 3.5, self.width() - 1, self.height() - 7)
        painter.setPen(QPen(QColor(theme.VALUE_BORDER), 1))
        painter.setBrush(QColor(theme.VALUE_BG))
        painter.drawRect(box)
        if math.isfinite(self.value):
            fill = QRectF(box.left(), box.top(), self._x(self.value) - box.left(), box.height())
            painter.fillRect(fill, QColor(theme.BUTTON_ACTIVE))
        for limit, priority, _ in self.limits:
            if self.low <= limit <= self.high:
                x = self._x(limit)
                painter.setPen(QPen(QColor(theme.PRIORITY_COLOURS[priority]), 3))
                painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        if self.text:  # on a light box at the right end, readable over the fill
            font = painter.font()
            font.setPixelSize(13)
            font.setBold(True)
            painter.setFont(font)
            width = painter.fontMetrics().horizontalAdvance(self.text) + 8
            label = QRectF(box.right() - width, box.top() + 1, width - 1, box.height() - 2)
            painter.fillRect(label, QColor(theme.VALUE_BG))
            painter.setPen(QColor(theme.TEXT))
            painter.drawText(label, Qt.AlignmentFlag.AlignCenter, self.text)
        painter.end()


class MimicValue(QWidget):
    """One value on the drawing: alarm marker and short caption over value and unit. The value
    box is as wide as the tag's largest value, so it never jumps when a digit appears."""

    def __init__(self, name: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        definition = TAGS[name]
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(0)
        self.marker = AlarmMarker()
        self.caption = QLabel(caption)
        self.caption.setObjectName("mimicCaption")
        self.value = ValueLabel(name)
        self.value.setObjectName("mimicValue")
        self.value.ensurePolished()
        widest = definition.format(definition.high).replace("-", "0")[-7:]  # 7 digits at most
        self.value.setMinimumWidth(self.value.fontMetrics().horizontalAdvance(widest) + 12)
        self.unit = QLabel(definition.unit)
        self.unit.setObjectName("unit")
        grid.addWidget(self.caption, 0, 0, 1, 3)
        grid.addWidget(self.marker, 1, 0)
        grid.addWidget(self.value, 1, 1)
        grid.addWidget(self.unit, 1, 2)
        grid.setColumnStretch(1, 1)
        self.caption.setVisible(bool(caption))  # a block's title can be the caption

    def update_from(self, snapshot: Snapshot | None) -> None:
        self.value.update_from(snapshot)
        self.marker.show_alarms(alarms_on(snapshot, (self.name,)))


class StatusText(QLabel):
    """A 0/1 status shown as words only when it is 1 (e.g. REFILLING); empty otherwise."""

    def __init__(self, name: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.name, self.on_text = name, text
        self.setObjectName("mimicStatus")

    def update_from(self, snapshot: Snapshot | None) -> None:
        on = snapshot is not None and snapshot.value(self.name) >= 0.5
        text = self.on_text if on else ""
        if text != self.text():
            self.setText(text)


class Symbol(QWidget):
    """The equipment's outline; the hopper fills to its level."""

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.level = math.nan  # 0..1 for a hopper
        self.setFixedHeight(44)
        self.setMinimumWidth(60)

    def set_level(self, level: float) -> None:
        if (round(level * 20) if math.isfinite(level) else None) != (
            round(self.level * 20) if math.isfinite(self.level) else None
        ):
            self.level = level
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(QPen(QColor(theme.TEXT_MUTED), 2))
        painter.setBrush(QColor(theme.VALUE_BG))
        w, h, cx = self.width(), self.height(), self.width() / 2
        if self.kind == "hopper":
            outline = QPolygonF(
                [
                    QPointF(cx - 22, 2),
                    QPointF(cx + 22, 2),
                    QPointF(cx + 6, h - 4),
                    QPointF(cx - 6, h - 4),
                ]
            )
            painter.drawPolygon(outline)
            if math.isfinite(self.level):
                top = 2 + (1 - max(0.0, min(1.0, self.level))) * (h - 6)
                painter.setPen(QPen(QColor(theme.BUTTON_ACTIVE), 2))
                painter.drawLine(QPointF(cx - 20, top), QPointF(cx + 20, top))
        elif self.kind == "mixer":
            painter.drawEllipse(QPointF(cx, h / 2), h / 2 - 3, h / 2 - 3)
            painter.drawLine(QPointF(cx - 12, h / 2), QPointF(cx + 12, h / 2))
            painter.drawLine(QPointF(cx, h / 2 - 12), QPointF(cx, h / 2 + 12))
        elif self.kind in ("rolls", "rolls_small", "laminate"):
            r = h / 4 if self.kind == "rolls" else h / 5
            painter.drawEllipse(QPointF(cx, h / 2 - r - 1), r, r)
            painter.drawEllipse(QPointF(cx, h / 2 + r + 1), r, r)
            painter.drawLine(QPointF(4, h / 2), QPointF(w - 4, h / 2))
            if self.kind == "rolls":  # the powder bank in front of the nip
                bank = QPolygonF(
                    [
                        QPointF(cx - r - 14, h / 2),
                        QPointF(cx - r, h / 2 - 8),
                        QPointF(cx - r, h / 2),
                    ]
                )
                painter.setBrush(QColor(theme.TEXT_MUTED))
                painter.drawPolygon(bank)
            if self.kind == "laminate":  # the foil coming in from its unwind
                painter.drawEllipse(QPointF(10, 8), 6, 6)
                painter.drawLine(QPointF(14, 12), QPointF(cx - r, h / 2))
        elif self.kind == "gauge":
            painter.drawRect(QRectF(6, 4, w - 12, h - 8))
            painter.drawLine(QPointF(4, h / 2), QPointF(w - 4, h / 2))
        elif self.kind == "rewind":
            painter.drawEllipse(QPointF(cx, h / 2), h / 2 - 3, h / 2 - 3)
            painter.drawEllipse(QPointF(cx, h / 2), 5, 5)
        painter.end()


class EquipmentBlock(QFrame):
    """One piece of equipment on the mimic; a tap anywhere on it opens its faceplate."""

    tapped = Signal(str)  # equipment key

    def __init__(self, equipment: Equipment, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.equipment = equipment
        self.setObjectName("mimicBlock")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.setSpacing(3)
        heading = QHBoxLayout()
        title = QLabel(equipment.short_title)
        title.setObjectName("mimicTitle")
        heading.addWidget(title)
        heading.addStretch(1)
        self.status = [StatusText(tag, text) for tag, text in equipment.status]
        for label in self.status:
            heading.addWidget(label)
        layout.addLayout(heading)
        self.symbol = Symbol(equipment.symbol)
        if equipment.symbol not in ("hopper", "rewind"):  # a hopper's level is its bar
            layout.addWidget(self.symbol)
        self.values = [MimicValue(n, equipment.caption(n)) for n in equipment.shown]
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        for index, value in enumerate(self.values):
            grid.addWidget(value, index // equipment.columns, index % equipment.columns)
        layout.addLayout(grid)
        self.bars: list[tuple[AnalogBar, MimicValue | None]] = []
        for bar in equipment.bars:
            caption = QLabel(equipment.caption(bar.tag))
            caption.setObjectName("mimicCaption")
            layout.addWidget(caption)
            indicator = AnalogBar(bar)
            layout.addWidget(indicator)
            self.bars.append((indicator, None))
        layout.addStretch(1)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        self.tapped.emit(self.equipment.key)
        super().mousePressEvent(event)

    def update_from(self, snapshot: Snapshot | None) -> None:
        for value in self.values:
            value.update_from(snapshot)
        for label in self.status:
            label.update_from(snapshot)
        for indicator, _ in self.bars:
            good = snapshot is not None and snapshot.is_good(indicator.bar.tag)
            level = snapshot.value(indicator.bar.tag) if good and snapshot else math.nan
            definition = TAGS[indicator.bar.tag]
            shown = f"{definition.format(level)} {definition.unit}" if good else "----"
            indicator.set_value(level, shown)
            if self.equipment.symbol == "hopper":
                low, high = indicator.bar.span
                self.symbol.set_level((level - low) / (high - low))
