"""`hmi sim run` cuts the film into rolls at the recipe's roll length; the rolls' figures agree
with the run's statistics over the same film."""

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from hmi.sim.runner import run_scenario
from hmi.sim.scenario import parse_scenario

ROOT = Path(__file__).resolve().parents[2]

# 70 m/min, a speed change to 80 m/min at 300 s (the first cut at 416 s) and a 30 %
# bulk-density drop just before it (off-spec film on both sides of the cut): 1278 m of film,
# two 500 m rolls and the part roll at the end.
ROLLS_500 = """
[scenario]
name = "rolls of 500 m"
duration_s = 1000
seed = 5

[recipe]
material = "LFP"
areal_mass_mg_cm2 = 30.0
line_speed_m_min = 70
tolerance_pct = 1.5
roll_length_m = 500

[[events]]
type = "speed_change"
at_s = 300
line_speed_m_min = 80

[[events]]
type = "bulk_density_step"
at_s = 405
magnitude = -0.3
"""


@pytest.fixture(scope="module")
def run():
    return run_scenario(parse_scenario(ROLLS_500, Path("rolls.toml")))


def test_rolls_are_cut_at_the_recipe_length(run):
    rolls = run["rolls"]
    assert run["roll_length_m"] == 500.0
    assert [r["length_m"] for r in rolls[:-1]] == [500.0, 500.0]
    assert [r["start_m"] for r in rolls] == [0.0, 500.0, 1000.0]
    assert rolls[-1]["cut"] == "end of run" and 0 < rolls[-1]["length_m"] < 500
    assert [r["cut"] for r in rolls[:-1]] == ["length", "length"]
    for a, b in zip(rolls, rolls[1:], strict=False):
        assert a["end_t_s"] == b["start_t_s"]
    for r in rolls:
        assert r["cpk"] is not None and r["cp"] >= r["cpk"]
        assert r["area_m2"] == pytest.approx(r["length_m"] * 0.97, abs=1e-3)  # 1000 mm, 3 % trim
        assert r["width_mm"] == 970.0
        assert r["recipe"] == "rolls of 500 m"


def _pooled(rolls, n_key, mean_key, sigma_key):
    """Mean and population σ of the union of the rolls' samples (Chan's merge)."""
    n = sum(r[n_key] for r in rolls)
    mean = sum(r[n_key] * r[mean_key] for r in rolls) / n
    m2 = sum(r[n_key] * ((r[sigma_key] / 2) ** 2 + (r[mean_key] - mean) ** 2) for r in rolls)
    return mean, math.sqrt(m2 / n)


def test_roll_figures_agree_with_the_run_over_the_same_film(run):
    rolls = run["rolls"]
    # off-spec metres: the same film judged the same way, split at the cuts
    assert run["offspec_length_m"] > 5.0, "the bulk-density drop makes off-spec film"
    assert sum(r["offspec_m"] for r in rolls) == pytest.approx(run["offspec_length_m"], abs=0.01)
    assert any(r["offspec_ranges_m"] for r in rolls)
    # mean error: the width-mean samples pooled over the rolls are the run's samples
    n = sum(r["mean_samples"] for r in rolls)
    mean_error = sum(r["mean_samples"] * r["mean_error_pct"] for r in rolls) / n
    assert mean_error == pytest.approx(run["areal_mass_mean_error_pct"], abs=2e-4)
    # every zone reading, CD and MD (the run's areal_mass_cd_2sigma_pct), pooled over the
    # rolls; each roll's zone mean is taken as its width-mean error (true state: equal to
    # ~1e-3 %), hence the 0.005 %-point tolerance
    for r in rolls:
        r["zones_n"] = r["scans"] * 24
    _, sigma = _pooled(rolls, "zones_n", "mean_error_pct", "overall_2sigma_pct")
    assert 2 * sigma == pytest.approx(run["areal_mass_cd_2sigma_pct"], abs=0.005)
    # energy: the rolls hold all of it; per m² of electrode kept it is the plant's own figure
    # (its 10 Hz samples of the line power against the plant's 100 Hz integral)
    area = sum(r["area_m2"] for r in rolls)
    energy = sum(r["energy_kwh"] for r in rolls)
    assert energy / area == pytest.approx(run["energy_kwh_per_m2"], rel=0.005)


def test_cli_lists_the_rolls(tmp_path):
    path = tmp_path / "s.toml"
    text = ROLLS_500.split("[[events]]")[0].replace("duration_s = 1000", "duration_s = 60")
    path.write_text(text.replace("roll_length_m = 500", "roll_length_m = 50"))
    out = subprocess.run(
        [sys.executable, "-m", "hmi", "sim", "run", str(path), "--json"],
        capture_output=True, text=True, cwd=ROOT, check=True,
    ).stdout  # fmt: skip
    rolls = json.loads(out)["rolls"]
    assert [r["number"] for r in rolls] == [1, 2]
    assert rolls[0]["length_m"] == 50.0 and "cpk" in rolls[0]
