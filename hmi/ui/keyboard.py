"""An on-screen keyboard for a touchscreen panel: letters, digits, symbols, shift, backspace.

It types into its `target` line edit (the dialog points it at the focused field). Its keys
never take the focus, so the field keeps the cursor, and a hardware keyboard still works.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLineEdit, QPushButton, QSizePolicy, QWidget

from hmi.ui.theme import set_active

LETTERS = ("1234567890", "qwertyuiop", "asdfghjkl-", "zxcvbnm._@")
SYMBOLS = ("1234567890", "!#$%&*+=?/", "()[]{}<>:;", "'\",~^|\\`._")
BACKSPACE, SHIFT, SWITCH, SPACE, ENTER = "\u232b", "\u21e7", "#+=", "space", "\u23ce"
KEY_W, KEY_H = 58, 52


class OnScreenKeyboard(QWidget):
    entered = Signal()  # the Enter key

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keyboard")
        self.target: QLineEdit | None = None
        self.shifted = False
        self.symbols = False
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(6)
        self.char_keys: list[QPushButton] = []
        for row, chars in enumerate(LETTERS):
            for column in range(len(chars)):
                key = self._key("", "keyboardKey", None)
                key.clicked.connect(lambda _c=False, k=key: self._type(k.text()))
                grid.addWidget(key, row, column)
                self.char_keys.append(key)
        self.shift_key = self._key(SHIFT, "keyboardAction", self.toggle_shift)
        self.switch_key = self._key(SWITCH, "keyboardAction", self.toggle_symbols)
        self.space_key = self._key(SPACE, "keyboardAction", lambda: self._type(" "))
        self.backspace_key = self._key(BACKSPACE, "keyboardAction", self._backspace)
        self.enter_key = self._key(ENTER, "keyboardAction", self.entered.emit)
        last = len(LETTERS)
        grid.addWidget(self.shift_key, last, 0, 1, 2)
        grid.addWidget(self.switch_key, last, 2, 1, 2)
        grid.addWidget(self.space_key, last, 4, 1, 3)
        grid.addWidget(self.backspace_key, last, 7, 1, 2)
        grid.addWidget(self.enter_key, last, 9)
        self._relabel()

    def _key(self, text: str, name: str, handler) -> QPushButton:
        key = QPushButton(text)
        key.setObjectName(name)
        key.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        key.setAutoDefault(False)
        key.setMinimumSize(KEY_W, KEY_H)
        key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        if handler is not None:
            key.clicked.connect(lambda _c=False: handler())
        return key

    def _relabel(self) -> None:
        rows = SYMBOLS if self.symbols else LETTERS
        chars = "".join(rows)
        if self.shifted and not self.symbols:
            chars = chars.upper()
        for key, char in zip(self.char_keys, chars, strict=True):
            key.setText("&&" if char == "&" else char)  # a lone & would be a mnemonic
        set_active(self.shift_key, self.shifted)
        set_active(self.switch_key, self.symbols)
        self.switch_key.setText("abc" if self.symbols else SWITCH)

    def toggle_shift(self) -> None:
        self.shifted = not self.shifted
        self._relabel()

    def toggle_symbols(self) -> None:
        self.symbols = not self.symbols
        self._relabel()

    def _type(self, text: str) -> None:
        text = text.replace("&&", "&")
        if self.target is not None:
            self.target.insert(text)
        if self.shifted and text.strip():  # shift holds for one character, as on a phone
            self.shifted = False
            self._relabel()

    def _backspace(self) -> None:
        if self.target is not None:
            self.target.backspace()

    def key_for(self, char: str) -> QPushButton:
        """The key that types `char`, switching layer and shift as a person would."""
        if char == " ":
            return self.space_key
        lower = char.lower()
        want_symbols = lower not in "".join(LETTERS)
        if want_symbols != self.symbols:
            self.toggle_symbols()
        if not self.symbols and char.isalpha() and char.isupper() != self.shifted:
            self.toggle_shift()
        for key in self.char_keys:
            if key.text().replace("&&", "&") == char:
                return key
        raise KeyError(f"no key types {char!r}")

    def press(self, text: str) -> None:
        """Tap the keys that type `text` (tests, demos)."""
        for char in text:
            self.key_for(char).click()
