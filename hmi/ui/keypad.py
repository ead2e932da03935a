"""Numeric keypad for entering a setpoint on a touchscreen (and with a keyboard).

The dialog shows the tag's description, unit and allowed range, and hands the number to a
`submit` callable (the service). Whatever `submit` raises — out of range, no permission, not
writable — is shown in the dialog, which stays open; nothing is sent on error.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from hmi.core.tags import Tag, TagRangeError
from hmi.security.permissions import permission, roles_text
from hmi.security.session import PermissionDenied
from hmi.ui.message_line import ErrorLine
from hmi.ui.theme import set_active

BACKSPACE = "\u232b"
KEYS = (("7", "8", "9"), ("4", "5", "6"), ("1", "2", "3"), (".", "0", BACKSPACE))


def error_text(exc: BaseException) -> str:
    """What an operator reads: labels and units, never tag or action names."""
    if isinstance(exc, TagRangeError):
        t = exc.tag
        try:
            shown = f"{float(exc.value):g} {t.unit}".rstrip()  # type: ignore[arg-type]
        except (TypeError, ValueError):
            shown = repr(exc.value)
        allowed = f"{t.low:g} to {t.high:g} {t.unit}".rstrip()
        return f"{t.description}: {shown} is outside the allowed range {allowed}"
    if isinstance(exc, PermissionDenied):
        try:
            needed = permission(exc.action)
        except KeyError:
            return str(exc)
        role = exc.session.role.label
        return f"{role} may not {needed.description}: log in as {roles_text(needed.roles)}"
    if isinstance(exc, KeyError) and exc.args:
        return str(exc.args[0])
    return str(exc) or type(exc).__name__


class KeypadDialog(QDialog):
    """Enter one number. `accepted_value` holds what was sent once the dialog is accepted."""

    def __init__(
        self,
        definition: Tag,
        current: float,
        submit: Callable[[float], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.definition = definition
        self.accepted_value: float | None = None
        self._submit = submit
        self.setWindowTitle(definition.description)
        self.setModal(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 16)
        layout.setSpacing(10)
        title = QLabel(definition.description)
        title.setObjectName("keypadTitle")
        layout.addWidget(title)
        shown = definition.format(current)
        info = QLabel(
            f"Allowed range {definition.low:g} – {definition.high:g} {definition.unit}"
            f"    ·    current {shown} {definition.unit}"
        )
        info.setObjectName("keypadInfo")
        self.range_label = info
        layout.addWidget(info)

        entry = QHBoxLayout()
        self.edit = QLineEdit(shown if math.isfinite(current) else "")
        self.edit.setObjectName("keypadEdit")
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.edit.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"-?[0-9]*[.,]?[0-9]*"), self.edit)
        )
        self.edit.selectAll()  # the first key pressed replaces the current value
        self.edit.returnPressed.connect(self.confirm)
        self.edit.textEdited.connect(lambda _text: self.show_error(""))
        entry.addWidget(self.edit, 1)
        unit = QLabel(definition.unit)
        unit.setObjectName("keypadInfo")
        unit.setMinimumWidth(64)
        entry.addWidget(unit)
        layout.addLayout(entry)

        self.error = ErrorLine(lines=3)  # its room is reserved: the keys never move under a finger
        layout.addWidget(self.error)

        layout.addLayout(self._keys())
        self.edit.setFocus()

    def _button(self, text: str, name: str, handler: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keep the keyboard on the line edit
        button.setAutoDefault(False)
        button.clicked.connect(handler)
        return button

    def _keys(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setSpacing(8)
        self.keys: dict[str, QPushButton] = {}
        for row, keys in enumerate(KEYS):
            for column, key in enumerate(keys):
                handler = self.edit.backspace if key == BACKSPACE else self._typer(key)
                self.keys[key] = self._button(key, "keypadKey", handler)
                grid.addWidget(self.keys[key], row, column)
        self.clear_button = self._button("Clear", "keypadAction", self._clear)
        self.cancel_button = self._button("Cancel", "keypadAction", self.reject)
        self.ok_button = self._button("OK", "keypadAction", self.confirm)
        set_active(self.ok_button, True)  # the primary action
        grid.addWidget(self.clear_button, 0, 3)
        grid.addWidget(self.cancel_button, 1, 3)
        grid.addWidget(self.ok_button, 2, 3, 2, 1)
        self.ok_button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        return grid

    def _typer(self, key: str) -> Callable[[], None]:
        def press() -> None:
            self.edit.insert(key)  # replaces a selection, like typing
            self.show_error("")

        return press

    def _clear(self) -> None:
        self.edit.clear()
        self.show_error("")

    def press(self, keys: str) -> None:
        """Tap keys by their labels, e.g. ``press("42.5")`` (for tests and scripted use)."""
        for key in keys:
            self.keys[key].click()

    def show_error(self, message: str) -> None:
        self.error.setText(message)

    def confirm(self) -> None:
        text = self.edit.text().strip().replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            d = self.definition
            self.show_error(
                f"Enter a number from {d.low:g} to {d.high:g} {d.unit}"
                if not text
                else f"{text!r} is not a number"
            )
            return
        try:
            self._submit(value)
        except Exception as exc:  # any refusal is shown; the dialog stays open
            self.show_error(error_text(exc))
            return
        self.accepted_value = value
        self.accept()
