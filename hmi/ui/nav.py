"""The bottom of the window: the status line (one row across the whole width) over one large
touch button per screen. The buttons never share a row with the status text, so a long message
cannot squeeze them."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hmi.ui.elided import ElidedLabel
from hmi.ui.theme import set_state

BUTTON_HEIGHT = 60  # touch target (≥ 9 mm on a 15" 1024×768 panel)
STATUS_HEIGHT = 26


class NavBar(QFrame):
    selected = Signal(str)  # screen name

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navBar")
        self.setFixedHeight(STATUS_HEIGHT + BUTTON_HEIGHT + 18)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 2, 12, 8)
        outer.setSpacing(4)
        self.status = ElidedLabel("")
        self.status.setObjectName("statusLine")
        self.status.setFixedHeight(STATUS_HEIGHT)
        self.status.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        self.status.tapped.connect(self._show_whole)
        outer.addWidget(self.status)
        self._layout = QHBoxLayout()
        self._layout.setSpacing(6)
        outer.addLayout(self._layout)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self.buttons: dict[str, QPushButton] = {}

    def add(self, name: str) -> QPushButton:
        button = QPushButton(name)
        button.setObjectName("navButton")
        button.setCheckable(True)
        button.setMinimumHeight(BUTTON_HEIGHT)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a focus ring would look selected
        button.clicked.connect(lambda _checked=False, n=name: self.selected.emit(n))
        self._group.addButton(button)
        self._layout.addWidget(button, 1)
        self.buttons[name] = button
        return button

    def set_current(self, name: str) -> None:
        self.buttons[name].setChecked(True)

    def show_status(self, message: str, is_error: bool = False) -> None:
        if self.status.text() != message:
            self.status.setText(message)
            self.status.update()
        set_state(self.status, "deviation" if is_error else "normal")

    def _show_whole(self) -> None:
        """A message cut at the window's edge: a tap shows it whole, on its own page."""
        if not self.status.elided:
            return
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.NoIcon, "Message", self.status.text(), parent=self)
        box.setObjectName("messageBox")
        box.open()
