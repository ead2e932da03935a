"""The security dialogs, each a TouchFormDialog calling the security service: login (with the
quick user switch), first-run administrator set-up, electronic signature, user admin forms."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QWidget

from hmi.core.roles import Role
from hmi.security import PolicyError, SecurityService, Session
from hmi.security.permissions import permission
from hmi.ui.touchform import Field, TouchFormDialog

ROLES = [r.label for r in Role if r is not Role.VIEWER]


def _same(values: dict[str, str]) -> str:
    if values["password"] != values["repeat"]:
        raise PolicyError("The two passwords differ")
    return values["password"]


def _begin(security: SecurityService, name: str, password: str):
    """The login's quick first step here; its argon2 check goes to a worker thread (a 64 MiB
    hash holds a core for ~0.2 s: the panel keeps painting, the loop keeps its core)."""
    pending = security.begin_login(name, password)
    return lambda: (pending, pending.check())


def login_dialog(security: SecurityService, parent: QWidget | None = None) -> TouchFormDialog:
    """Log in, or switch user while someone is logged in: tap a name, type the password."""
    current = security.current
    info = (
        f"{current.user} ({current.role.label}) is logged in; logging in switches user."
        if current.logged_in
        else "Nobody is logged in: the panel shows the line but accepts no commands."
    )
    dialog = TouchFormDialog(
        "Log in",
        [Field("user", "User"), Field("password", "Password", secret=True)],
        lambda v: _begin(security, v["user"], v["password"]),
        info=info,
        primary="Log in",
        chips=security.login_names(),
        slow=lambda outcome: security.finish_login(*outcome),  # type: ignore[misc]
        parent=parent,
    )
    dialog.keep_on_session_change = True
    return dialog


def first_run_dialog(security: SecurityService, parent: QWidget | None = None) -> TouchFormDialog:
    """First start on an empty store: create the administrator. There is no default."""

    def create(values: dict[str, str]) -> Session:
        return security.create_first_admin(values["user"].strip(), _same(values))

    dialog = TouchFormDialog(
        "Create the administrator",
        [
            Field("user", "Name"),
            Field("password", "Password", secret=True),
            Field("repeat", "Repeat", secret=True),
        ],
        create,
        info="First start: no users exist yet and there is no default password. Create the "
        f"administrator account, who then adds the others. {security.policy.describe()}.",
        primary="Create",
        parent=parent,
    )
    dialog.keep_on_session_change = True
    return dialog


def signature_dialog(
    security: SecurityService,
    action: str,
    target: str,
    details: Mapping[str, object] | None = None,
    parent: QWidget | None = None,
) -> TouchFormDialog:
    """Sign a critical action on `target`: reason and password again; `result_value` is the
    Signature, good once for that action on that target."""
    session = security.current
    meaning = permission(action).signature or ""
    return TouchFormDialog(
        "Electronic signature",
        [Field("reason", "Reason"), Field("password", "Password", secret=True)],
        lambda v: security.sign(
            session, action, v["password"], v["reason"], target=target, details=details
        ),
        info=f"{meaning}.\nSigned by {session.user} ({session.role.label}) for {target}.",
        primary="Sign",
        parent=parent,
    )


def add_user_dialog(security: SecurityService, parent: QWidget | None = None) -> TouchFormDialog:
    def add(values: dict[str, str]) -> None:
        role = Role[values["choice"].upper()]
        security.accounts.add(security.current, values["user"].strip(), role, _same(values))

    return TouchFormDialog(
        "Add user",
        [
            Field("user", "Name"),
            Field("password", "Password", secret=True),
            Field("repeat", "Repeat", secret=True),
        ],
        add,
        info=security.policy.describe() + ".",
        primary="Add",
        choices=ROLES,
        choice=Role.OPERATOR.label,
        parent=parent,
    )


def password_dialog(
    security: SecurityService, name: str, parent: QWidget | None = None
) -> TouchFormDialog:
    return TouchFormDialog(
        f"New password for {name}",
        [Field("password", "Password", secret=True), Field("repeat", "Repeat", secret=True)],
        lambda v: security.accounts.set_password(security.current, name, _same(v)),
        info=security.policy.describe() + ". Also clears a lockout.",
        primary="Set",
        parent=parent,
    )


def role_dialog(
    security: SecurityService, name: str, role: Role, parent: QWidget | None = None
) -> TouchFormDialog:
    return TouchFormDialog(
        f"Role of {name}",
        [],
        lambda v: security.accounts.set_role(security.current, name, Role[v["choice"].upper()]),
        primary="Change",
        choices=ROLES,
        choice=role.label,
        parent=parent,
    )
