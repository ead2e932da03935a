"""Downstream of the gauge: densification nip and lamination onto the current collector.

Areal mass does not change after nip 1; only porosity and thickness do. Each stage applies the
same compaction law as nip 1 at its own line load q (kN/mm), and a film can only get denser:

    ε_load = min(ε_in, ε_min + (ε0 − ε_min)·exp(−q/γ)),   h_out = m / (ρ_true·(1 − ε_load)·0.1)
    relaxed: h = h_out·(1 + springback),  ε_out = 1 − (1 − ε_load)/(1 + springback)

* Densification nip: q = `densify_line_load_kn_mm` (default 1.0) at the nip-1 roll
  temperature, γ of the powder.
* Lamination onto Al (cathode materials) or Cu (graphite) foil at q = `laminate_line_load_kn_mm`
  (0.2–4, default 1.0) and T = `laminate_temperature_c` (60–200, default 120 °C): hot PTFE
  compacts more easily, γ_T = γ / (1 + c·max(0, T − T_roll)) (c default 0.005 /K).

Reported: coating thickness and density (ρ = m / (h·0.1) in g/cm³) and the electrode thickness
= coating + foil (Al 15 µm, Cu 8 µm; single-sided coating).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import exp

from hmi.plant.equipment import Equipment
from hmi.plant.materials import Material
from hmi.plant.units import MG_CM2_PER_G_CM3_UM


@dataclass(frozen=True, slots=True)
class Electrode:
    """The finished electrode for one film (per unit area; see the module docstring)."""

    areal_mass_mg_cm2: float
    densified_porosity: float
    densified_thickness_um: float
    porosity: float
    coating_thickness_um: float
    coating_density_g_cm3: float
    foil_thickness_um: float
    electrode_thickness_um: float


def compact(material: Material, eps_in: float, q_kn_mm: float, gamma_kn_mm: float) -> float:
    """ε under load q: min(ε_in, ε_min + (ε0 − ε_min)·exp(−q/γ))."""
    eps = material.eps_min + (material.eps0 - material.eps_min) * exp(-q_kn_mm / gamma_kn_mm)
    return eps if eps < eps_in else eps_in


def relax(material: Material, areal_mass_mg_cm2: float, eps_load: float) -> tuple[float, float]:
    """Relaxed (thickness µm, porosity) after a nip that held the film at ε_load."""
    solid = 1.0 - eps_load
    sb1 = 1.0 + material.springback_frac
    h = areal_mass_mg_cm2 / (material.true_density_g_cm3 * solid * MG_CM2_PER_G_CM3_UM)
    return h * sb1, 1.0 - solid / sb1


def finish(
    material: Material,
    equipment: Equipment,
    areal_mass_mg_cm2: float,
    film_porosity: float,
    gamma_kn_mm: float | None = None,
) -> Electrode:
    """Densify and laminate a film of `areal_mass_mg_cm2` arriving at relaxed `film_porosity`."""
    eq = equipment
    gamma = material.gamma_kn_mm if gamma_kn_mm is None else gamma_kn_mm
    m = areal_mass_mg_cm2
    eps2 = compact(material, film_porosity, eq.densify_line_load_kn_mm, gamma)
    h2, eps2_out = relax(material, m, eps2)
    hot = max(0.0, eq.laminate_temperature_c - eq.roll_temperature_c)
    gamma_t = gamma / (1.0 + eq.laminate_softening_per_k * hot)
    eps3 = compact(material, eps2_out, eq.laminate_line_load_kn_mm, gamma_t)
    h3, eps3_out = relax(material, m, eps3)
    foil = eq.foil_al_thickness_um if material.foil == "Al" else eq.foil_cu_thickness_um
    return Electrode(
        areal_mass_mg_cm2=m,
        densified_porosity=eps2_out,
        densified_thickness_um=h2 if m > 0.0 else 0.0,
        porosity=eps3_out,
        coating_thickness_um=h3 if m > 0.0 else 0.0,
        coating_density_g_cm3=m / (h3 * MG_CM2_PER_G_CM3_UM) if m > 0.0 else 0.0,
        foil_thickness_um=foil,
        electrode_thickness_um=(h3 if m > 0.0 else 0.0) + foil,
    )
