"""Shared test doubles for the security tests (and the UI tests that log in)."""

from __future__ import annotations

from hmi.core.roles import Role
from hmi.security import Session

START = 1_780_000_000.0
PASSWORD = "s3cret-pass"  # meets the default policy


class FakeClock:
    """Epoch seconds that move only when told."""

    def __init__(self, t: float = START) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


ADMIN = Session("root@test", Role.ADMINISTRATOR)  # acts as the CLI would
NAMES = {
    Role.ADMINISTRATOR: "admin1",  # first: the first account must be an Administrator
    Role.OPERATOR: "operator1",
    Role.ENGINEER: "engineer1",
    Role.SUPERVISOR: "supervisor1",
}
