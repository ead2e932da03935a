"""Short runs on the emulated line where the model controller must beat the baseline: the
eccentricity at the roll frequency in the effective gap, and a grade change."""

import math
from pathlib import Path

import pytest

from hmi.control import make_controller
from hmi.sim.runner import run_scenario
from hmi.sim.scenario import parse_scenario
from tests.control.helpers import LineRig

FORMULATION = {"active": 0.95, "carbon": 0.03, "binder": 0.02}

GRADE_CHANGE = """
[scenario]
name = "short grade change"
duration_s = 120
seed = 2
startup_s = 10

[recipe]
material = "LFP"
areal_mass_mg_cm2 = 30.0
width_mm = 1000
line_speed_m_min = 50
tolerance_pct = 1.5

[[events]]
at_s = 20
type = "grade_change"
areal_mass_mg_cm2 = 26.0
"""


def roll_frequency_amplitude(samples):
    """|1×| Fourier amplitude of (value, roll angle) samples."""
    s = sum(v * math.sin(a) for v, a in samples)
    c = sum(v * math.cos(a) for v, a in samples)
    return 2.0 * math.hypot(s, c) / len(samples)


def eccentricity_residual(name):
    rig = LineRig(make_controller(name, FORMULATION, 2.0))
    rig.run(5.0)
    rig.profile.inject("eccentricity", {"amplitude_um": 2.0})
    rig.run(40.0)
    samples = []

    def record(result):
        gap_error = rig.line.effective_gap_um["os"] - result.outputs["gap_os_ref_um"]
        samples.append((gap_error, rig.line.roll_angle_rad))

    rig.run(15.0, each=record)  # ~5 revolutions
    return roll_frequency_amplitude(samples), max(abs(v) for v, _ in samples)


def test_eccentricity_at_the_roll_frequency_is_reduced_in_the_effective_gap():
    baseline, baseline_max = eccentricity_residual("baseline")
    model, model_max = eccentricity_residual("model")
    assert baseline == pytest.approx(2.0, rel=0.1)  # the baseline leaves it all
    assert model < 0.1 * baseline  # more than tenfold less
    assert model_max < 0.5 < baseline_max  # the ±1 µm claim holds with margin


def test_a_grade_change_is_made_with_a_quarter_of_the_off_spec_and_settles_in_time():
    scenario = parse_scenario(GRADE_CHANGE, Path("grade.toml"))
    baseline = run_scenario(scenario, "baseline")
    model = run_scenario(scenario, "model")
    assert model["offspec_length_m"] <= 0.25 * baseline["offspec_length_m"]
    dead_time_s = 2.0 / (50 / 60) + 8.0  # web to the gauge + one scan
    assert model["settling_time_s"][0] is not None
    assert model["settling_time_s"][0] <= 2 * dead_time_s
    assert baseline["settling_time_s"][0] is None or (
        baseline["settling_time_s"][0] > model["settling_time_s"][0]
    )
