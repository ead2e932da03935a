"""The headline cell figures from the profile's [cell] section or, without one, the default for
the recipe's material: values worked out by hand, the assumption text saying which cell was
used, and the section wired from the profile file through build_stack to the screen's view."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from hmi.app import DEFAULT_PROFILE, build_stack, profile_cell
from hmi.hardware.config import CellSection, load_profile
from hmi.quality.kpis import UTILISATION, CellAssumption, SessionFigures, cell_wh_per_m2, headline

# One running hour at 50 m/min on a 1000 mm web less its 3 % edge trim: 2910 m² of electrode,
# 30 mg/cm² at 95 % active, 300 kWh used.
SESSION = SessionFigures(
    running_h=1.0,
    length_m=3000.0,
    area_m2=2910.0,
    energy_kwh=300.0,
    powder_kg=900.0,
    trim_kg=27.0,
    offspec_m=0.0,
    mean_mg_cm2=30.0,
    active_frac=0.95,
    material="LFP",
    gap_3sigma_um={"os": 0.1, "ds": 0.1},
    areal_mass_2sigma_pct=0.8,
    cpk=2.0,
    width_mm=970.0,
)
PROFILE_CELL = CellAssumption(165.0, 3.2, 0.90, 2, source="profile")
CELL_TOML = """
[cell]
specific_capacity_mah_g = 165
cell_voltage_v = 3.2
utilisation_frac = 0.90
coated_sides = 2
"""


def figures(cell: CellAssumption | None, session: SessionFigures = SESSION) -> dict:
    return {k.key: k for k in headline(session, cell)}


def test_without_a_cell_section_the_material_default_is_used_and_said():
    # by hand: 30 mg/cm² × 0.95 × 160 mAh/g × 3.2 V / 100 = 145.92 Wh/m² (one side);
    # 2910 m²/h × 145.92 Wh/m² × 8760 h × 0.85 = 3.16177 GWh a year;
    # 300 kWh / 2910 m² = 0.103093 kWh/m², / 0.14592 kWh/m² = 0.706502 kWh per kWh of cell
    default = CellAssumption(160.0, 3.2)
    assert cell_wh_per_m2(30.0, 0.95, default) == pytest.approx(145.92)
    kpis = figures(None)
    assert kpis["cell_energy_gwh_year"].value == pytest.approx(3.161774, rel=1e-6)
    assert kpis["energy_kwh_per_kwh_cell"].value == pytest.approx(0.706502, rel=1e-5)
    text = kpis["cell_energy_gwh_year"].assumption
    assert text.startswith("default for LFP: 160 mAh/g practical (170 theoretical), 3.2 V cell, "
                           "85 % utilisation, 1 coated side;")  # fmt: skip
    assert "30.00 mg/cm² × active 0.95 → 146 Wh/m²" in text
    per_kwh = kpis["energy_kwh_per_kwh_cell"].assumption
    assert "default for LFP: 160 mAh/g" in per_kwh and "utilisation" not in per_kwh


def test_the_default_follows_the_recipes_material():
    nmc = figures(None, replace(SESSION, material="NMC"))
    # 30 × 0.95 × 190 × 3.65 / 100 = 197.6475 Wh/m²; × 2910 × 8760 × 0.85 / 1e9
    assert nmc["cell_energy_gwh_year"].value == pytest.approx(4.282598, rel=1e-6)
    assert nmc["cell_energy_gwh_year"].assumption.startswith("default for NMC: 190 mAh/g")
    odd = figures(None, replace(SESSION, material="LMFP"))
    assert odd["cell_energy_gwh_year"].value == pytest.approx(3.161774, rel=1e-6)
    assert odd["cell_energy_gwh_year"].assumption.startswith(
        "default for LFP (no default for LMFP): 160 mAh/g"
    )


def test_a_profile_cell_section_replaces_the_default_and_says_so():
    # by hand: 30 × 0.95 × 165 mAh/g × 3.2 V × 2 sides / 100 = 300.96 Wh/m²;
    # 2910 m²/h × 300.96 Wh/m² × 8760 h × 0.90 = 6.904757 GWh a year;
    # 0.103093 kWh/m² / 0.30096 kWh/m² = 0.342546 kWh per kWh of cell
    assert cell_wh_per_m2(30.0, 0.95, PROFILE_CELL) == pytest.approx(300.96)
    kpis = figures(PROFILE_CELL)
    assert kpis["cell_energy_gwh_year"].value == pytest.approx(6.904757, rel=1e-6)
    assert kpis["energy_kwh_per_kwh_cell"].value == pytest.approx(0.342546, rel=1e-5)
    text = kpis["cell_energy_gwh_year"].assumption
    assert text.startswith("profile: 165 mAh/g, 3.2 V cell, 90 % utilisation, 2 coated sides;")
    assert "→ 301 Wh/m²" in text
    assert kpis["energy_kwh_per_kwh_cell"].assumption.startswith(
        "this line only; profile: 165 mAh/g, 3.2 V cell, 2 coated sides;"
    )
    # figures that do not depend on the cell stay as they were
    assert kpis["energy_kwh_m2"].value == figures(None)["energy_kwh_m2"].value
    assert kpis["throughput_m2_h"].value == pytest.approx(2910.0)


def test_no_areal_mass_yet_means_no_cell_figures():
    kpis = figures(PROFILE_CELL, replace(SESSION, mean_mg_cm2=math.nan))
    assert kpis["cell_energy_gwh_year"].text == "—"
    assert kpis["energy_kwh_per_kwh_cell"].text == "—"
    assert "Wh/m²" not in kpis["cell_energy_gwh_year"].assumption


def test_the_section_defaults_are_the_kpis_defaults():
    section = CellSection(specific_capacity_mah_g=160.0, cell_voltage_v=3.2)
    assert section.utilisation_frac == UTILISATION and section.coated_sides == 1


def test_the_profile_cell_reaches_the_headline_figures_through_build_stack(tmp_path):
    path = tmp_path / "with-cell.toml"
    path.write_text(DEFAULT_PROFILE.read_text(encoding="utf-8") + CELL_TOML, encoding="utf-8")
    assert profile_cell(load_profile(DEFAULT_PROFILE)) is None  # the shipped one has none
    assert profile_cell(load_profile(path)) == PROFILE_CELL
    stack = build_stack(path, tmp_path / "data", simulated=True, history=False)
    try:
        stack.runtime.run_for(20.0)  # two gauge passes: the figures are published
        kpis = {k.key: k for k in stack.quality.view().kpis}
    finally:
        stack.close()
    gwh = kpis["cell_energy_gwh_year"]
    assert gwh.assumption.startswith("profile: 165 mAh/g, 3.2 V cell, 90 % utilisation")
    mean = float(gwh.assumption.split(" mg/cm²")[0].rsplit(" ", 1)[1])
    wh_m2 = mean * 0.95 * 165 * 3.2 * 2 / 100
    m2_h = kpis["throughput_m2_h"].value
    assert gwh.value == pytest.approx(m2_h * wh_m2 * 8760 * 0.90 / 1e9, rel=1e-3)


def test_a_roll_report_names_alarms_in_the_operators_words():
    from hmi.alarms import load_definitions
    from hmi.quality.report import alarm_texts

    messages = {d.name: d.message for d in load_definitions()}
    texts = alarm_texts(["feeder_binder_bridging", "areal_mass_out_of_tolerance"])
    assert texts == [messages["feeder_binder_bridging"], messages["areal_mass_out_of_tolerance"]]
    assert all("_" not in t for t in texts)
    assert alarm_texts(["retired_alarm"]) == ["retired_alarm"]  # a name no longer defined
