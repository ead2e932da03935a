"""Tables and conversions the Recipes screen uses: large-row tables, times, values as shown,
and a recipe built from the line's live setpoints (Save from line)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from hmi.recipes.model import Recipe
from hmi.runtime.snapshot import Snapshot
from hmi.security.export import local_time


def table(columns: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(44)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return table


def fill(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            table.setItem(r, c, QTableWidgetItem(text))


def when(t: float) -> str:
    return local_time(t)[:16].replace("T", " ")


def shown(value: object) -> str:
    if value is None:
        return "from the model"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def from_line(snapshot: Snapshot | None, name: str, base: Recipe | None = None) -> Recipe:
    """A recipe holding the line's live setpoints (over `base`, else the defaults)."""
    live: dict[str, object] = {}
    if snapshot is not None:
        fields = {
            "areal_mass_target_mg_cm2": "areal_mass_target_mg_cm2",
            "areal_mass_tolerance_pct": "areal_mass_tolerance_pct",
            "web_width_mm": "web_width_mm",
            "line_speed_m_min": "line_speed_sp_m_min",
        }
        for field, tag in fields.items():
            value = snapshot.value(tag)
            if value == value:  # not NaN
                live[field] = value
    start = base.content() if base else {"areal_mass_target_mg_cm2": 30.0, "line_speed_m_min": 50.0}
    data = {**start, **live, "name": name}
    return Recipe.model_validate({**_defaults(), **data})


def _defaults() -> dict[str, object]:
    return Recipe(name="x", areal_mass_target_mg_cm2=30.0, line_speed_m_min=50.0).content()
