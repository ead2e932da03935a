"""A recipe against the machine: every breach named with its field, the machine's limit and
the recipe's value, in the words an operator reads."""

from __future__ import annotations

from hmi.core.tags import FEEDERS
from hmi.hardware.limits import LimitsSection
from hmi.recipes.derived import feed_rates
from hmi.recipes.model import Recipe, label

FEEDER_LABELS = {
    "active": "Active material feeder",
    "carbon": "Carbon feeder",
    "binder": "Binder feeder",
}


def machine_problems(
    recipe: Recipe, limits: LimitsSection, trim_width_frac: float = 0.03
) -> list[str]:
    """One line per limit the recipe exceeds; empty when the machine can run it."""
    problems = []
    caps = (
        ("web_width_mm", limits.max_web_width_mm, "mm"),
        ("line_speed_m_min", limits.max_line_speed_m_min, "m/min"),
        ("roll_temperature_c", limits.max_roll_temperature_c, "°C"),
        ("densify_line_load_kn_mm", limits.max_densify_line_load_kn_mm, "kN/mm"),
        ("laminate_line_load_kn_mm", limits.max_laminate_line_load_kn_mm, "kN/mm"),
        ("laminate_temperature_c", limits.max_laminate_temperature_c, "°C"),
    )
    for field, cap, unit in caps:
        value = getattr(recipe, field)
        if value > cap:
            problems.append(f"{label(field)}: {value:g} is above this machine's {cap:g} {unit}")
    _, _, per_feeder = feed_rates(recipe, trim_width_frac)
    for feeder in FEEDERS:
        need, cap = per_feeder[feeder], limits.feeder_capacity_kg_h.get(feeder, 0.0)
        if need > cap:
            problems.append(
                f"{FEEDER_LABELS[feeder]}: needs {need:.0f} kg/h for "
                f"{recipe.areal_mass_target_mg_cm2:g} mg/cm² × {recipe.web_width_mm:g} mm × "
                f"{recipe.line_speed_m_min:g} m/min; this machine's feeder tops out at "
                f"{cap:.0f} kg/h"
            )
    return problems
