"""Users screen (Administrators): the accounts with role and status; add, change role, set a
password, disable, enable / unlock. Every change goes through the security service, which
checks ``users.manage`` and writes the audit record."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
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
from hmi.security import Action, User
from hmi.security.export import local_time
from hmi.ui.keypad import error_text
from hmi.ui.login import add_user_dialog, password_dialog, role_dialog
from hmi.ui.screen import Screen, ScreenContext
from hmi.ui.touchform import TouchFormDialog

COLUMNS = ("Name", "Role", "Status", "Failed logins", "Last login", "Password set")


def _when(t: float | None) -> str:
    return local_time(t)[:16].replace("T", " ") if t else "never"


class UsersScreen(Screen):
    required_action = Action.USERS_MANAGE
    needs_security = True

    def __init__(self, context: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        assert context.security is not None
        self.security = context.security
        self.users: list[User] = []
        self.active_dialog: TouchFormDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(10)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("usersTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(44)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table, 1)

        self.settings_label = QLabel("")
        self.settings_label.setObjectName("caption")
        self.settings_label.setWordWrap(True)
        layout.addWidget(self.settings_label)

        bar = QFrame()
        bar.setObjectName("panel")
        row = QHBoxLayout(bar)
        row.setContentsMargins(12, 8, 12, 8)
        row.setSpacing(10)
        self.add_button = self._button(row, "Add user", self.add_user)
        row.addSpacing(24)
        self.role_button = self._button(row, "Change role", self.change_role)
        self.password_button = self._button(row, "New password", self.new_password)
        self.disable_button = self._button(row, "Disable", self.disable)
        self.enable_button = self._button(row, "Enable / unlock", self.enable)
        row.addStretch(1)
        layout.addWidget(bar)
        self._selection_changed()

    def _button(self, row: QHBoxLayout, text: str, handler: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName("commandButton")
        button.setMinimumHeight(60)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(lambda _c=False: handler())
        row.addWidget(button)
        return button

    # ----- data -----
    def reload(self) -> None:
        selected = self.selected()
        try:
            self.users = self.security.accounts.list(self.context.service.session)
        except Exception as exc:
            self.users = []
            self.context.notify(f"Users: {error_text(exc)}", True)
        now = self.security.clock()
        self.table.setRowCount(len(self.users))
        for row, u in enumerate(self.users):
            cells = (u.name, u.role.label, u.status(now), str(u.failed_attempts))
            cells += (_when(u.last_login), _when(u.password_changed))
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
            if selected is not None and u.name == selected.name:
                self.table.selectRow(row)
        s = self.security.settings
        self.settings_label.setText(
            f"Accounts lock after {s.max_failed_attempts} failed logins for "
            f"{s.lockout_s / 60:g} min · the panel logs out after {s.auto_logout_s / 60:g} min "
            f"without input · {self.security.policy.describe().lower()}. "
            "Change with: hmi users settings"
        )
        self._selection_changed()

    def selected(self) -> User | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.users):
            return None
        return self.users[rows[0].row()]

    def select(self, name: str) -> None:
        for row, u in enumerate(self.users):
            if u.name == name:
                self.table.selectRow(row)

    def _selection_changed(self) -> None:
        user = self.selected()
        for button in (self.role_button, self.password_button):
            button.setEnabled(user is not None)
        self.disable_button.setEnabled(user is not None and not user.disabled)
        locked = user is not None and user.status(self.security.clock()) != "active"
        self.enable_button.setEnabled(locked)

    # ----- actions -----
    def _open(self, dialog: TouchFormDialog, done: str) -> TouchFormDialog:
        dialog.accepted.connect(lambda: (self.context.notify(done, False), self.reload()))
        dialog.finished.connect(dialog.deleteLater)
        self.active_dialog = dialog
        dialog.open()
        return dialog

    def add_user(self) -> TouchFormDialog:
        return self._open(add_user_dialog(self.security, self.window()), "User added")

    def change_role(self) -> TouchFormDialog | None:
        user = self.selected()
        if user is None:
            return None
        dialog = role_dialog(self.security, user.name, user.role, self.window())
        return self._open(dialog, f"Role of {user.name} changed")

    def new_password(self) -> TouchFormDialog | None:
        user = self.selected()
        if user is None:
            return None
        dialog = password_dialog(self.security, user.name, self.window())
        return self._open(dialog, f"Password of {user.name} set")

    def _change(self, call: Callable[[], None], done: str) -> None:
        try:
            call()
        except Exception as exc:
            self.context.notify(error_text(exc), True)
            return
        self.context.notify(done, False)
        self.reload()

    def disable(self) -> None:
        user = self.selected()
        if user is not None:
            session = self.context.service.session
            self._change(
                lambda: self.security.accounts.disable(session, user.name), f"{user.name} disabled"
            )

    def enable(self) -> None:
        user = self.selected()
        if user is not None:
            session = self.context.service.session
            self._change(
                lambda: self.security.accounts.enable(session, user.name), f"{user.name} enabled"
            )

    # ----- screen -----
    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self.reload()

    def update_from(self, snapshot: Snapshot | None) -> None:
        pass  # accounts change only through this screen or the CLI: reloaded when shown
