"""Unit conversions the plant model uses, each written out once.

* Areal mass from density and thickness: 1 g/cm³ × 1 µm = 1e-4 g/cm² = 0.1 mg/cm².
* Areal mass to mass per area: 1 mg/cm² = 0.01 kg/m².
* Film mass flow: flow [kg/h] = 0.6 · m [mg/cm²] · W [m] · v [m/min]
  (0.01 kg/m² per mg/cm² × 60 min/h).
"""

from __future__ import annotations

MG_CM2_PER_G_CM3_UM = 0.1
"""Areal mass in mg/cm² of a layer 1 µm thick at 1 g/cm³."""

KG_M2_PER_MG_CM2 = 0.01
"""Mass per area in kg/m² of 1 mg/cm²."""

KG_H_PER_MG_CM2_M_M_MIN = 0.6
"""Film flow in kg/h of 1 mg/cm² × 1 m width × 1 m/min."""


def film_flow_kg_h(areal_mass_mg_cm2: float, width_m: float, speed_m_min: float) -> float:
    """Mass flow of a film: 0.6 · m [mg/cm²] · W [m] · v [m/min] in kg/h."""
    return KG_H_PER_MG_CM2_M_M_MIN * areal_mass_mg_cm2 * width_m * speed_m_min


def film_areal_mass_mg_cm2(flow_kg_h: float, width_m: float, speed_m_min: float) -> float:
    """Areal mass of a film carrying `flow_kg_h`: flow / (0.6 · W · v); 0 when W·v is 0."""
    area_rate = KG_H_PER_MG_CM2_M_M_MIN * width_m * speed_m_min
    return flow_kg_h / area_rate if area_rate > 0.0 else 0.0
