"""The real stack on a simulated clock, for the UI integration test and the screenshots."""

from __future__ import annotations

from pathlib import Path

from hmi.control import LineController
from hmi.core.roles import Role
from hmi.hardware import build_profile, load_profile
from hmi.runtime import Runtime, SimClock
from hmi.runtime.service import LineService
from hmi.security.session import Session

ROOT = Path(__file__).resolve().parents[2]


def build(user: str = "op") -> tuple[Runtime, LineService]:
    cfg = load_profile(ROOT / "hardware_profiles" / "emulated.toml")
    profile = build_profile(cfg)
    runtime = Runtime(
        profile, LineController(), clock=SimClock(), recipe_name=cfg.startup.recipe_name
    )
    return runtime, LineService(runtime, Session(user, Role.OPERATOR))
