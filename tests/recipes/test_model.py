"""The recipe model: ranges named in operator words, derived values against their equations
and against the plant's steady state, machine limits with field, limit and value."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from hmi.hardware.limits import LimitsSection
from hmi.plant import MATERIALS, Equipment, Line
from hmi.recipes.derived import derive, equipment_for, feed_rates
from hmi.recipes.io import RecipeFileError, load_recipe_file, parse_json, to_csv, to_json
from hmi.recipes.limits import machine_problems
from hmi.recipes.model import Recipe, field_diff

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "resources" / "recipes").glob("*.json"))


def lfp(**changes) -> Recipe:
    base = dict(name="LFP 30", areal_mass_target_mg_cm2=30.0, line_speed_m_min=50.0)
    return Recipe(**(base | changes))


def test_the_shipped_recipes_are_valid_and_run_on_the_emulated_machine():
    names = set()
    for path in SHIPPED:
        recipe = load_recipe_file(path)
        assert machine_problems(recipe, LimitsSection()) == [], path
        names.add(recipe.material + "/" + recipe.cell_type)
    assert {"LFP/conventional", "NMC/conventional", "graphite/conventional"} <= names
    assert "NMC/solid-state" in names


def test_feed_and_throughput_follow_the_mass_balance():
    recipe = lfp(web_width_mm=800.0)
    intake, fresh, per_feeder = feed_rates(recipe, trim_width_frac=0.03)
    # m · 0.01 kg/m² per mg/cm² · W · v · 60
    assert intake == pytest.approx(30.0 * 0.01 * 0.8 * 50.0 * 60.0)
    assert fresh == pytest.approx(intake * 0.97)
    assert per_feeder["active"] == pytest.approx(fresh * 0.95)
    assert sum(per_feeder.values()) == pytest.approx(fresh)
    derived = derive(recipe, energy=False)
    assert derived.throughput_m2_h == pytest.approx(0.8 * 0.97 * 50.0 * 60.0)


def test_derived_feed_is_what_the_plant_needs_at_steady_state():
    recipe = lfp()
    eq = equipment_for(recipe)
    line = Line.at_steady_state(MATERIALS["LFP"], eq, 30.0, 50.0)
    derived = derive(recipe, energy=False)
    for feeder, rate in derived.feeder_kg_h.items():
        assert rate == pytest.approx(line.steady_feed_kg_h[feeder], rel=1e-3)
    assert derived.coating_thickness_um == pytest.approx(line.electrode.coating_thickness_um)


def test_energy_per_m2_is_the_plant_power_over_the_throughput():
    derived = derive(lfp())
    assert derived.energy_kwh_m2 is not None and 0.001 < derived.energy_kwh_m2 < 1.0


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("areal_mass_target_mg_cm2", 99.0, "Target areal mass (mg/cm²): 99.0 is outside "
         "the allowed range 10 to 50 mg/cm²"),
        ("line_speed_m_min", 0.0, "Line speed (m/min): 0.0 is outside the allowed range "
         "1 to 80 m/min"),
        ("web_width_mm", 1500.0, "Web width (mm): 1500.0 is outside the allowed range "
         "100 to 1000 mm"),
        ("laminate_temperature_c", 20.0, "Lamination temperature (°C): 20.0 is outside the "
         "allowed range 60 to 200 °C"),
        ("roll_length_m", 1e9, "Roll (coil) length (m): 1000000000.0 is outside the allowed "
         "range 50 to 20000 m"),
    ],
)  # fmt: skip
def test_a_field_out_of_range_is_named_with_label_range_and_value(field, value, words):
    data = lfp().content() | {field: value}
    with pytest.raises(RecipeFileError) as refused:
        parse_json(to_json(Recipe.model_construct(**data)), "r.json")
    assert words in str(refused.value)


def test_formulation_must_sum_to_one():
    with pytest.raises(ValidationError, match="sum to 1"):
        lfp(active_frac=0.9)


def test_an_import_reports_every_bad_field_at_once():
    text = '{"name": "", "areal_mass_target_mg_cm2": 99, "line_speed_m_min": "fast", "colour": 1}'
    with pytest.raises(RecipeFileError) as refused:
        parse_json(text, "bad.json")
    problems = refused.value.problems
    assert len(problems) == 4
    assert any(p.startswith("colour: not a recipe field") for p in problems)
    assert any("Target areal mass" in p and "10 to 50" in p for p in problems)


@pytest.mark.parametrize("text", ["{", "[1]", "[" * 5000, '{"schema_version": 7, "name": "x"}'])
def test_malformed_json_is_a_recipe_file_error(text):
    with pytest.raises(RecipeFileError, match="bad.json"):
        parse_json(text, "bad.json")


def test_a_recipe_the_feeder_cannot_feed_is_refused_with_limit_and_value():
    limits = LimitsSection(feeder_capacity_kg_h={"active": 2000.0, "carbon": 96.0, "binder": 96.0})
    recipe = lfp(areal_mass_target_mg_cm2=50.0, line_speed_m_min=80.0)
    problems = machine_problems(recipe, limits)
    assert problems == [
        "Active material feeder: needs 2212 kg/h for 50 mg/cm² × 1000 mm × 80 m/min; this "
        "machine's feeder tops out at 2000 kg/h"
    ]
    narrow = LimitsSection(max_web_width_mm=600.0)
    assert machine_problems(lfp(), narrow) == [
        "Web width (mm): 1000 is above this machine's 600 mm"
    ]


def test_diff_lists_changed_fields_in_order():
    a, b = lfp(), lfp(line_speed_m_min=40.0, notes="slower")
    assert field_diff(a, b) == [("line_speed_m_min", 50.0, 40.0), ("notes", "", "slower")]
    assert a.content_hash() != b.content_hash() and a.content_hash() == lfp().content_hash()


def test_csv_export_has_one_row_a_field_with_units():
    rows = to_csv(lfp()).splitlines()
    assert rows[0] == "field,label,value,unit"
    assert "areal_mass_target_mg_cm2,Target areal mass,30.0,mg/cm²" in rows


def test_equipment_for_keeps_the_machine_and_takes_the_recipe_settings():
    eq = equipment_for(lfp(laminate_temperature_c=150.0), Equipment(gauge_zones=12))
    assert eq.gauge_zones == 12 and eq.laminate_temperature_c == 150.0
