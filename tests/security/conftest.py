"""Security tests run on a real store in a temporary directory, a cheap argon2 profile and a
simulated clock (lockout and inactivity without sleeping)."""

from __future__ import annotations

import pytest

from hmi.core.roles import Role
from hmi.security import VIEWER, SecurityService, Session, make_hasher, open_security
from tests.security.fakes import ADMIN, NAMES, PASSWORD, FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def security(tmp_path, clock) -> SecurityService:
    service = open_security(tmp_path / "data", clock=clock, hasher=make_hasher(cheap=True))
    yield service
    service.close()


@pytest.fixture
def people(security) -> dict[Role, Session]:
    """One account per role; the sessions they act as (Viewer: nobody logged in)."""
    for role, name in NAMES.items():
        security.accounts.add(ADMIN, name, role, PASSWORD)
    return {Role.VIEWER: VIEWER, **{role: Session(n, role) for role, n in NAMES.items()}}
