"""Simulation speed: one hour of the steady-state scenario on the simulated clock at 100 Hz,
through the same runtime and the same (default) controller as the app and `hmi sim run`.
Goal (issue 15): ≥ 150× real time (1 h in ≤ 24 s)."""

from __future__ import annotations

import time
from pathlib import Path

from hmi.control import DEFAULT_CONTROLLER
from hmi.sim.runner import run_scenario
from hmi.sim.scenario import load_scenario

STEADY = Path(__file__).resolve().parent.parent / "resources" / "scenarios" / "steady_state.toml"


def measure(duration_s: float = 3600.0, controller: str = DEFAULT_CONTROLLER) -> dict:
    base = load_scenario(STEADY)
    scenario = base.model_copy(
        update={"scenario": base.scenario.model_copy(update={"duration_s": duration_s})}
    )
    started = time.perf_counter()
    result = run_scenario(scenario, controller)
    wall = time.perf_counter() - started
    return {
        "plant_step_us": plant_step_us(),
        "case": f"steady_state {duration_s:g} s, controller {controller}",
        "simulated_s": duration_s,
        "wall_s": round(wall, 2),
        "sim_speed_x_realtime": round(duration_s / wall, 1),
        "ticks": round(duration_s * 100) + 1,
        "us_per_tick": round(wall / (duration_s * 100) * 1e6, 1),
        "areal_mass_2sigma_pct": result["areal_mass_2sigma_pct"],  # the run was a real one
    }


def plant_step_us(steps: int = 20000, runs: int = 5) -> float:
    """The plant model alone: one 10 ms `Line.step` plus `measurements()` with a disturbance
    and a sensor drift on (budget 35 µs), median of `runs` runs of `steps` steps."""
    import statistics

    from hmi.plant import LFP, Equipment, Line

    costs = []
    for _ in range(runs):
        line = Line.at_steady_state(LFP, Equipment(), 30.0, 20.0)
        commands = line.steady_commands()
        line.disturb.eccentricity(1.0)
        line.disturb.gap_sensor_drift("os", 0.5)
        started = time.perf_counter()
        for _ in range(steps):
            line.step(0.01, commands)
            line.measurements()
        costs.append((time.perf_counter() - started) / steps * 1e6)
    return round(statistics.median(costs), 1)


def table(row: dict) -> str:
    return (
        f"{'simulation':<18}{row['simulated_s']:>8.0f} s simulated in {row['wall_s']:.1f} s: "
        f"{row['sim_speed_x_realtime']:.0f}x real time, {row['us_per_tick']:.1f} µs per tick; "
        f"plant step {row['plant_step_us']:.1f} µs (budget 35)"
    )
