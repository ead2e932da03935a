"""Quality, third page: the headline figures, each with its assumptions and the public claim or
reference it compares with (hmi/quality/kpis.py; sources in docs/quality.md)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from hmi.quality.kpis import Kpi
from hmi.quality.monitor import QualityView


class KpiPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: dict[str, tuple[QLabel, QLabel, QLabel]] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(14)
        self.grid.setVerticalSpacing(3)
        self.grid.setColumnStretch(2, 1)
        for col, text in enumerate(("Figure", "Value", "Assumptions · compared with")):
            head = QLabel(text)
            head.setObjectName("columnTitle")
            self.grid.addWidget(head, 0, col)
        layout.addLayout(self.grid)
        layout.addStretch(1)
        self.note = QLabel("Figures since the HMI started; cell figures from the assumptions "
                           "shown, not measured.")  # fmt: skip
        self.note.setObjectName("caption")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)

    def _row(self, kpi: Kpi) -> tuple[QLabel, QLabel, QLabel]:
        found = self.rows.get(kpi.key)
        if found is not None:
            return found
        n = len(self.rows) + 1
        label = QLabel(kpi.label)
        label.setObjectName("groupTitle")
        value = QLabel("—")
        value.setObjectName("value")
        value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        note = QLabel("")
        note.setObjectName("caption")
        note.setWordWrap(True)
        self.grid.addWidget(label, n, 0)
        self.grid.addWidget(value, n, 1)
        self.grid.addWidget(note, n, 2)
        self.rows[kpi.key] = (label, value, note)
        return label, value, note

    def show_view(self, view: QualityView) -> None:
        for kpi in view.kpis:
            _, value, note = self._row(kpi)
            value.setText(kpi.text)
            text = kpi.assumption + (f" · {kpi.reference}" if kpi.reference else "")
            if note.text() != text:
                note.setText(text)
