"""Audit screen: the trail, newest first, filtered by user, action and time; chain check and
CSV export. Reads through the security service, which checks ``audit.view`` / ``audit.export``.

The trail is read when the screen is shown, when a filter changes, and when a new record
appears (checked about once a second while visible) — never at the frame rate.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hmi.runtime.snapshot import Snapshot
from hmi.security import Action, AuditRecord
from hmi.security.export import local_time, summary
from hmi.ui.access import bind
from hmi.ui.keypad import error_text
from hmi.ui.picker import ChoicePicker
from hmi.ui.save_dialog import ask_save_path
from hmi.ui.screen import Screen, ScreenContext
from hmi.ui.theme import DEVIATION, set_state
from hmi.ui.widgets import add_touch_button

ALL = "All"
PERIODS: dict[str, float | None] = {
    "Last hour": 3600.0,
    "Last 8 hours": 8 * 3600.0,
    "Last 24 hours": 86400.0,
    "Last 7 days": 7 * 86400.0,
    ALL: None,
}
COLUMNS = ("Time", "User", "Role", "Action", "Result", "Details", "Reason")
MAX_ROWS = 1000
POLL_S = 1.0


class AuditScreen(Screen):
    required_action = Action.AUDIT_VIEW
    needs_security = True

    def __init__(self, context: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        assert context.security is not None
        self.security = context.security
        self.shown: list[AuditRecord] = []
        self._seen_last_id = -1
        self._next_poll = 0.0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(10)

        bar = QFrame()
        bar.setObjectName("panel")
        row = QHBoxLayout(bar)
        row.setContentsMargins(12, 8, 12, 8)
        row.setSpacing(10)
        self.user_filter = self._combo(row, "User")
        self.action_filter = self._combo(row, "Action")
        self.period_filter = self._combo(row, "Time")
        self.period_filter.set_items(list(PERIODS))
        self.period_filter.choose("Last 7 days")
        row.addStretch(1)
        layout.addWidget(bar)

        # The status and the commands share a row: filters and buttons in one row would make
        # the screen wider than a 1024 px panel.
        actions = QHBoxLayout()
        actions.setSpacing(10)
        self.status = QLabel("")
        self.status.setObjectName("auditStatus")
        self.status.setWordWrap(True)
        actions.addWidget(self.status, 1)
        self.refresh_button = self._button(actions, "Refresh", self.reload)
        self.verify_button = self._button(actions, "Verify chain", self.verify)
        self.export_button = self._button(actions, "Export CSV", self.ask_export)
        bind(self.export_button, Action.AUDIT_EXPORT)
        layout.addLayout(actions)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("auditTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(36)
        header = self.table.horizontalHeader()
        for column, width in enumerate((170, 130, 120, 170, 80, 0, 180)):
            if width:
                self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(COLUMNS.index("Details"), QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)

        for picker in (self.user_filter, self.action_filter, self.period_filter):
            picker.changed.connect(lambda _i: self.reload())

    def _combo(self, row: QHBoxLayout, caption: str) -> ChoicePicker:
        label = QLabel(caption)
        label.setObjectName("panelTitle")
        picker = ChoicePicker([ALL])
        picker.setMinimumWidth(170)
        picker.setMinimumHeight(48)
        row.addWidget(label)
        row.addWidget(picker)
        return picker

    def _button(self, row: QHBoxLayout, text: str, handler) -> QPushButton:
        return add_touch_button(row, text, handler)

    # ----- data -----
    def filters(self) -> dict[str, object]:
        user = self.user_filter.current()
        action = self.action_filter.current()
        period = PERIODS[self.period_filter.current()]
        return {
            "user": None if user in ("", ALL) else user,
            "action": None if action in ("", ALL) else action,
            "since": None if period is None else self.security.clock() - period,
        }

    def _fill_choices(self) -> None:
        actions = self.security.audit.distinct("action")
        prefixes = {a.split(".", 1)[0] for a in actions}
        for picker, items in (
            (self.user_filter, self.security.audit.distinct("user")),
            (self.action_filter, sorted(prefixes | set(actions))),
        ):
            wanted = [ALL, *items]
            if picker.items != wanted:
                picker.set_items(wanted)

    def reload(self) -> None:
        """Read the matching records (newest first) through the service."""
        try:
            self._fill_choices()
            self._seen_last_id = self.security.audit.last_id()
            session = self.context.service.session
            records = self.security.audit_records(
                session, **self.filters(), limit=MAX_ROWS, newest_first=True
            )
        except Exception as exc:  # refused or unreadable: say so, show nothing
            self.shown = []
            self.table.setRowCount(0)
            self._status(error_text(exc), "deviation")
            return
        self.shown = records
        self.table.setRowCount(len(records))
        for row, r in enumerate(records):
            cells = (local_time(r.time)[:19].replace("T", " "), r.user, r.role, r.action)
            cells += (r.outcome, summary(r), r.reason)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(f"#{r.id}  {r.details}" if column == 5 else text)
                if column == 4 and r.outcome != "ok":  # refused and failed: abnormal
                    item.setBackground(QColor(DEVIATION))
                self.table.setItem(row, column, item)
        more = " (newest shown)" if len(records) == MAX_ROWS else ""
        self._status(f"{len(records)} records{more}, newest first", "normal")

    def verify(self) -> None:
        try:
            result = self.security.verify_audit(self.context.service.session)
        except Exception as exc:
            self._status(error_text(exc), "deviation")
            return
        text = "Chain intact" if result.ok else "CHAIN BROKEN"
        self._status(f"{text}: {result}", "normal" if result.ok else "bad")

    def ask_export(self) -> None:
        name = f"audit-{time.strftime('%Y%m%d-%H%M%S')}.csv"
        ask_save_path(self, "Export audit trail", name, self.export_to)

    def export_to(self, path: Path) -> int | None:
        try:
            count = self.security.export_audit(self.context.service.session, path, **self.filters())
        except Exception as exc:
            self.context.notify(f"Export: {error_text(exc)}", True)
            return None
        self.context.notify(f"Exported {count} records to {path}", False)
        self.reload()
        return count

    def _status(self, text: str, state: str) -> None:
        self.status.setText(text)
        set_state(self.status, state)

    # ----- screen -----
    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self.reload()

    def update_from(self, snapshot: Snapshot | None) -> None:
        now = time.monotonic()
        if now < self._next_poll:
            return
        self._next_poll = now + POLL_S
        if self.security.audit.last_id() != self._seen_last_id:
            self.reload()
