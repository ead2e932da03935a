"""Quality, second page: the rolls made (newest first) from the store, the roll under way, an
operator's "New roll" and a roll's report (CSV + PDF) for a quality engineer."""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hmi.quality.rolls import RollRecord
from hmi.quality.service import QualityService
from hmi.security import PermissionDenied
from hmi.ui.widgets import Notify, add_touch_button
from hmi.ui.wrapping_text import WrappingText

COLUMNS = ("Roll", "Ended", "Recipe", "Length m", "Mean mg/cm²", "CD 2σ", "Cpk", "Off-spec m",
           "kWh/m²", "Alarms")  # fmt: skip


def _num(value: float | None, decimals: int) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:.{decimals}f}"


def row_texts(roll_id: int, r: RollRecord) -> tuple[str, ...]:
    ended = datetime.fromtimestamp(r.end_wall).strftime("%d %b %H:%M") if r.end_wall > 0 else "—"
    recipe = r.recipe + (f" v{r.recipe_version}" if r.recipe_version is not None else "")
    return (str(roll_id), ended, recipe or "—", _num(r.length_m, 1), _num(r.mean_mg_cm2, 2),
            _num(r.cd_2sigma_mg_cm2, 3), _num(r.cpk, 2), _num(r.offspec_m, 1),
            _num(r.energy_kwh_per_m2, 4), str(len(r.alarms)))  # fmt: skip


class RollsPage(QWidget):
    def __init__(
        self, quality: QualityService, notify: Notify, reports_dir: Path, parent=None
    ) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.quality, self.notify, self.reports_dir = quality, notify, reports_dir
        self._shown: tuple[int, ...] = ()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        top = QHBoxLayout()
        self.under_way = QLabel("")
        self.under_way.setObjectName("groupTitle")
        top.addWidget(self.under_way, 1)
        self.new_roll_button = add_touch_button(top, "New roll", self.new_roll)
        self.export_button = add_touch_button(top, "Report (PDF + CSV)", self.export_selected)
        layout.addLayout(top)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("rollTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.hint = WrappingText(
            "Tap a roll, then Report: the PDF and CSV go to " + str(reports_dir)
        )
        self.hint.setObjectName("caption")
        layout.addWidget(self.hint)

    def refresh(self) -> None:
        view = self.quality.view()
        made = view.position_m - view.roll_start_m
        self.under_way.setText(
            f"Roll under way: {made:.0f} of {view.roll_length_m:.0f} m" if view.roll_number
            else "No roll under way yet"
        )  # fmt: skip
        self.new_roll_button.setEnabled(self.quality.may_cut())
        rolls = self.quality.rolls()
        ids = tuple(i for i, _ in rolls)
        if ids == self._shown:
            return
        self._shown = ids
        self.table.setRowCount(len(rolls))
        for row, (roll_id, record) in enumerate(rolls):
            for col, text in enumerate(row_texts(roll_id, record)):
                item = QTableWidgetItem(text)
                align = Qt.AlignmentFlag.AlignLeft if col == 2 else Qt.AlignmentFlag.AlignRight
                item.setTextAlignment(align | Qt.AlignmentFlag.AlignVCenter)
                item.setData(Qt.ItemDataRole.UserRole, roll_id)
                self.table.setItem(row, col, item)

    def selected_roll(self) -> int | None:
        items = self.table.selectedItems()
        return int(items[0].data(Qt.ItemDataRole.UserRole)) if items else None

    def new_roll(self) -> None:
        try:
            self.quality.new_roll("operator at the panel")
        except PermissionDenied as exc:
            self.notify(str(exc), True)
            return
        self.notify("New roll: the roll under way is cut at the next metre", False)

    def export_selected(self) -> tuple[Path, Path] | None:
        roll_id = self.selected_roll()
        if roll_id is None:
            self.notify("Report: tap a roll in the list first", True)
            return None
        try:
            paths = self.quality.export(roll_id, self.reports_dir)
        except (OSError, LookupError) as exc:
            self.notify(f"Report of roll {roll_id} not written: {exc}", True)
            return None
        self.notify(f"Roll {roll_id} report: {paths[1]} and {paths[0].name}", False)
        return paths
