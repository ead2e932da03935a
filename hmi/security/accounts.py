"""User administration: add, change role, reset password, disable / enable, settings.

Every call takes the acting session and needs ``users.manage`` (Administrator), except a
user changing their own password and the first-run creation of the first Administrator. Each
change commits in one transaction with its audit record. Passwords never reach the trail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hmi.core.roles import Role
from hmi.security.passwords import PolicyError, check_name, verify_password
from hmi.security.permissions import Action
from hmi.security.session import Session
from hmi.security.users import SecuritySettings, User

if TYPE_CHECKING:
    from hmi.security.service import SecurityService


def _locked(name: str, until: float) -> Exception:
    from hmi.security.service import AccountLocked  # the service module imports this one

    return AccountLocked(name, until)


class AccountError(ValueError):
    """The change is not possible (unknown user, last administrator, ...); nothing changed."""


class Accounts:
    def __init__(self, security: SecurityService) -> None:
        self._s = security

    def _authorize(self, session: Session, details: dict[str, object], reason: str) -> None:
        self._s.authorize(session, Action.USERS_MANAGE, details, reason)

    def _get(self, name: str) -> User:
        user = self._s.users.get(name)
        if user is None:
            raise AccountError(f"no user {name!r}")
        return user

    def list(self, session: Session) -> list[User]:
        self._authorize(session, {"list": True}, "")
        return self._s.users.all()

    def add_first_admin(self, name: str, password: str) -> None:
        """First start: the first account, an Administrator, while the store has none."""
        check_name(name)
        self._s.policy.check(name, password)
        hashed = self._s.hasher.hash(password)

        def insert() -> None:
            if self._s.users.count():
                raise AccountError("users already exist; log in as an administrator")
            self._insert(name, Role.ADMINISTRATOR, hashed)

        details = {"name": name, "role": Role.ADMINISTRATOR.label, "first_run": True}
        self._s.audit.append(name, Role.ADMINISTRATOR.label, "user.add", details, apply=insert)

    def add(self, session: Session, name: str, role: Role, password: str, reason: str = "") -> None:
        details: dict[str, object] = {"name": name, "role": role.label}
        self._authorize(session, details, reason)
        check_name(name)
        self._s.policy.check(name, password)
        hashed = self._s.hasher.hash(password)

        def insert() -> None:
            if self._s.users.get(name) is not None:
                raise AccountError(f"user {name!r} already exists")
            if not self._s.users.count() and role is not Role.ADMINISTRATOR:
                raise AccountError("the first user must be an Administrator")
            self._insert(name, role, hashed)

        self._s.audit.record(session, "user.add", details, reason, apply=insert)

    def _insert(self, name: str, role: Role, hashed: str) -> None:
        now = self._s.clock()
        self._s.users.insert(User(name, role, hashed, created=now, password_changed=now))

    def set_password(self, session: Session, name: str, password: str, reason: str = "") -> None:
        """An administrator sets (resets) another user's password; also clears a lockout."""
        self._authorize(session, {"name": name}, reason)
        user = self._get(name)
        self._s.policy.check(user.name, password)
        self._save_password(session, user, password, reason)

    def change_own_password(self, session: Session, old: str, new: str) -> None:
        """A logged-in user changes their own password. A wrong current password counts
        toward lockout like a failed login (and is audited): guessing it is not free."""
        if not session.logged_in:
            raise PolicyError("log in to change your password")
        user = self._get(session.user)
        now = self._s.clock()
        if user.locked(now):
            raise _locked(user.name, user.locked_until)
        if not verify_password(self._s.hasher, user.password_hash, old):
            self._s.wrong_password(user, now, "user.password_failed")  # AccountLocked at limit
            raise PolicyError("the current password is wrong")
        self._s.policy.check(user.name, new)
        self._save_password(session, user, new, "own password")

    def _save_password(self, session: Session, user: User, password: str, reason: str) -> None:
        hashed = self._s.hasher.hash(password)
        self._s.audit.record(
            session,
            "user.password",
            {"name": user.name},
            reason,
            apply=lambda: self._s.users.update(
                user.name,
                password_hash=hashed,
                password_changed=self._s.clock(),
                failed_attempts=0,
                locked_until=0.0,
            ),
        )

    def set_role(self, session: Session, name: str, role: Role, reason: str = "") -> None:
        details: dict[str, object] = {"name": name, "new": role.label}
        self._authorize(session, details, reason)
        user = self._get(name)
        if role is Role.VIEWER:
            raise AccountError("Viewer is nobody logged in, not a role for an account")
        self._keep_an_admin(user, leaving=role is not Role.ADMINISTRATOR)
        details["old"] = user.role.label
        self._s.audit.record(
            session,
            "user.role",
            details,
            reason,
            apply=lambda: self._s.users.update(user.name, role=role),
        )
        self._logout_if_current(user.name, "role changed")

    def disable(self, session: Session, name: str, reason: str = "") -> None:
        self._authorize(session, {"name": name}, reason)
        user = self._get(name)
        self._keep_an_admin(user, leaving=True)
        self._s.audit.record(
            session,
            "user.disable",
            {"name": user.name},
            reason,
            apply=lambda: self._s.users.update(user.name, disabled=1),
        )
        self._logout_if_current(user.name, "account disabled")

    def enable(self, session: Session, name: str, reason: str = "") -> None:
        """Enable an account and clear its lockout."""
        self._authorize(session, {"name": name}, reason)
        user = self._get(name)
        self._s.audit.record(
            session,
            "user.enable",
            {"name": user.name, "was": user.status(self._s.clock())},
            reason,
            apply=lambda: self._s.users.update(
                user.name, disabled=0, failed_attempts=0, locked_until=0.0
            ),
        )

    def update_settings(self, session: Session, reason: str = "", **values: object) -> None:
        self._authorize(session, {"settings": values}, reason)
        old = self._s.users.settings()
        new = old.changed(**values)  # type: ignore[arg-type]
        changes = {
            k: {"old": getattr(old, k), "new": getattr(new, k)}
            for k in values
            if getattr(old, k) != getattr(new, k)
        }
        self._s.audit.record(
            session,
            "settings.change",
            changes,
            reason,
            apply=lambda: self._s.users.save_settings(new),
        )
        self._s.settings = new

    def settings(self) -> SecuritySettings:
        return self._s.users.settings()

    def _keep_an_admin(self, user: User, leaving: bool) -> None:
        active_admin = user.role is Role.ADMINISTRATOR and not user.disabled
        if leaving and active_admin and self._s.users.active_admins() <= 1:
            raise AccountError(f"{user.name!r} is the last active Administrator")

    def _logout_if_current(self, name: str, reason: str) -> None:
        if self._s.current.logged_in and self._s.current.user.lower() == name.lower():
            self._s.logout(reason)
