"""Fake data for the UI tests: hand-made snapshots, a runtime stand-in behind the real
LineService (so range and permission checks are the real ones), and a filled trend buffer."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from hmi.core.process import Quality
from hmi.core.tags import TAGS
from hmi.runtime.commands import Command, WriteSetpoint
from hmi.runtime.snapshot import Snapshot, TickStats
from hmi.runtime.trend import TrendBuffer

STEADY: dict[str, float] = {
    "feeder_active_flow_kg_h": 864.2,
    "feeder_active_sp_kg_h": 864.0,
    "feeder_active_hopper_kg": 182.4,
    "feeder_carbon_flow_kg_h": 18.03,
    "feeder_carbon_sp_kg_h": 18.0,
    "feeder_carbon_hopper_kg": 41.7,
    "feeder_binder_flow_kg_h": 17.96,
    "feeder_binder_sp_kg_h": 18.0,
    "feeder_binder_hopper_kg": 38.2,
    "gap_os_um": 101.3,
    "gap_os_sp_um": 101.2,
    "gap_ds_um": 100.8,
    "gap_ds_sp_um": 100.9,
    "gap_os_ref_um": 101.0,
    "gap_ds_ref_um": 100.7,
    "roll_force_os_kn": 418.6,
    "roll_force_ds_kn": 412.1,
    "bank_mass_kg": 2.437,
    "line_speed_m_min": 50.02,
    "roll_temperature_c": 80.4,
    "areal_mass_mg_cm2": 30.084,
    "thickness_um": 118.6,
    "line_running": 1.0,
    "line_run_cmd": 1.0,
    "areal_mass_target_mg_cm2": 30.0,
    "line_speed_sp_m_min": 50.0,
    "web_width_mm": 1000.0,
    "areal_mass_tolerance_pct": 1.5,
    "line_speed_out_m_min": 50.0,
    "gap_feedback_um": 1.27,
    "feed_total_sp_kg_h": 900.0,
}
# Tags added to the registry later get a mid-range value until a test needs a specific one.
for _name, _tag in TAGS.items():
    STEADY.setdefault(_name, (_tag.low + _tag.high) / 2)
MEASURED = [n for n, t in TAGS.items() if t.kind.value in ("measured", "status")]


def make_snapshot(
    tick: int = 1000,
    *,
    bad: tuple[str, ...] = (),
    running: bool = True,
    mode: str = "auto",
    **values: float,
) -> Snapshot:
    merged = {**STEADY, **values}
    quality = {n: Quality.BAD if n in bad else Quality.GOOD for n in MEASURED}
    return Snapshot(
        tick=tick,
        t_s=tick * 0.01,
        wall_time=1_780_000_000.0 + tick * 0.01,
        running=running,
        mode=mode,
        recipe_name="LFP 30 mg/cm²",
        values=merged,
        quality=quality,
        corrections={
            "feed_feedforward_kg_h": merged["feed_total_sp_kg_h"],
            "gap_feedback_um": merged["gap_feedback_um"],
        },
        timing=TickStats(0.01, ticks=tick, lateness_p50_ms=0.08, lateness_p99_ms=0.41),
        messages=("line started by op",),
    )


class FakeRuntime:
    """What LineService needs from a runtime: latest() and submit()."""

    def __init__(self, snapshot: Snapshot | None = None) -> None:
        self.snapshot = snapshot if snapshot is not None else make_snapshot()
        self.commands: list[Command] = []

    def latest(self) -> Snapshot | None:
        return self.snapshot

    def submit(self, command: Command) -> None:
        self.commands.append(command)

    def set(self, **changes: object) -> None:
        self.snapshot = dataclasses.replace(self.snapshot, **changes)

    def writes(self) -> list[tuple[str, float]]:
        return [(c.tag, c.value) for c in self.commands if isinstance(c, WriteSetpoint)]


def filled_trend(seconds: float = 600.0, rate_hz: float = 100.0) -> TrendBuffer:
    """A trend buffer with `seconds` of plausible line data: noise, eccentricity, a target step."""
    trend = TrendBuffer(list(TAGS), capacity=int(600 * rate_hz))
    rng = np.random.default_rng(7)
    n = int(seconds * rate_hz)
    t = np.arange(n) / rate_hz
    step = np.where(t > seconds - 200, 1.0, 0.0)  # target raised by 1 mg/cm² 200 s ago
    response = step * (1 - np.exp(-np.clip(t - (seconds - 200), 0, None) / 25.0))
    ecc = 0.6 * np.sin(2 * math.pi * 0.33 * t)
    columns = {
        "gap_os_sp_um": 101.2 + 3.0 * response,
        "gap_ds_sp_um": 100.9 + 3.0 * response,
        "areal_mass_target_mg_cm2": 30.0 + step,
        "areal_mass_mg_cm2": 30.0 + response + rng.normal(0, 0.06, n),
        "bank_mass_kg": 2.4 + 0.2 * response + 0.05 * np.sin(2 * math.pi * t / 40.0),
    }
    columns["gap_os_um"] = columns["gap_os_sp_um"] + ecc + rng.normal(0, 0.15, n)
    columns["gap_ds_um"] = columns["gap_ds_sp_um"] - ecc + rng.normal(0, 0.15, n)
    columns["roll_force_os_kn"] = 418 + 6 * ecc + rng.normal(0, 1.0, n)
    columns["roll_force_ds_kn"] = 412 - 6 * ecc + rng.normal(0, 1.0, n)
    for i in range(n):
        trend.append(t[i], {name: col[i] for name, col in columns.items()})
    return trend
