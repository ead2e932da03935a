"""The real line on a simulated clock with access control and the recipe workflow, and one
account per role (password PASSWORD): what the Recipes UI test and its screenshots run on."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

from hmi.alarms import AlarmEngine, AlarmJournal, load_definitions
from hmi.control import LineController
from hmi.core.roles import Role
from hmi.core.tags import TagKind, names
from hmi.hardware import build_profile, load_profile
from hmi.history import Historian, database_path, open_store
from hmi.quality.monitor import QualityMonitor
from hmi.quality.roll_store import RollStore
from hmi.quality.service import QualityService
from hmi.recipes.service import RecipeService
from hmi.runtime import Runtime, SimClock
from hmi.runtime.pen_sets import PenSetStore
from hmi.runtime.service import LineService
from hmi.runtime.trend_history import TrendHistory
from hmi.security import Session, make_hasher, open_security

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "s3cret-pass"
ACCOUNTS = (
    ("chief", Role.ADMINISTRATOR),
    ("ann", Role.OPERATOR),
    ("eve", Role.ENGINEER),
    ("sam", Role.SUPERVISOR),
)


def build(
    data_dir: Path,
    clock=None,
    *,
    alarms: bool = False,
    history: bool = False,
    line_clock: bool = False,
    roll_length_m: float = 2000.0,
) -> SimpleNamespace:
    """security, runtime, service (the panel's session) and recipes on `data_dir`'s store;
    `alarms`: with the alarm engine and its journal (stack.journal) as the app runs it;
    quality: the monitor (rolls of `roll_length_m`, committed at the cut) and its service;
    `history`: with the historian at 10 Hz and the Trends screen's history (stack.history);
    `line_clock`: the audit's clock is the line's (simulated) wall clock, so audit records and
    samples share one timeline, as they do on the real clock."""
    line: list = []
    if line_clock:
        clock = lambda: line[0]._wall_t0 + line[0].clock.now() if line else time.time()  # noqa: E731
    kwargs = {"clock": clock} if clock is not None else {}
    security = open_security(data_dir, hasher=make_hasher(cheap=True), **kwargs)
    admin = Session("root@cli", Role.ADMINISTRATOR)
    for name, role in ACCOUNTS:
        security.accounts.add(admin, name, role, PASSWORD)
    cfg = load_profile(ROOT / "hardware_profiles" / "emulated.toml")
    journal = AlarmJournal(database_path(data_dir)) if alarms else None
    engine = AlarmEngine(load_definitions(), journal.offer) if journal is not None else None
    historian = trend_history = None
    if history:
        open_store(data_dir).close()  # creates and migrates the file
        recorded = names(TagKind.MEASURED) + names(TagKind.SETPOINT) + names(TagKind.OUTPUT)
        historian = Historian(database_path(data_dir), recorded, sample_period_s=0.1)
        historian.start()
        pen_sets = PenSetStore(data_dir / "pen_sets.json", historian.tags)
        trend_history = TrendHistory(
            historian, journal, database_path(data_dir), pen_sets, data_dir / "exports"
        )
    rolls = RollStore(database_path(data_dir))
    made: list = []
    monitor = QualityMonitor(
        roll_finished=rolls.add,
        recipe=lambda: (made[0].recipe_name, made[0].recipe_version) if made else ("", None),
        alarms=engine.summary if engine is not None else None,
        roll_length_m=roll_length_m,
    )
    runtime = Runtime(
        build_profile(cfg),
        LineController(),
        clock=SimClock(),
        recipe_name=cfg.startup.recipe_name,
        alarms=engine,
        sinks=[monitor, historian] if historian is not None else [monitor],
    )
    line.append(runtime)
    made.append(runtime)
    service = LineService(
        runtime, security, audit=security.audit, signatures=security, journal=journal
    )
    recipes = RecipeService(security, cfg.limits)
    quality = QualityService(
        monitor, rolls, security, audit=security.audit, reports_dir=data_dir / "reports"
    )
    return SimpleNamespace(
        security=security,
        runtime=runtime,
        service=service,
        recipes=recipes,
        journal=journal,
        historian=historian,
        history=trend_history,
        quality=quality,
        rolls=rolls,
    )
