"""Powder materials: densities, compaction law parameters, formulation, nip intake.

Compaction law (Meyer/Kwade form) used by the nip, with q the line load in kN/mm:

    ε(q) = ε_min + (ε0 − ε_min) · exp(−q / γ)

Nip intake at a full bank: m0 [mg/cm²] = c_intake · ρ_bulk [g/cm³] · S_eff [µm] · 0.1.

Springback: the film leaving a nip relaxes elastically, thickness_out = h · (1 + springback_frac)
at unchanged areal mass (LFP 3 %, NMC 2.5 %: hard particles store less strain than the PTFE
network around them; graphite 4 %: flakes recover more). The PTFE content is
`fraction_binder` (fibrillates in the mixer above ~19 °C, see mixer.py).

The LFP preset is the calibrated one: c_intake = 3.95 gives 30 mg/cm² at an ~80 µm unloaded
gap with the bank intake factor φ ≈ 0.95 (bank at 3 × the intake scale). The NMC and graphite
presets use literature-typical densities and porosities; their c_intake and γ are plausible
placeholders, not fitted to a line.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import exp

from hmi.core.tags import FEEDERS


@dataclass(frozen=True, slots=True)
class Material:
    """One dry-electrode powder mix.

    true_density_g_cm3: skeletal density of the composite (ρ_true).
    eps0: porosity of the powder as it enters the nip with no load (ε0).
    eps_min: porosity approached at infinite line load (ε_min).
    gamma_kn_mm: compaction resistance γ, the line load in kN/mm that closes 63 % of ε0 − ε_min.
    bulk_density_g_cm3: poured density of the powder in the bank (ρ_bulk).
    fraction_active/carbon/binder: mass fractions of the formulation, summing to 1.
    intake_coefficient: c_intake, film mass drawn in per unit of ρ_bulk · S_eff.
    springback_frac: elastic recovery of the film thickness after a nip (default 0.03).
    foil: current collector it is laminated onto, "Al" (cathode) or "Cu" (anode).
    """

    name: str
    true_density_g_cm3: float
    eps0: float
    eps_min: float
    gamma_kn_mm: float
    bulk_density_g_cm3: float
    fraction_active: float
    fraction_carbon: float
    fraction_binder: float
    intake_coefficient: float
    springback_frac: float = 0.03
    foil: str = "Al"

    def __post_init__(self) -> None:
        if not 0.0 <= self.springback_frac < 0.5:
            raise ValueError(f"{self.name}: need 0 <= springback_frac < 0.5")
        if self.foil not in ("Al", "Cu"):
            raise ValueError(f"{self.name}: foil must be 'Al' or 'Cu'")
        if not 0.0 <= self.eps_min < self.eps0 < 1.0:
            raise ValueError(f"{self.name}: need 0 <= eps_min < eps0 < 1")
        for field_name in (
            "true_density_g_cm3",
            "gamma_kn_mm",
            "bulk_density_g_cm3",
            "intake_coefficient",
        ):
            if not getattr(self, field_name) > 0.0:
                raise ValueError(f"{self.name}: {field_name} must be > 0")
        fractions = (self.fraction_active, self.fraction_carbon, self.fraction_binder)
        if min(fractions) < 0.0 or abs(sum(fractions) - 1.0) > 1e-9:
            raise ValueError(f"{self.name}: formulation fractions must be >= 0 and sum to 1")

    @property
    def fractions(self) -> dict[str, float]:
        """Mass fraction per feeder name ("active", "carbon", "binder")."""
        values = (self.fraction_active, self.fraction_carbon, self.fraction_binder)
        return dict(zip(FEEDERS, values, strict=True))

    def porosity(self, q_kn_mm: float) -> float:
        """ε(q) = ε_min + (ε0 − ε_min) · exp(−q/γ), q the line load in kN/mm (q ≥ 0)."""
        return self.eps_min + (self.eps0 - self.eps_min) * exp(
            -max(q_kn_mm, 0.0) / self.gamma_kn_mm
        )


LFP = Material(
    name="LFP",
    true_density_g_cm3=3.6,
    eps0=0.55,
    eps_min=0.25,
    gamma_kn_mm=0.15,
    bulk_density_g_cm3=1.0,
    fraction_active=0.95,
    fraction_carbon=0.03,
    fraction_binder=0.02,
    intake_coefficient=3.95,  # 30 mg/cm² / (0.950 · 1.0 g/cm³ · 80 µm · 0.1)
    springback_frac=0.03,
)

NMC = Material(
    name="NMC",
    true_density_g_cm3=4.5,  # NMC811 4.75 diluted by 2 % carbon, 2 % PTFE
    eps0=0.55,
    eps_min=0.22,
    gamma_kn_mm=0.30,  # harder particles than LFP
    bulk_density_g_cm3=1.8,
    fraction_active=0.96,
    fraction_carbon=0.02,
    fraction_binder=0.02,
    intake_coefficient=3.5,  # ~48 mg/cm² at 80 µm
    springback_frac=0.025,
)

GRAPHITE = Material(
    name="graphite",
    true_density_g_cm3=2.2,
    eps0=0.60,
    eps_min=0.28,
    gamma_kn_mm=0.08,  # soft, compacts easily
    bulk_density_g_cm3=0.75,
    fraction_active=0.96,
    fraction_carbon=0.01,
    fraction_binder=0.03,
    intake_coefficient=4.0,  # ~23 mg/cm² at 80 µm, ~16 mg/cm² at 56 µm
    springback_frac=0.04,
    foil="Cu",
)

MATERIALS: dict[str, Material] = {m.name: m for m in (LFP, NMC, GRAPHITE)}
