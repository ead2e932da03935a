"""Alarm performance in scenario runs (EEMUA 191 benchmarks): a steady-state run raises no
alarm; each injected fault raises its own alarm within 2 s of its symptom, once (no chatter).

Shortened versions of resources/scenarios so the suite stays quick; `hmi sim run --json` on
the full files reports the same fields."""

from __future__ import annotations

from pathlib import Path

from hmi.sim.runner import run_scenario
from hmi.sim.scenario import parse_scenario

RECIPE = """
[recipe]
material = "LFP"
areal_mass_mg_cm2 = 30.0
width_mm = 1000
line_speed_m_min = 50
tolerance_pct = 1.5
"""


def run(text: str) -> dict:
    return run_scenario(parse_scenario(text, Path("test.toml")))


def test_steady_state_raises_no_alarm() -> None:
    result = run(
        '[scenario]\nname = "steady"\nduration_s = 300\nseed = 1\nstartup_s = 120\n' + RECIPE
    )
    assert result["alarms_raised"] == [] and result["alarms_peak_10min"] == 0


def test_each_fault_raises_its_own_alarm_once_within_two_seconds() -> None:
    result = run(
        '[scenario]\nname = "faults"\nduration_s = 420\nseed = 5\nstartup_s = 120\n'
        + RECIPE
        + """
[[events]]
at_s = 200
type = "gauge_fault"
mode = "nan"
duration_s = 20

[[events]]
at_s = 300
type = "comm_loss"
duration_s = 5

[[events]]
at_s = 360
type = "feeder_bridging"
feeder = "binder"
severity = 0.8
duration_s = 30
"""
    )
    raised = [(a["alarm"], a["raised_s"]) for a in result["alarms_raised"]]
    assert [name for name, _ in raised] == [
        "gauge_fault",
        "communication_loss",
        "feeder_binder_bridging",
    ]
    for (_, t), injected in zip(raised, (200, 300, 360), strict=True):
        assert injected <= t <= injected + 2.0
    assert all(a["cleared_s"] is not None for a in result["alarms_raised"])
    assert result["alarms_peak_10min"] == 3
