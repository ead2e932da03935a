"""Who is acting: a session carries the user and role that every service call is checked against."""

from __future__ import annotations

from dataclasses import dataclass

from hmi.core.roles import Role


class PermissionDenied(PermissionError):
    """A service was called by a user whose role does not allow the action."""


@dataclass(frozen=True, slots=True)
class Session:
    user: str
    role: Role

    def require(self, role: Role, action: str) -> None:
        """Raise PermissionDenied unless this session's role is at least `role`."""
        if self.role < role:
            raise PermissionDenied(
                f"{action}: user {self.user!r} ({self.role.label}) lacks permission; "
                f"requires {role.label} or higher"
            )


VIEWER = Session("viewer", Role.VIEWER)
