"""Under the trend: every pen's value at the cursor with the clock time, and a tapped
marker's text. Colour swatches repeat the pen's colour so the legend is the readout."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from hmi.core.tags import TAGS
from hmi.runtime.trend_history import Marker, clock_text
from hmi.runtime.trend_range import value_at
from hmi.ui.chart import pen_style
from hmi.ui.elided import ElidedLabel

COLUMNS = 4


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

    def set_pens(self, pens: Sequence[str]) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.values.clear()
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
            self.grid.addWidget(cell, index // COLUMNS, index % COLUMNS)
            self.grid.setColumnStretch(index % COLUMNS, 1)
            self.values[name] = label
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
            caption = t.description.split(",", 1)[0] if "," in t.description else t.description
            side = t.description.split(", ", 1)[1] if ", " in t.description else ""
            caption = f"{caption} {side}".strip()
            text = caption
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
