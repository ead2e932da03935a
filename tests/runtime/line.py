"""A Runtime on the emulated line on the simulated clock, with every tick's values recorded."""

from __future__ import annotations

from hmi.alarms import AlarmEngine, load_definitions
from hmi.control import make_controller
from hmi.hardware.config import EmulatedSection, ProfileConfig, ProfileSection, StartupSection
from hmi.hardware.emulated import EmulatedProfile
from hmi.plant import MATERIALS
from hmi.runtime import Runtime, SimClock

NOMINAL_BANK_KG = 3.0  # the emulated line's nominal bank (Equipment.bank_nominal_kg)


class Recorder:
    """A sample sink keeping (t_s, bank_mass_kg, line speed) of every tick."""

    def __init__(self) -> None:
        self.rows: list[tuple[float, float, float]] = []

    def offer(self, t_s, wall_time, values, quality) -> None:
        self.rows.append((t_s, values["bank_mass_kg"], values["line_speed_m_min"]))

    def bank_between(self, t0_s: float, t1_s: float) -> tuple[float, float]:
        banks = [b for t, b, _ in self.rows if t0_s <= t <= t1_s]
        return min(banks), max(banks)


def line_runtime(controller: str = "model", *, running: bool = True, sinks=(), **kwargs):
    """(runtime, profile, recorder): LFP 30 mg/cm² at 50 m/min, in equilibrium if running."""
    config = ProfileConfig(
        profile=ProfileSection(name="test line", driver="emulated"),
        startup=StartupSection(
            areal_mass_target_mg_cm2=30.0,
            line_speed_sp_m_min=50.0,
            formulation=MATERIALS["LFP"].fractions,
            running=running,
        ),
        emulated=EmulatedSection(material="LFP", seed=3),
    )
    profile = EmulatedProfile(config)
    recorder = Recorder()
    runtime = Runtime(
        profile,
        make_controller(controller, config.startup.formulation, config.line.gauge_distance_m),
        clock=SimClock(),
        running=running,
        trend_capacity=100,
        sinks=[recorder, *sinks],
        alarms=AlarmEngine(load_definitions()),
        **kwargs,
    )
    return runtime, profile, recorder
