"""The navigation bar: one large touch button per screen, and the status line."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from hmi.ui.theme import set_state

BUTTON_HEIGHT = 64  # touch target


class NavBar(QFrame):
    selected = Signal(str)  # screen name

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navBar")
        self.setFixedHeight(BUTTON_HEIGHT + 16)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(12, 8, 12, 8)
        self._layout.setSpacing(6)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self.buttons: dict[str, QPushButton] = {}
        self.status = QLabel("")
        self.status.setObjectName("statusLine")
        self.status.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight)
        self.status.setWordWrap(True)
        self._layout.addStretch(0)
        self._layout.addWidget(self.status, 1)

    def add(self, name: str) -> QPushButton:
        button = QPushButton(name)
        button.setObjectName("navButton")
        button.setCheckable(True)
        button.setMinimumHeight(BUTTON_HEIGHT)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a focus ring would look selected
        button.clicked.connect(lambda _checked=False, n=name: self.selected.emit(n))
        self._group.addButton(button)
        self._layout.insertWidget(len(self.buttons), button)
        self.buttons[name] = button
        return button

    def set_current(self, name: str) -> None:
        self.buttons[name].setChecked(True)

    def show_status(self, message: str, is_error: bool = False) -> None:
        if self.status.text() != message:
            self.status.setText(message)
            self.status.setToolTip(message)
        set_state(self.status, "deviation" if is_error else "normal")
