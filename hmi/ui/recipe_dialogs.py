"""The load dialog (live → recipe for every setpoint, what the machine cannot do, Confirm) and
the side-by-side compare of two versions. Both are tables with large rows for a touchscreen;
the load's Confirm calls the line service, which checks, audits and sends one command."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hmi.recipes.model import LABELS, Recipe
from hmi.recipes.store import RecipeVersion
from hmi.runtime.recipe_load import DiffRow
from hmi.ui.keypad import error_text
from hmi.ui.message_line import ErrorLine  # noqa: F401 (used by the recipe screens)


def _table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    marked: Sequence[bool],
    stretch: Sequence[int] = (0,),
    align_right: bool = True,
) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(40)
    table.verticalHeader().setMinimumSectionSize(36)  # a finger's row, even when fitted
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    for column in stretch:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    table.setWordWrap(True)
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if c and align_right:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if marked[r]:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            table.setItem(r, c, item)
    table.resizeRowsToContents()
    return table


def _number(value: float | None) -> str:
    if value is None:
        return "----"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class _TableDialog(QDialog):
    def __init__(self, title: str, info: str, table: QTableWidget, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("touchForm")
        self.setWindowTitle(title)
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(10)
        heading = QLabel(title)
        heading.setObjectName("keypadTitle")
        layout.addWidget(heading)
        self.info = QLabel(info)
        self.info.setObjectName("keypadInfo")
        self.info.setWordWrap(True)
        layout.addWidget(self.info)
        self.table = table
        layout.addWidget(table, 1)
        self.error = ErrorLine()
        layout.addWidget(self.error)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        layout.addLayout(self.buttons)
        self.setMinimumSize(820, 600)

    def add_button(
        self, text: str, handler: Callable[[], object], primary: bool = False
    ) -> QPushButton:
        button = QPushButton(text)
        button.setMinimumHeight(56)
        button.setMinimumWidth(160)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        if primary:
            button.setObjectName("commandButton")
        button.clicked.connect(lambda _c=False: handler())
        self.buttons.addWidget(button)
        return button


class LoadDialog(_TableDialog):
    """Live value → recipe value for each setpoint the recipe sets; Confirm loads it."""

    def __init__(
        self,
        v: RecipeVersion,
        rows: Sequence[DiffRow],
        problems: Sequence[str],
        load: Callable[[], object],
        parent: QWidget | None = None,
    ) -> None:
        cells = [(r.label, _number(r.live), _number(r.recipe), r.unit) for r in rows]
        table = _table(("Setpoint", "Live", "Recipe", "Unit"), cells, [r.changes for r in rows])
        changed = sum(r.changes for r in rows)
        info = (
            f"Load {v.name} version {v.version} ({v.state}, by {v.state_user}): {changed} of "
            f"{len(rows)} setpoints change (bold), all in one control tick. The gap set-up "
            "then moves the gap as for a grade change."
        )
        super().__init__("Load recipe", info, table, parent)
        self._load = load
        self.add_button("Cancel", self.reject)
        self.confirm_button = self.add_button("Load onto the line", self.confirm, primary=True)
        if problems:
            self.error.setText("This machine cannot run it: " + "; ".join(problems))
            self.confirm_button.setEnabled(False)

    def confirm(self) -> None:
        try:
            self._load()
        except Exception as exc:  # refused by the service: shown, the dialog stays open
            self.error.setText(error_text(exc))
            return
        self.accept()


class CompareDialog(_TableDialog):
    """Two versions field by field; differing fields in bold."""

    def __init__(self, a: RecipeVersion, b: RecipeVersion, parent: QWidget | None = None) -> None:
        ca, cb = a.recipe.content(), b.recipe.content()
        rows, marked = [], []
        for field in Recipe.model_fields:
            text, unit = LABELS.get(field, (field, ""))
            rows.append(
                (f"{text} ({unit})" if unit else text, _value(ca[field]), _value(cb[field]))
            )
            marked.append(ca[field] != cb[field])
        columns = ("Field", f"v{a.version} · {a.state}", f"v{b.version} · {b.state}")
        table = _table(columns, rows, marked, stretch=(1, 2), align_right=False)
        info = f"{a.name}: {sum(marked)} field(s) differ (bold)."
        super().__init__(f"Compare {a.ref} with {b.ref}", info, table, parent)
        self.add_button("Close", self.accept, primary=True)
        self.differences = sum(marked)


def _value(value: object) -> str:
    if value is None:
        return "from the model"
    if isinstance(value, float):
        return _number(value)
    return str(value)
