"""A dialog of a few text fields over an on-screen keyboard: login, first-run set-up, password,
signature, new user. Whatever `submit` raises is shown in the dialog, which stays open."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hmi.ui.background import Background
from hmi.ui.keyboard import OnScreenKeyboard
from hmi.ui.keypad import error_text
from hmi.ui.message_line import ErrorLine
from hmi.ui.theme import set_active

SlowStep = Callable[[object], object]  # the GUI-thread finish of a slow submit
CHIPS_MAX = 10
WIDTH = 700  # the keyboard's width plus margins  # quick-pick buttons (user names) shown at most


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    secret: bool = False
    text: str = ""


class TouchFormDialog(QDialog):
    """`values()` -> {field key: text, "choice": selected choice}. `result_value` holds what
    `submit` returned once accepted."""

    def __init__(
        self,
        title: str,
        fields: Sequence[Field],
        submit: Callable[[dict[str, str]], object],
        *,
        info: str = "",
        primary: str = "OK",
        chips: Sequence[str] = (),
        choices: Sequence[str] = (),
        choice: str = "",
        slow: SlowStep | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """`slow`: (work, finish) for a submit with a slow, CPU-only middle (argon2):
        `submit(values)` returns a zero-argument `work` run on a worker thread, then
        `finish(work's result)` on the GUI thread gives the result; either may raise."""
        super().__init__(parent)
        self.setObjectName("touchForm")
        self.setWindowTitle(title)
        self.setModal(True)
        self.keep_on_session_change = False  # the main window closes other dialogs on logout
        self.result_value: object = None
        self._submit = submit
        self._slow = slow
        self.checking = False  # a slow step is running: the buttons wait
        self._worker = Background(self) if slow is not None else None
        layout = QVBoxLayout(self)
        # Always the size its content needs: grows when an error appears, never clips keys.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        heading = QLabel(title)
        heading.setObjectName("keypadTitle")
        layout.addWidget(heading)
        self.info = QLabel(info)
        self.info.setObjectName("keypadInfo")
        self.info.setWordWrap(True)
        self.info.setFixedWidth(WIDTH - 40)
        layout.addWidget(self.info)
        self.info.setVisible(bool(info))  # after parenting: a parentless widget shown is a window

        self.chips: dict[str, QPushButton] = {}
        if chips:
            row = QHBoxLayout()
            row.setSpacing(6)
            for name in list(chips)[:CHIPS_MAX]:
                chip = self._button(name, "chip", lambda n=name: self._pick(n))
                self.chips[name] = chip
                row.addWidget(chip)
            row.addStretch(1)
            layout.addLayout(row)

        self.choice_group = QButtonGroup(self)
        self.choices: dict[str, QPushButton] = {}
        if choices:
            row = QHBoxLayout()
            row.setSpacing(6)
            for name in choices:
                button = self._button(name, "choice", lambda: None)
                button.setCheckable(True)
                button.setChecked(name == (choice or choices[0]))
                self.choice_group.addButton(button)
                self.choices[name] = button
                row.addWidget(button)
            row.addStretch(1)
            layout.addLayout(row)

        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(8)
        self.fields: dict[str, QLineEdit] = {}
        self._secret: list[QLineEdit] = []
        for row_index, spec in enumerate(fields):
            caption = QLabel(spec.label)
            caption.setObjectName("formCaption")
            edit = QLineEdit(spec.text)
            edit.setObjectName("formEdit")
            edit.setMinimumHeight(48)
            if spec.secret:
                edit.setEchoMode(QLineEdit.EchoMode.Password)
                self._secret.append(edit)
            edit.returnPressed.connect(lambda e=edit: self._next(e))
            edit.textEdited.connect(lambda _t: self.show_error(""))
            edit.installEventFilter(self)  # a tap on a field points the keyboard at it
            grid.addWidget(caption, row_index, 0)
            grid.addWidget(edit, row_index, 1)
            self.fields[spec.key] = edit
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)

        self.error = ErrorLine()  # its room is reserved: buttons never move under a finger
        self.error.setFixedWidth(WIDTH - 40)
        layout.addWidget(self.error)

        self.keyboard = OnScreenKeyboard()
        self.keyboard.entered.connect(lambda: self._next(self.keyboard.target))
        layout.addWidget(self.keyboard)
        self.keyboard.setVisible(bool(fields))

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = self._button("Cancel", "keypadAction", self.reject)
        self._primary = primary
        self.ok_button = self._button(primary, "keypadAction", self.confirm)
        set_active(self.ok_button, True)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.ok_button)
        layout.addLayout(buttons)

        first = next((e for e in self.fields.values() if not e.text()), None)
        self.focus(first or next(iter(self.fields.values()), None))

    def _button(self, text: str, name: str, handler: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _c=False: handler())
        return button

    def focus(self, edit: QLineEdit | None) -> None:
        """Make `edit` the field the keyboard types into."""
        if edit is not None:
            edit.setFocus()
            self.keyboard.target = edit

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.FocusIn):
            if watched in self.fields.values():
                self.keyboard.target = watched  # type: ignore[assignment]
        return super().eventFilter(watched, event)

    def _pick(self, name: str) -> None:
        edits = list(self.fields.values())
        edits[0].setText(name)
        self.focus(edits[1] if len(edits) > 1 else edits[0])
        self.show_error("")

    def _next(self, edit: QLineEdit | None) -> None:
        edits = list(self.fields.values())
        if edit in edits and edits.index(edit) + 1 < len(edits):
            self.focus(edits[edits.index(edit) + 1])
        else:
            self.confirm()

    def values(self) -> dict[str, str]:
        found = {key: edit.text() for key, edit in self.fields.items()}
        checked = self.choice_group.checkedButton()
        if checked is not None:
            found["choice"] = checked.text()
        return found

    def type_into(self, key: str, text: str) -> None:
        """Tap `text` on the on-screen keyboard into field `key` (tests, demos)."""
        self.focus(self.fields[key])
        self.keyboard.press(text)

    def show_error(self, message: str) -> None:
        self.error.setText(message)

    def confirm(self) -> None:
        if self.checking:
            return  # a second tap while the password is being checked
        try:
            result = self._submit(self.values())
        except Exception as exc:  # refused: say why, keep the dialog, clear secrets
            self._refused(exc)
            return
        if self._slow is None or self._worker is None:
            self.result_value = result
            self.accept()
            return
        self._set_checking(True)
        self._worker.run(result, self._finish, self._failed)  # type: ignore[arg-type]

    def _finish(self, outcome: object) -> None:
        self._set_checking(False)
        try:
            self.result_value = self._slow(outcome)  # type: ignore[misc]
        except Exception as exc:
            self._refused(exc)
            return
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_checking(False)
        self._refused(exc)

    def _set_checking(self, checking: bool) -> None:
        self.checking = checking
        self.ok_button.setEnabled(not checking)
        self.cancel_button.setEnabled(not checking)
        self.ok_button.setText("Checking…" if checking else self._primary)

    def _refused(self, exc: BaseException) -> None:
        """Say why, keep the dialog, clear the secrets."""
        self.show_error(error_text(exc))
        for edit in self._secret:
            edit.clear()
        self.focus(self._secret[0] if self._secret else None)
