"""A touch-sized choice button: shows the current choice with ▾, a tap opens the list."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QMenu, QPushButton, QWidget

ARROW = "  \u25be"


class ChoicePicker(QPushButton):
    changed = Signal(str)

    def __init__(self, items: Sequence[str] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("picker")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.items: list[str] = []
        self._current = ""
        self.menu: QMenu | None = None  # built when first opened
        self.clicked.connect(self._pop)
        self.set_items(items)

    def set_items(self, items: Sequence[str]) -> None:
        """Replace the list; the current choice stays if it is still there (no signal)."""
        self.items = list(items)
        if self._current not in self.items:
            self._current = self.items[0] if self.items else ""
        self._show()

    def current(self) -> str:
        return self._current

    def choose(self, item: str) -> None:
        if item not in self.items:
            raise ValueError(f"{item!r} is not one of {', '.join(self.items)}")
        if item != self._current:
            self._current = item
            self._show()
            self.changed.emit(item)

    def _show(self) -> None:
        self.setText(self._current + ARROW)

    def _pop(self) -> QMenu:
        if self.menu is None:
            self.menu = QMenu(self)
            self.menu.setObjectName("pickerMenu")
        self.menu.clear()
        for item in self.items:
            action = self.menu.addAction(item)
            action.triggered.connect(lambda _c=False, i=item: self.choose(i))
        self.menu.setMinimumWidth(self.width())
        self.menu.popup(self.mapToGlobal(self.rect().bottomLeft()))
        return self.menu
