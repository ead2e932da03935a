"""Analog indicators: where a value sits relative to its normal band, at a glance (ISA-101)."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from hmi.ui import theme


class DeviationBar(QWidget):
    """A horizontal scale of ±`span` with the tolerance band shaded and a pointer at the value.

    The pointer turns amber beyond tolerance and the bar shows no pointer when the value is
    unknown. It repaints only when the pointer moves by a pixel or its state changes.
    """

    def __init__(self, span: float, tolerance: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.span = span
        self.tolerance = tolerance
        self.value = math.nan
        self._drawn: tuple[int, bool] | None = None
        self.setMinimumSize(160, 44)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_value(self, value: float) -> None:
        self.value = value
        key = (round(self._x(value)), self.beyond) if math.isfinite(value) else None
        if key != self._drawn:
            self._drawn = key
            self.update()

    @property
    def beyond(self) -> bool:
        return math.isfinite(self.value) and abs(self.value) > self.tolerance

    def _scale(self) -> QRectF:
        return QRectF(10, 4, max(self.width() - 20, 1), 14)

    def _x(self, value: float) -> float:
        scale = self._scale()
        clipped = max(-self.span, min(self.span, value))
        return scale.left() + (clipped + self.span) / (2 * self.span) * scale.width()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        scale = self._scale()
        painter.fillRect(scale, QColor(theme.VALUE_BG))
        band = QRectF(self._x(-self.tolerance), scale.top(), 0, scale.height())
        band.setRight(self._x(self.tolerance))
        painter.fillRect(band, QColor(theme.BUTTON))
        painter.setPen(QPen(QColor(theme.VALUE_BORDER), 1))
        painter.drawRect(scale)
        painter.setPen(QPen(QColor(theme.TEXT_MUTED), 1))
        centre = self._x(0.0)
        painter.drawLine(QPointF(centre, scale.top()), QPointF(centre, scale.bottom()))
        font = painter.font()
        font.setPixelSize(12)
        painter.setFont(font)
        text_box = QRectF(scale.left(), scale.bottom() + 2, scale.width(), 16)
        painter.drawText(text_box, Qt.AlignmentFlag.AlignLeft, f"\u2212{self.span:g} %")
        painter.drawText(text_box, Qt.AlignmentFlag.AlignRight, f"+{self.span:g} %")
        if math.isfinite(self.value):
            x = self._x(self.value)
            tip = scale.bottom() - 4
            pointer = QPolygonF(
                [QPointF(x, tip), QPointF(x - 9, tip + 16), QPointF(x + 9, tip + 16)]
            )
            painter.setPen(QPen(QColor(theme.TEXT), 1))
            painter.setBrush(QColor(theme.DEVIATION if self.beyond else theme.TEXT))
            painter.drawPolygon(pointer)
        painter.end()
