"""Values a recipe implies, computed from the plant model — never typed by anyone.

* Nip intake (kg/h) = m · 0.01 kg/m² per mg/cm² · W (m) · v (m/min) · 60: the film nip 1 makes.
* Fresh feed (kg/h) = nip intake · (1 − f_trim): the edge trim f_trim returns to the mixer, so
  at steady state the feeders supply only the electrode kept; per feeder × its fraction.
* Electrode throughput (m²/h) = W · (1 − f_trim) · v · 60.
* Coating thickness (µm): the plant's densification and lamination (plant/downstream.py) of the
  steady film at this areal mass, material, loads and temperatures.
* Energy per m² (kWh/m²): the plant's power at the steady state over the throughput.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from hmi.core.tags import FEEDERS
from hmi.plant import MATERIALS, Equipment, Line
from hmi.recipes.model import Recipe

KG_M2_PER_MG_CM2 = 0.01


@dataclass(frozen=True, slots=True)
class Derived:
    nip_intake_kg_h: float
    fresh_feed_kg_h: float
    feeder_kg_h: dict[str, float]
    throughput_m2_h: float
    coating_thickness_um: float
    electrode_thickness_um: float
    energy_kwh_m2: float | None


def equipment_for(recipe: Recipe, base: Equipment | None = None) -> Equipment:
    """The machine running this recipe: `base` with the recipe's width, loads, temperatures
    and hopper levels."""
    return dataclasses.replace(
        base or Equipment(),
        width_mm=recipe.web_width_mm,
        roll_temperature_c=recipe.roll_temperature_c,
        densify_line_load_kn_mm=recipe.densify_line_load_kn_mm,
        laminate_line_load_kn_mm=recipe.laminate_line_load_kn_mm,
        laminate_temperature_c=recipe.laminate_temperature_c,
        hopper_refill_request_frac=recipe.hopper_refill_request_frac,
        hopper_refill_complete_frac=recipe.hopper_refill_complete_frac,
    )


def feed_rates(recipe: Recipe, trim_width_frac: float) -> tuple[float, float, dict[str, float]]:
    """(nip intake, fresh feed, per feeder) in kg/h — the mass balance of the module doc."""
    intake = (
        recipe.areal_mass_target_mg_cm2
        * KG_M2_PER_MG_CM2
        * (recipe.web_width_mm / 1000.0)
        * recipe.line_speed_m_min
        * 60.0
    )
    fresh = intake * (1.0 - trim_width_frac)
    return intake, fresh, {f: fresh * recipe.formulation[f] for f in FEEDERS}


def derive(recipe: Recipe, base: Equipment | None = None, *, energy: bool = True) -> Derived:
    eq = equipment_for(recipe, base)
    intake, fresh, per_feeder = feed_rates(recipe, eq.trim_width_frac)
    throughput = eq.kept_width_m * recipe.line_speed_m_min * 60.0
    material = dataclasses.replace(
        MATERIALS[recipe.material],
        fraction_active=recipe.active_frac,
        fraction_carbon=recipe.carbon_frac,
        fraction_binder=recipe.binder_frac,
    )
    line = Line.at_steady_state(
        material, eq, recipe.areal_mass_target_mg_cm2, recipe.line_speed_m_min
    )
    electrode = line.electrode
    coating, total = electrode.coating_thickness_um, electrode.electrode_thickness_um
    kwh_m2 = None
    if energy and throughput > 0:
        line.step(1.0, line.steady_commands())
        kwh_m2 = line.energy.power_kw / throughput
    return Derived(intake, fresh, per_feeder, throughput, coating, total, kwh_m2)
