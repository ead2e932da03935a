"""A scenario that names a shipped recipe file runs that recipe; the inline form still works."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hmi.app import main
from hmi.sim.runner import profile_config
from hmi.sim.scenario import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[2]
NMC = ROOT / "resources" / "recipes" / "nmc811_cathode.json"


def scenario(tmp_path: Path, recipe: str, duration_s: float = 60.0) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(
        f"[scenario]\nname = 'short'\nduration_s = {duration_s}\nstartup_s = 10\n\n{recipe}\n",
        encoding="utf-8",
    )
    return path


def test_the_shipped_scenario_names_a_shipped_recipe_file():
    s = load_scenario(ROOT / "resources" / "scenarios" / "nmc_from_recipe.toml")
    recipe = json.loads(NMC.read_text())
    assert s.recipe.file == "../recipes/nmc811_cathode.json"
    assert (s.recipe.material, s.recipe.areal_mass_mg_cm2) == ("NMC", 22.0)
    assert s.recipe.line_speed_m_min == recipe["line_speed_m_min"]
    config = profile_config(s)
    assert config.startup.formulation == {"active": 0.96, "carbon": 0.02, "binder": 0.02}
    assert config.startup.recipe_name == "NMC811 cathode 22"


def test_hmi_sim_run_on_a_scenario_naming_a_recipe_file(tmp_path, capsys):
    path = scenario(tmp_path, f"[recipe]\nfile = '{NMC}'")
    assert main(["sim", "run", str(path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["loop_faults"] == 0 and abs(result["areal_mass_mean_error_pct"]) < 1.0


@pytest.mark.parametrize(
    "recipe, words",
    [
        ("[recipe]\nfile = 'missing.json'", "recipe.file"),
        (f"[recipe]\nfile = '{NMC}'\nwidth_mm = 500", "takes no other fields"),
        ("[recipe]\nfile = 3", "must be the path"),
    ],
)
def test_a_bad_recipe_reference_is_refused_naming_the_scenario(tmp_path, recipe, words):
    path = scenario(tmp_path, recipe)
    with pytest.raises(ScenarioError, match=words) as refused:
        load_scenario(path)
    assert str(path) in str(refused.value)
