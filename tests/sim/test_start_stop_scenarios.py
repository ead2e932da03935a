"""Scenario runs that start from cold and stop and restart (issue 13): the events act through
the runtime's sequences, and the start-up figures are reported."""

from pathlib import Path

import pytest

from hmi.sim.runner import run_scenario
from hmi.sim.scenario import ScenarioError, parse_scenario

HEAD = """
[scenario]
name = "starts"
duration_s = {duration}
seed = 5
start = "{start}"

[recipe]
material = "LFP"
areal_mass_mg_cm2 = 30.0
width_mm = 1000
line_speed_m_min = 50
tolerance_pct = 1.5
"""


def run(events: str, duration: float, start: str = "stopped", controller: str = "model"):
    text = HEAD.format(duration=duration, start=start) + events
    return run_scenario(parse_scenario(text, Path("s.toml")), controller)


def test_a_cold_start_reaches_spec_and_reports_its_time_scrap_and_peak_bank():
    result = run('[[events]]\nat_s = 1\ntype = "line_start"\n', 500.0)
    (time_s,) = result["startup_time_to_in_spec_s"]
    (scrap_m,) = result["startup_scrap_m"]
    assert time_s is not None and 60.0 < time_s < 400.0, "primed, threaded, ramped, in spec"
    assert 0.0 < scrap_m < 100.0, "the film made while threading and ramping is off-spec"
    assert result["offspec_length_m"] >= scrap_m - 5.0, "and it counts in the statistics"
    assert 1.5 <= result["bank_peak_kg"] <= 4.5
    assert result["powder_scrap_kg"] == 0.0


def test_a_cold_line_without_a_start_stays_cold_and_makes_nothing():
    result = run("", 60.0)
    assert result["startup_time_to_in_spec_s"] == []
    assert result["bank_peak_kg"] == 0.0
    assert result["energy_kwh_per_m2"] is None, "no m² made"
    assert result["standby_energy_kwh"] > 0.0, "the rolls are kept hot"


def test_a_quick_stop_sends_the_mixer_to_scrap_and_a_restart_is_timed():
    events = (
        '[[events]]\nat_s = 10\ntype = "line_stop"\nkind = "quick"\n'
        '[[events]]\nat_s = 250\ntype = "line_start"\n'
    )
    result = run(events, 700.0, start="running")
    assert result["powder_scrap_kg"] > 5.0
    (time_s,) = result["startup_time_to_in_spec_s"]
    assert time_s is not None and time_s < 450.0


def test_a_bad_stop_kind_is_refused_naming_the_event():
    with pytest.raises(ScenarioError, match=r"events\[0\] \(type=line_stop\)"):
        run('[[events]]\nat_s = 1\ntype = "line_stop"\nkind = "gentle"\n', 10.0)


def test_start_must_be_stopped_or_running():
    with pytest.raises(ScenarioError, match="start"):
        run("", 10.0, start="warm")
