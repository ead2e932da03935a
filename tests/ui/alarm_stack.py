"""The real stack with alarms (engine, journal, audit) on a simulated clock, for the alarm UI
tests and screenshots."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hmi.alarms import AlarmEngine, AlarmJournal, load_definitions
from hmi.control import LineController
from hmi.core.roles import Role
from hmi.hardware import build_profile, load_profile
from hmi.history.store import database_path
from hmi.runtime import Runtime, SimClock
from hmi.runtime.service import LineService
from hmi.security import SecurityService, make_hasher, open_security
from hmi.security.session import Session
from tests.ui.real_stack import ROOT


@dataclass
class AlarmStack:
    runtime: Runtime
    service: LineService
    journal: AlarmJournal
    security: SecurityService

    def close(self) -> None:
        self.journal.close()
        self.security.close()


def build(data_dir: Path, user: str = "eng", role: Role = Role.ENGINEER) -> AlarmStack:
    cfg = load_profile(ROOT / "hardware_profiles" / "emulated.toml")
    journal = AlarmJournal(database_path(data_dir))
    engine = AlarmEngine(load_definitions(), journal.offer)
    runtime = Runtime(
        build_profile(cfg),
        LineController(),
        clock=SimClock(),
        recipe_name=cfg.startup.recipe_name,
        alarms=engine,
    )
    security = open_security(data_dir, hasher=make_hasher(cheap=True))
    service = LineService(runtime, Session(user, role), audit=security.audit, journal=journal)
    return AlarmStack(runtime, service, journal, security)
