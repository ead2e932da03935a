"""Under the trend: every pen's value at the cursor with the clock time, and a tapped
marker's text. Colour swatches repeat the pen's colour so the legend is the readout."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from hmi.core.tags import TAGS
from hmi.runtime.trend_history import Marker, clock_text
from hmi.runtime.trend_range import value_at
from hmi.ui.chart import pen_style
from hmi.ui.elided import ElidedLabel

WIDE_PX = 1150  # four pens a row from here, else three (each needs ~300 px unelided)


def pen_caption(name: str) -> str:
    """The description without its parenthesis and commas: "Roll gap operator side"."""
    text = re.sub(r"\s*\([^)]*\)", "", TAGS[name].description)
    return text.replace(",", "")


class TrendReadout(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.cursor_label = QLabel("Cursor: tap the chart")
        self.cursor_label.setObjectName("caption")
        layout.addWidget(self.cursor_label)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(16)
        self.grid.setVerticalSpacing(0)
        layout.addLayout(self.grid)
        self.marker_label = ElidedLabel("")
        self.marker_label.setObjectName("legend")
        layout.addWidget(self.marker_label)
        self.values: dict[str, QLabel] = {}
        self.pens: tuple[str, ...] = ()
        self.columns = 4
        self._cells: list[QWidget] = []

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 (Qt override)
        columns = 4 if event.size().width() >= WIDE_PX else 3
        if columns != self.columns:
            self.columns = columns
            self._place()
        super().resizeEvent(event)

    def _place(self) -> None:
        for cell in self._cells:
            self.grid.removeWidget(cell)
        for column in range(4):
            self.grid.setColumnStretch(column, 1 if column < self.columns else 0)
        for index, cell in enumerate(self._cells):
            self.grid.addWidget(cell, index // self.columns, index % self.columns)

    def set_pens(self, pens: Sequence[str]) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.values.clear()
        self._cells = []
        self.pens = tuple(pens)
        for index, name in enumerate(self.pens):
            colour, dashed = pen_style(index)
            cell = QWidget()
            row = QHBoxLayout(cell)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(4)
            swatch = QLabel(f"<span style='color:{colour}'>{'╍╍╍' if dashed else '━━━'}</span>")
            swatch.setObjectName("legend")
            swatch.setTextFormat(Qt.TextFormat.RichText)
            row.addWidget(swatch)
            label = ElidedLabel("")
            label.setObjectName("legend")
            row.addWidget(label, 1)
            self._cells.append(cell)
            self.values[name] = label
        self._place()
        self.show_values(None, {})

    def show_values(
        self, wall_time: float | None, series: Mapping[str, tuple[np.ndarray, np.ndarray]]
    ) -> dict[str, float]:
        """Each pen's value at `wall_time` (None: no cursor, names only); returns them."""
        found: dict[str, float] = {}
        if wall_time is None:
            self.cursor_label.setText("Cursor: tap the chart")
        else:
            self.cursor_label.setText(f"Cursor {clock_text(wall_time)}")
        for name, label in self.values.items():
            t = TAGS[name]
            text = pen_caption(name)
            if wall_time is not None:
                times, values = series.get(name, (np.empty(0), np.empty(0)))
                value = value_at(times, values, wall_time)
                found[name] = value
                shown = t.format(value) if math.isfinite(value) else "----"
                text += f": {shown} {t.unit}".rstrip()
            label.setText(text)
            label.setToolTip(f"{t.description} ({t.unit})")
        return found

    def show_marker(self, marker: Marker | None) -> None:
        if marker is None:
            self.marker_label.setText("")
        else:
            self.marker_label.setText(f"{clock_text(marker.wall_time)}  {marker.text}")
