"""A one-line label that elides to the room it is given instead of pushing its neighbours.

`text()` stays the whole text (tests and callers read what is meant, not what fits); the
paint shows it elided with "…". `elided` says whether anything is hidden, so a tap can show
the rest (a touchscreen shows no tooltips). Its size hint never grows with the text, so a
header never jumps when a recipe name or a message gets longer.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QStyle, QStyleOption, QWidget

ELIDES_PROPERTY = "elides"  # the geometry test does not count elided text as clipped


class ElidedLabel(QLabel):
    tapped = Signal()

    def __init__(
        self,
        text: str = "",
        parent: QWidget | None = None,
        *,
        mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight,
        min_chars: int = 6,
    ) -> None:
        super().__init__(text, parent)
        self._mode = mode
        self._min_chars = min_chars
        self.setProperty(ELIDES_PROPERTY, True)

    @property
    def shown_text(self) -> str:
        room = self.contentsRect().width()
        return self.fontMetrics().elidedText(self.text(), self._mode, max(room, 0))

    @property
    def elided(self) -> bool:
        return self.shown_text != self.text()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        metrics = self.fontMetrics()
        margins = self.contentsMargins()
        width = metrics.horizontalAdvance("M" * self._min_chars) + margins.left() + margins.right()
        return QSize(width, metrics.height() + margins.top() + margins.bottom())

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return self.minimumSizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_Widget, option, painter, self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.setFont(self.font())
        painter.drawText(self.contentsRect(), int(self.alignment()), self.shown_text)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        self.tapped.emit()
        super().mousePressEvent(event)
