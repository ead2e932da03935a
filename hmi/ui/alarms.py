"""Alarms screen: the active list (sortable, filtered by priority and state) with acknowledge
one / acknowledge visible, shelve with duration and reason, out of service with an electronic
signature; and the history tab, the journal from the database with CSV export.

Every action goes through the line service (permission, audit, then a runtime command). The
active list is rebuilt only when the snapshot's alarm summary changes; the journal is read
when its tab is shown, a filter changes, or every few seconds while it is visible.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hmi.alarms.model import AlarmState, AlarmStatus
from hmi.control import LATCHED_CONDITIONS
from hmi.runtime.snapshot import Snapshot
from hmi.security.permissions import Action
from hmi.ui.access import bind
from hmi.ui.alarm_models import ActiveFilter, ActiveModel, JournalModel
from hmi.ui.keypad import error_text
from hmi.ui.login import signature_dialog
from hmi.ui.picker import ChoicePicker
from hmi.ui.save_dialog import ask_save_path
from hmi.ui.screen import Screen, ScreenContext
from hmi.ui.theme import PRIORITY_LABELS
from hmi.ui.touchform import Field, TouchFormDialog
from hmi.ui.widgets import add_touch_button

ALL = "All"
SHELVE_DURATIONS = {"15 min": 900.0, "1 h": 3600.0, "4 h": 4 * 3600.0, "8 h": 8 * 3600.0}
PERIODS: dict[str, float | None] = {
    "Last hour": 3600.0,
    "Last 24 hours": 86400.0,
    "Last 7 days": 7 * 86400.0,
    ALL: None,
}
HISTORY_POLL_S = 2.0
MAX_HISTORY_ROWS = 2000


def _table(model: object) -> QTableView:
    view = QTableView()
    view.setModel(model)  # type: ignore[arg-type]
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(36)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class AlarmsScreen(Screen):
    def __init__(self, context: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.service = context.service
        self._version = -1
        self._next_history = 0.0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        self.tabs = QTabWidget()
        self.tabs.setUsesScrollButtons(False)
        layout.addWidget(self.tabs)

        # ----- active -----
        active = QWidget()
        col = QVBoxLayout(active)
        row = QHBoxLayout()
        self.priority_filter = self._picker(row, "Priority", [ALL, *PRIORITY_LABELS.values()])
        self.state_filter = self._picker(row, "State", list(ActiveFilter.STATES))
        self.state_filter.choose("Active")
        row.addStretch(1)
        # the engineer's button for a latched alarm; on this row, so the actions fit 1024 px
        self.resolve_button = self._button(row, "Resolve…", self.ask_resolve)
        col.addLayout(row)
        row = QHBoxLayout()
        self.ack_button = self._button(row, "Acknowledge", self.acknowledge_selected)
        self.ack_all_button = self._button(row, "Acknowledge visible", self.acknowledge_visible)
        self.shelve_button = self._button(row, "Shelve…", self.ask_shelve)
        self.unshelve_button = self._button(row, "Unshelve", self.unshelve_selected)
        self.oos_button = self._button(row, "Out of service…", self.ask_out_of_service)
        self.ris_button = self._button(row, "Return to service", self.return_to_service)
        row.addStretch(1)
        for button, action in (
            (self.ack_button, Action.ALARM_ACKNOWLEDGE),
            (self.ack_all_button, Action.ALARM_ACKNOWLEDGE),
            (self.shelve_button, Action.ALARM_SHELVE),
            (self.unshelve_button, Action.ALARM_SHELVE),
            (self.oos_button, Action.ALARM_OUT_OF_SERVICE),
            (self.ris_button, Action.ALARM_OUT_OF_SERVICE),
            (self.resolve_button, Action.TUNING_EDIT),
        ):
            bind(button, action)
        col.addLayout(row)
        self.model = ActiveModel()
        self.proxy = ActiveFilter(self.model)
        self.table = _table(self.proxy)
        self.table.setObjectName("alarmTable")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        for column, width in enumerate((84, 170, 120, 0, 100, 90)):  # the message gets the rest
            if width:
                self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        col.addWidget(self.table, 1)
        self.count = QLabel("")
        self.count.setObjectName("auditStatus")
        col.addWidget(self.count)
        self.tabs.addTab(active, "Active")

        # ----- history -----
        history = QWidget()
        col = QVBoxLayout(history)
        row = QHBoxLayout()
        self.period_filter = self._picker(row, "Time", list(PERIODS))
        self.period_filter.choose("Last 24 hours")
        self.history_priority = self._picker(row, "Priority", [ALL, *PRIORITY_LABELS.values()])
        row.addStretch(1)
        self._button(row, "Refresh", self.reload_history)
        self.export_button = self._button(row, "Export CSV", self.ask_export)
        col.addLayout(row)
        self.journal_model = JournalModel()
        self.history = _table(self.journal_model)
        self.history.setObjectName("alarmHistory")
        for column, width in enumerate((170, 80, 250, 130, 150, 120, 70, 100)):
            self.history.setColumnWidth(column, width)
        col.addWidget(self.history, 1)
        self.tabs.addTab(history, "History")

        for picker in (self.priority_filter, self.state_filter):
            picker.changed.connect(lambda _i: self._apply_filter())
        for picker in (self.period_filter, self.history_priority):
            picker.changed.connect(lambda _i: self.reload_history())
        self.tabs.currentChanged.connect(lambda _i: self.reload_history())

    def _picker(self, row: QHBoxLayout, caption: str, items: list[str]) -> ChoicePicker:
        label = QLabel(caption)
        label.setObjectName("panelTitle")
        picker = ChoicePicker(items)
        picker.setMinimumSize(150, 48)
        row.addWidget(label)
        row.addWidget(picker)
        return picker

    def _button(self, row: QHBoxLayout, text: str, handler) -> QPushButton:
        return add_touch_button(row, text, handler)

    # ----- the active list -----
    def update_from(self, snapshot: Snapshot | None) -> None:
        if snapshot is not None and snapshot.alarms.version != self._version:
            self._version = snapshot.alarms.version
            self.model.set_rows(snapshot.alarms.alarms)
            self._counted()
        if self.tabs.currentIndex() == 1 and time.monotonic() >= self._next_history:
            self.reload_history()

    def _apply_filter(self) -> None:
        p = self.priority_filter.current()
        number = next((k for k, v in PRIORITY_LABELS.items() if v == p), None)
        self.proxy.set_filter(number, self.state_filter.current())
        self._counted()

    def _counted(self) -> None:
        shown, total = self.proxy.rowCount(), len(self.model.rows)
        self.count.setText(f"{shown} shown of {total} not normal")

    def visible(self) -> list[AlarmStatus]:
        return self.proxy.visible()

    def selected(self) -> list[AlarmStatus]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.rows[self.proxy.mapToSource(self.proxy.index(r, 0)).row()] for r in rows]

    def select(self, name: str) -> None:
        for r, a in enumerate(self.visible()):
            if a.name == name:
                self.table.selectRow(r)
                return
        raise KeyError(f"alarm {name!r} is not in the list shown")

    # ----- actions (through the service) -----
    def _act(self, what: str, call) -> bool:
        try:
            call()
        except Exception as exc:
            self.context.notify(f"{what}: {error_text(exc)}", True)
            return False
        return True

    def acknowledge_selected(self) -> None:
        names = [a.name for a in self.selected() if a.unacknowledged]
        if self._act("Acknowledge", lambda: self.service.acknowledge_alarms(names)) and names:
            self.context.notify(f"Acknowledged: {', '.join(names)}", False)

    def acknowledge_visible(self) -> None:
        names = [a.name for a in self.visible() if a.unacknowledged]
        if self._act("Acknowledge", lambda: self.service.acknowledge_alarms(names)) and names:
            self.context.notify(f"Acknowledged {len(names)} alarm(s)", False)

    def ask_shelve(self) -> TouchFormDialog | None:
        chosen = self.selected()
        if len(chosen) != 1:
            self.context.notify("Shelve: select one alarm", True)
            return None
        name = chosen[0].name

        def shelve(values: dict[str, str]) -> None:
            duration = SHELVE_DURATIONS[values["choice"]]
            self.service.shelve_alarm(name, duration, values["reason"])

        dialog = TouchFormDialog(
            f"Shelve {name}",
            [Field("reason", "Reason")],
            shelve,
            info="A shelved alarm does not annunciate until the shelf expires.",
            primary="Shelve",
            choices=list(SHELVE_DURATIONS),
            choice="1 h",
            parent=self,
        )
        dialog.open()
        return dialog

    def unshelve_selected(self) -> None:
        for a in self.selected():
            if a.state is AlarmState.SHELVED:
                self._act("Unshelve", lambda n=a.name: self.service.unshelve_alarm(n))

    def ask_out_of_service(self) -> TouchFormDialog | None:
        chosen = self.selected()
        security = self.context.security
        if len(chosen) != 1 or security is None:
            self.context.notify("Out of service: select one alarm (needs a login)", True)
            return None
        name = chosen[0].name
        dialog = signature_dialog(
            security, Action.ALARM_OUT_OF_SERVICE, name, {"alarm": name}, self
        )
        dialog.accepted.connect(
            lambda: self._act(
                "Out of service",
                lambda: self.service.set_alarm_in_service(name, False, dialog.result_value),  # type: ignore[arg-type]
            )
        )
        dialog.open()
        return dialog

    def return_to_service(self) -> None:
        for a in self.selected():
            if a.state is AlarmState.OUT_OF_SERVICE:
                self._act(
                    "Return to service",
                    lambda n=a.name: self.service.set_alarm_in_service(n, True, None),
                )

    def ask_resolve(self) -> TouchFormDialog | None:
        """A condition the controller latches (the gauge disagreeing with the mass balance)
        clears only when an engineer says what was checked or done."""
        chosen = self.selected()
        if len(chosen) != 1 or chosen[0].name not in LATCHED_CONDITIONS:
            self.context.notify("Resolve: select one latched alarm (gauge vs mass balance)", True)
            return None
        name = chosen[0].name
        dialog = TouchFormDialog(
            f"Resolve {name}",
            [Field("reason", "What was checked or done")],
            lambda values: self.service.resolve_condition(name, values["reason"]),
            info="The controller holds this alarm until it is resolved. If the gauge still "
            "disagrees with the mass balance, it comes back.",
            primary="Resolve",
            parent=self,
        )
        dialog.open()
        return dialog

    # ----- history -----
    def history_filters(self) -> dict[str, object]:
        period = PERIODS[self.period_filter.current()]
        p = self.history_priority.current()
        snapshot = self.service.snapshot()
        now = snapshot.wall_time if snapshot is not None else time.time()
        return {
            "since": None if period is None else now - period,
            "priority": next((k for k, v in PRIORITY_LABELS.items() if v == p), None),
        }

    def reload_history(self) -> None:
        self._next_history = time.monotonic() + HISTORY_POLL_S
        if self.tabs.currentIndex() != 1:
            return
        try:
            rows = self.service.alarm_history(**self.history_filters(), limit=MAX_HISTORY_ROWS)
        except Exception as exc:
            self.context.notify(f"Alarm history: {error_text(exc)}", True)
            return
        self.journal_model.set_rows(list(reversed(rows)))  # newest first
        self.history.scrollToTop()

    def ask_export(self) -> None:
        name = f"alarms-{time.strftime('%Y%m%d-%H%M%S')}.csv"
        ask_save_path(self, "Export alarm journal", name, self.export_to)

    def export_to(self, path: Path) -> int | None:
        journal = self.service.journal
        if journal is None:
            self.context.notify("Export: no alarm journal is kept", True)
            return None
        count = journal.export_csv(path, **self.history_filters())
        self.context.notify(f"Exported {count} alarm events to {path}", False)
        return count
