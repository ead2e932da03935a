"""Pick up to eight pens, grouped by line section in flow order, and keep named pen sets."""

from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from hmi.core.tags import TAGS
from hmi.runtime.pen_sets import PenSetStore
from hmi.runtime.trend_range import MAX_PENS, PenError, check_pens
from hmi.ui.equipment import LINE
from hmi.ui.message_line import ErrorLine
from hmi.ui.touchform import Field, TouchFormDialog
from hmi.ui.widgets import cancel_and_primary, dialog_button

WIDE_PX = 1200  # three columns of pens from this window width, else two
OTHER = "Controller and other values"


def sections(recorded: Sequence[str]) -> list[tuple[str, list[str]]]:
    """(section title, its recorded tags): the mimic's equipment in flow order, then the rest."""
    seen: set[str] = set()
    found: list[tuple[str, list[str]]] = []
    for equipment in LINE:
        mine = [n for n in equipment.tags if n in recorded and n not in seen]
        seen.update(mine)
        if mine:
            found.append((equipment.title, mine))
    rest = [n for n in recorded if n not in seen]
    if rest:
        found.append((OTHER, rest))
    return found


class PenPickerDialog(QDialog):
    """`chosen` holds the picked pens in the order they were picked once accepted."""

    def __init__(
        self,
        recorded: Sequence[str],
        chosen: Sequence[str],
        pen_sets: PenSetStore | None = None,
        user: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("penPicker")
        self.setWindowTitle("Pens")
        self.setModal(True)
        self.pen_sets = pen_sets
        self.user = user
        self.chosen: list[str] = list(chosen)
        self.buttons: dict[str, QPushButton] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        title = QLabel("Pick the values to trend")
        title.setObjectName("keypadTitle")
        layout.addWidget(title)
        self.count = QLabel()
        self.count.setObjectName("keypadInfo")
        layout.addWidget(self.count)

        self.set_row = QHBoxLayout()
        self.set_row.setSpacing(6)
        layout.addLayout(self.set_row)

        window_width = parent.window().width() if parent is not None else 1024
        columns = 3 if window_width >= WIDE_PX else 2
        # each button gets a fixed share of the width; a longer caption is elided, not the
        # column pushed past the edge (the whole caption is the button's accessible name)
        button_px = int((window_width * 0.94 - 70) / columns) - 8
        font = QFont()
        font.setPixelSize(15)  # the #penChoice style: the stylesheet is applied later
        font.setBold(True)
        metrics, room = QFontMetrics(font), button_px - 24
        body = QWidget()
        grid = QVBoxLayout(body)
        grid.setContentsMargins(0, 0, 0, 0)
        for title_text, names in sections(recorded):
            heading = QLabel(title_text)
            heading.setObjectName("groupTitle")
            grid.addWidget(heading)
            cells = QGridLayout()
            cells.setSpacing(6)
            for index, name in enumerate(names):
                caption = self._caption(name, title_text)
                button = QPushButton(caption)
                button.setObjectName("penChoice")
                button.setAccessibleName(caption)
                button.setFixedWidth(button_px)
                button.setText(metrics.elidedText(caption, Qt.TextElideMode.ElideRight, room))
                button.setCheckable(True)
                button.setMinimumHeight(48)
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                button.setToolTip(name)
                button.clicked.connect(lambda _c=False, n=name: self.toggle(n))
                cells.addWidget(button, index // columns, index % columns)
                self.buttons[name] = button
            for column in range(columns):
                cells.setColumnStretch(column, 1)
            grid.addLayout(cells)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(scroll, 1)

        self.error = ErrorLine()
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        clear = dialog_button("Clear", buttons)
        clear.clicked.connect(self.clear)
        self.save_button = dialog_button("Save set…", buttons)
        self.save_button.clicked.connect(self.save_set)
        self.save_button.setEnabled(pen_sets is not None and bool(user))
        buttons.addStretch(1)
        self.ok_button = cancel_and_primary(buttons, self, "Show", self.confirm)
        layout.addLayout(buttons)
        self._fill_sets()
        self._sync()
        if parent is not None:  # most of the panel: three columns a finger can hit
            size = parent.window().size()
            self.resize(int(size.width() * 0.94), int(size.height() * 0.9))

    @staticmethod
    def _caption(name: str, section: str) -> str:
        """Short enough for a third of the panel: the section's own qualifier ("active
        material" under "Feeder, active material") and parentheses dropped, the unit kept."""
        t = TAGS[name]
        text = t.description
        qualifier = section.split(", ", 1)[1] if ", " in section else ""
        if qualifier:
            text = text.replace(f", {qualifier}", "")
        text = re.sub(r"\s*\([^)]*\)", "", text)
        return f"{text} ({t.unit})" if t.unit else text

    def toggle(self, name: str) -> None:
        if name in self.chosen:
            self.chosen.remove(name)
        elif len(self.chosen) >= MAX_PENS:
            self.error.setText(f"At most {MAX_PENS} pens: untick one first")
        else:
            self.chosen.append(name)
        self._sync()

    def clear(self) -> None:
        self.chosen.clear()
        self._sync()

    def load_set(self, name: str) -> None:
        try:
            self.chosen = list(self.pen_sets.get(self.user, name))  # type: ignore[union-attr]
        except PenError as exc:
            self.error.setText(str(exc))
            return
        self._sync()

    def save_set(self) -> None:
        store = self.pen_sets
        if store is None:
            return

        def save(values: dict[str, str]) -> str:
            store.save(self.user, values["name"], self.chosen)
            return values["name"].strip()

        dialog = TouchFormDialog("Save pen set", [Field("name", "Name")], save, parent=self)
        if dialog.exec():
            self._fill_sets()
            self.error.setText("")

    def confirm(self) -> None:
        try:
            self.chosen = list(check_pens(self.chosen))
        except PenError as exc:
            self.error.setText(str(exc))
            return
        self.accept()

    def _fill_sets(self) -> None:
        while self.set_row.count():
            item = self.set_row.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        names = self.pen_sets.names(self.user) if self.pen_sets and self.user else []
        caption = QLabel("Saved sets:" if names else "No saved sets" if self.user else "")
        caption.setObjectName("caption")
        self.set_row.addWidget(caption)
        for name in names[:6]:
            chip = QPushButton(name)
            chip.setObjectName("chip")
            chip.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            chip.clicked.connect(lambda _c=False, n=name: self.load_set(n))
            self.set_row.addWidget(chip)
        self.set_row.addStretch(1)

    def _sync(self) -> None:
        for name, button in self.buttons.items():
            button.setChecked(name in self.chosen)
        self.count.setText(f"{len(self.chosen)} of at most {MAX_PENS} picked")
        if len(self.chosen) < MAX_PENS:
            self.error.setText("")
