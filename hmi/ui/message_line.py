"""A message line for dialogs whose room is always reserved."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class ErrorLine(QWidget):
    """A message line whose height is always reserved, so that an error appearing never moves
    a button under the operator's finger; shown in the abnormal style only when it has text."""

    LINE_PX = 20  # one line of the 15 px message font
    PADDING_PX = 12

    def __init__(self, parent: QWidget | None = None, *, lines: int = 2) -> None:
        """`lines`: room for this many lines (a narrow dialog needs three for the longest
        message the services give)."""
        super().__init__(parent)
        self.setFixedHeight(lines * self.LINE_PX + self.PADDING_PX)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel("")
        self.label.setObjectName("keypadError")
        self.label.setWordWrap(True)
        self.label.setVisible(False)
        layout.addWidget(self.label)

    def setText(self, text: str) -> None:  # noqa: N802 (reads like a QLabel)
        self.label.setText(text)
        self.label.setVisible(bool(text))

    def text(self) -> str:
        return self.label.text()
