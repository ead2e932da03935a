"""User accounts and security settings as rows of the embedded store (no logic beyond I/O).

Statements run on the caller's connection without transactions of their own, so a change
made inside `AuditTrail.append(apply=...)` commits with its audit record.
"""

from __future__ import annotations

import logging
import math
import sqlite3
from dataclasses import dataclass, fields, replace

from hmi.core.roles import Role

log = logging.getLogger(__name__)

# Each setting's label, unit and allowed range: what the CLI and the Users screen refuse past.
SETTING_LIMITS: dict[str, tuple[str, str, float, float]] = {
    "max_failed_attempts": ("Failed logins before lockout", "", 1, 20),
    "lockout_s": ("Lockout time", "s", 10.0, 86_400.0),
    "auto_logout_s": ("Automatic logout after (0: never)", "s", 0.0, 86_400.0),
    "password_min_length": ("Minimum password length", "characters", 6, 64),
}


@dataclass(frozen=True, slots=True)
class User:
    name: str
    role: Role
    password_hash: str
    disabled: bool = False
    failed_attempts: int = 0
    locked_until: float = 0.0
    created: float = 0.0
    password_changed: float = 0.0
    last_login: float | None = None

    def locked(self, now: float) -> bool:
        return self.locked_until > now

    def status(self, now: float) -> str:
        if self.disabled:
            return "disabled"
        return "locked" if self.locked(now) else "active"


@dataclass(frozen=True, slots=True)
class SecuritySettings:
    """Site settings, kept in the `security_settings` table (defaults until changed)."""

    max_failed_attempts: int = 5  # consecutive failures that lock an account
    lockout_s: float = 900.0  # how long a locked account stays locked
    auto_logout_s: float = 600.0  # inactivity before the panel falls back to Viewer; 0: never
    password_min_length: int = 8

    def changed(self, **values: str | float | int) -> SecuritySettings:
        """A copy with `values` (strings from the CLI allowed) converted and checked: each
        must be a finite number in its allowed range (SETTING_LIMITS)."""
        types = {f.name: f.type for f in fields(self)}
        converted: dict[str, float | int] = {}
        for key, value in values.items():
            if key not in types:
                raise KeyError(f"unknown setting {key!r}; one of {', '.join(types)}")
            label, unit, low, high = SETTING_LIMITS[key]
            allowed = f"allowed {low:g} to {high:g} {unit}".rstrip()
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise ValueError(f"{label}: {value!r} is not a number ({allowed})") from None
            if not math.isfinite(number) or not low <= number <= high:
                raise ValueError(f"{label}: {value} is out of range ({allowed})")
            if types[key] == "int":
                if number != int(number):
                    raise ValueError(f"{label}: {value} is not a whole number ({allowed})")
                number = int(number)
            converted[key] = number
        return replace(self, **converted)


_USER_COLUMNS = (
    "name, role, password_hash, disabled, failed_attempts, locked_until, created, "
    "password_changed, last_login"
)


def _user(row: tuple) -> User:
    name, role, hashed, disabled, failed, locked, created, changed, last = row
    role_ = Role[role.upper()]
    return User(name, role_, hashed, bool(disabled), failed, locked, created, changed, last)


class UserStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def get(self, name: str) -> User | None:
        row = self.conn.execute(
            f"SELECT {_USER_COLUMNS} FROM users WHERE name = ?", (name,)
        ).fetchone()
        return _user(row) if row else None

    def all(self) -> list[User]:
        rows = self.conn.execute(f"SELECT {_USER_COLUMNS} FROM users ORDER BY name")
        return [_user(r) for r in rows]

    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM users").fetchone()[0])

    def active_admins(self) -> int:
        row = self.conn.execute(
            "SELECT count(*) FROM users WHERE role = 'administrator' AND disabled = 0"
        ).fetchone()
        return int(row[0])

    def insert(self, user: User) -> None:
        self.conn.execute(
            f"INSERT INTO users ({_USER_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)",
            (
                user.name,
                user.role.name.lower(),
                user.password_hash,
                int(user.disabled),
                user.failed_attempts,
                user.locked_until,
                user.created,
                user.password_changed,
                user.last_login,
            ),
        )

    def update(self, name: str, **changes: object) -> None:
        allowed = set(_USER_COLUMNS.replace(" ", "").split(",")) - {"name"}
        unknown = set(changes) - allowed
        if unknown:
            raise KeyError(f"unknown user fields {sorted(unknown)}")
        values = [v.name.lower() if isinstance(v, Role) else v for v in changes.values()]
        assignments = ", ".join(f"{k} = ?" for k in changes)
        self.conn.execute(f"UPDATE users SET {assignments} WHERE name = ?", (*values, name))

    # ----- settings -----
    def settings(self) -> SecuritySettings:
        rows = dict(self.conn.execute("SELECT key, value FROM security_settings").fetchall())
        settings = SecuritySettings()
        for key, value in rows.items():
            if key not in SETTING_LIMITS:
                continue
            try:
                settings = settings.changed(**{key: value})
            except ValueError as exc:  # stored before values were checked: keep the default
                log.warning("security setting ignored, default kept: %s", exc)
        return settings

    def save_settings(self, settings: SecuritySettings) -> None:
        for f in fields(settings):
            self.conn.execute(
                "INSERT OR REPLACE INTO security_settings (key, value) VALUES (?, ?)",
                (f.name, str(getattr(settings, f.name))),
            )
