"""Table models of the Alarms screen: the active list (from the snapshot's summary) and the
journal (from the database). Model/view rather than table items: a flood of a thousand alarms
is one model reset, and sorting and filtering are the proxy's, not rebuilt widgets."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor

from hmi.alarms.journal import JournalRow
from hmi.alarms.model import AlarmState, AlarmStatus
from hmi.core.tags import TAGS
from hmi.ui.theme import PRIORITY_COLOURS, PRIORITY_LABELS, PRIORITY_TEXT

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1

STATE_TEXT = {
    AlarmState.NORMAL: "Normal",
    AlarmState.UNACK: "Unacknowledged",
    AlarmState.ACKED: "Acknowledged",
    AlarmState.RTN_UNACK: "Returned, unack.",
    AlarmState.SHELVED: "Shelved",
    AlarmState.SUPPRESSED: "Suppressed",
    AlarmState.OUT_OF_SERVICE: "Out of service",
}


def stamp(wall: float) -> str:
    if not math.isfinite(wall):
        return ""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(wall))


def number(tag: str, value: float, unit: str = "") -> str:
    if not math.isfinite(value):
        return "----"
    t = TAGS.get(tag)
    text = t.format(value) if t is not None and unit == t.unit else f"{value:.3g}"
    return f"{text} {unit}".strip()


class _RowsModel(QAbstractTableModel):
    """A read-only table of `rows` under the fixed headers `COLUMNS`; subclasses give data()."""

    COLUMNS: tuple[str, ...] = ()
    rows: list

    def set_rows(self, rows: Sequence[object]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt)
        return len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section]
        return None


class ActiveModel(_RowsModel):
    COLUMNS = ("Priority", "Raised", "Alarm", "Message", "Value", "Limit", "State")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[AlarmStatus] = []
        self.values: dict[str, float] = {}

    def data(self, index: Index, role: int = 0) -> object:
        a = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                PRIORITY_LABELS.get(a.priority, "?"),
                stamp(a.raised_wall),
                a.name,
                a.message,
                number(a.tag, a.value, TAGS[a.tag].unit),
                number(a.tag, a.limit, a.unit) if math.isfinite(a.limit) else "",
                STATE_TEXT.get(a.state, str(a.state)),
            )[column]
        if role == SORT_ROLE:
            return (
                a.priority,
                a.raised_wall if math.isfinite(a.raised_wall) else 0.0,
                a.name,
                a.message,
                a.value,
                a.limit,
                str(a.state),
            )[column]
        annunciated = a.annunciated
        if role == Qt.ItemDataRole.BackgroundRole and column == 0 and annunciated:
            return QColor(PRIORITY_COLOURS[a.priority])
        if role == Qt.ItemDataRole.ForegroundRole and column == 0 and annunciated:
            return QColor(PRIORITY_TEXT[a.priority])
        if role == Qt.ItemDataRole.ToolTipRole:
            extra = f"\nShelved by {a.user}: {a.reason}" if a.user else ""
            return f"{a.name} on {a.tag} · occurrence {a.occurrence}{extra}"
        return None


class ActiveFilter(QSortFilterProxyModel):
    """Filter by priority and state group; sort by the model's SORT_ROLE."""

    STATES = {
        "All": None,
        "Unacknowledged": {AlarmState.UNACK, AlarmState.RTN_UNACK},
        "Active": {AlarmState.UNACK, AlarmState.ACKED, AlarmState.RTN_UNACK},
        "Shelved": {AlarmState.SHELVED},
        "Suppressed": {AlarmState.SUPPRESSED},
        "Out of service": {AlarmState.OUT_OF_SERVICE},
    }

    def __init__(self, source: ActiveModel) -> None:
        super().__init__()
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self.priority: int | None = None
        self.states: set[AlarmState] | None = self.STATES["Active"]

    def set_filter(self, priority: int | None, states: str) -> None:
        self.beginFilterChange()
        self.priority, self.states = priority, self.STATES[states]
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:  # noqa: N802 (Qt)
        a = self.sourceModel().rows[row]  # type: ignore[attr-defined]
        if self.priority is not None and a.priority != self.priority:
            return False
        return self.states is None or a.state in self.states

    def visible(self) -> list[AlarmStatus]:
        source: ActiveModel = self.sourceModel()  # type: ignore[assignment]
        return [
            source.rows[self.mapToSource(self.index(r, 0)).row()] for r in range(self.rowCount())
        ]


class JournalModel(_RowsModel):
    COLUMNS = ("Time", "Priority", "Alarm", "Event", "State", "Value", "Limit", "User", "Reason")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[JournalRow] = []

    def data(self, index: Index, role: int = 0) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        r = self.rows[index.row()]
        unit = TAGS[r.tag].unit if r.tag in TAGS else ""
        return (
            stamp(r.wall_time),
            PRIORITY_LABELS.get(r.priority, "?"),
            r.alarm,
            r.event,
            STATE_TEXT.get(AlarmState(r.state), r.state) if r.state in set(AlarmState) else r.state,
            number(r.tag, r.value, unit),
            "" if math.isnan(r.limit) else f"{r.limit:g}",
            r.user,
            r.reason,
        )[index.column()]
