"""Who is acting: a session carries the user and role that every service call is checked against."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from hmi.core.roles import Role
from hmi.security.permissions import allowed, permission, roles_text


class PermissionDenied(PermissionError):
    """A service was called by a user whose role does not allow the action."""

    def __init__(self, session: Session, action: str) -> None:
        self.session = session
        self.action = action
        try:
            needed = roles_text(permission(action).roles)
        except KeyError:
            needed = "an action that does not exist"
        super().__init__(
            f"{action}: user {session.user!r} ({session.role.label}) lacks permission; "
            f"requires {needed}"
        )


@dataclass(frozen=True, slots=True)
class Session:
    user: str
    role: Role

    @property
    def logged_in(self) -> bool:
        return self.role is not Role.VIEWER

    def may(self, action: str) -> bool:
        return allowed(self.role, action)

    def require(self, action: str) -> None:
        """Raise PermissionDenied unless this session's role allows `action` (no audit: the
        services wrap this with their audit record)."""
        if not allowed(self.role, action):
            raise PermissionDenied(self, action)

    @property
    def text(self) -> str:
        """'ann · Operator'; '— · Viewer' when nobody is logged in."""
        return f"{self.user if self.logged_in else '—'} · {self.role.label}"


VIEWER = Session("viewer", Role.VIEWER)


class SessionSource(Protocol):
    """Anything that knows who is acting right now (the panel's login state)."""

    @property
    def current(self) -> Session: ...


class FixedSession:
    """A session source that never changes (tests, headless tools, the CLI)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    @property
    def current(self) -> Session:
        return self._session
