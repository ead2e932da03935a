"""The line's headline figures, each with the assumptions it rests on and, where one exists, the
public reference it can be compared with (docs/quality.md has the sources in full).

Figures come from `SessionTotals` (monitor.py), folded in while the HMI runs:
- gap accuracy per side: |mean| + 3σ of (gap actuator position − its setpoint) while the line
  runs — the positioning accuracy the ±1 µm claim is about (the scenario runs measure the gap
  the film sees, from the plant's true state: `hmi sim run`'s gap_error_3sigma_um);
- areal-mass consistency: 2σ of every gauge zone reading in % of target, and Cpk;
- throughput: m² of electrode (web width, trim off) per running hour, and the equivalent cell
  energy per year: m²/h × Wh/m² × 8760 h × utilisation, the cell (capacity, voltage,
  utilisation, coated sides) from the profile's [cell] section or, without one, the default
  for the recipe's material — the assumption text says which;
- energy: kWh per m² made (the line's drives, heaters and mixer; standby heat included) and
  per kWh of cell capacity;
- material yield: electrode kept (area × mean areal mass, off-spec film taken out) against the
  powder fed; trim recycled to the feed as a share of it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

HOURS_PER_YEAR = 8760.0
UTILISATION = 0.85  # share of the year a line makes electrode (assumption, stated on screen)


@dataclass(frozen=True, slots=True)
class CellAssumption:
    """What one m² of this electrode is worth in a cell: the profile's `[cell]` section
    (hmi/hardware/config.py, `CellSection`) or, without one, the default for the recipe's
    material (`CELLS`)."""

    specific_capacity_mah_g: float  # of the active material, practical
    cell_voltage_v: float  # nominal, of the cell it goes into
    utilisation_frac: float = UTILISATION  # share of the year the line makes electrode
    coated_sides: int = 1  # sides of the foil carrying a film of the measured areal mass
    source: str = "profile"  # said first in the assumption text: "profile", "default for LFP"
    capacity_note: str = ""  # e.g. "practical (170 theoretical)"

    def describe(self, *, utilisation: bool = True) -> str:
        """e.g. "profile: 165 mAh/g, 3.2 V cell, 90 % utilisation, 2 coated sides"."""
        capacity = f"{self.specific_capacity_mah_g:g} mAh/g"
        if self.capacity_note:
            capacity += f" {self.capacity_note}"
        parts = [capacity, f"{self.cell_voltage_v:g} V cell"]
        if utilisation:
            parts.append(f"{self.utilisation_frac * 100:.3g} % utilisation")
        sides = self.coated_sides
        parts.append("1 coated side" if sides == 1 else f"{sides} coated sides")
        return f"{self.source}: " + ", ".join(parts)


# Practical capacities of the active material and the nominal voltage of a cell built on it:
# textbook values (theoretical LFP 170 mAh/g, graphite 372 mAh/g), not a cell design's. A line
# states its cell design's figures in the profile's [cell] section (docs/quality.md).
CELLS: dict[str, CellAssumption] = {
    "LFP": CellAssumption(160.0, 3.2, source="default for LFP",
                          capacity_note="practical (170 theoretical)"),
    "NMC": CellAssumption(190.0, 3.65, source="default for NMC",
                          capacity_note="practical (NMC 811 to 4.2 V)"),
    "graphite": CellAssumption(350.0, 3.6, source="default for graphite",
                               capacity_note="practical (372 theoretical)"),
}  # fmt: skip


def default_cell(material: str) -> CellAssumption:
    """The cell assumed for a recipe's material when the profile has no [cell] section (an
    unknown material: LFP's, and the text says so)."""
    found = CELLS.get(material)
    if found is not None:
        return found
    lfp = CELLS["LFP"]
    return CellAssumption(
        lfp.specific_capacity_mah_g,
        lfp.cell_voltage_v,
        source=f"default for LFP (no default for {material or 'no material'})",
        capacity_note=lfp.capacity_note,
    )


# Public wet-coating references (see docs/quality.md for the full citations and caveats).
REF_CELL_KWH_PER_KWH = (20.3, 37.5)  # whole cell production, today's (wet) processes
REF_CELL_SOURCE = (
    "Degen et al., Nature Energy 8 (2023) 1284: 20.3–37.5 kWh per kWh of cell, whole cell "
    "production with wet coating (drying and dry rooms the largest part) — the whole factory, "
    "not one electrode line: scale only"
)
CLAIM_ENERGY = "claim: > 35 % less energy than wet coating (no public per-m² wet figure shown)"


def cell_wh_per_m2(areal_mass_mg_cm2: float, active_frac: float, cell: CellAssumption) -> float:
    """Cell energy one m² of electrode carries: mg/cm² × active fraction × mAh/g × V × sides.

    1 mg/cm² = 10 g/m²; mAh × V = mWh; so Wh/m² = m × f × q × V × n × 10 / 1000.
    """
    return (
        areal_mass_mg_cm2
        * active_frac
        * cell.specific_capacity_mah_g
        * cell.cell_voltage_v
        * cell.coated_sides
        / 100.0
    )


@dataclass(frozen=True, slots=True)
class Kpi:
    key: str  # OPC UA / JSON name, units in it
    label: str
    value: float | None
    unit: str
    assumption: str
    reference: str = ""
    decimals: int = 2

    @property
    def text(self) -> str:
        if self.value is None or not math.isfinite(self.value):
            return "—"
        return f"{self.value:.{self.decimals}f} {self.unit}".strip()


@dataclass(frozen=True, slots=True)
class SessionFigures:
    """The totals the KPIs are computed from."""

    running_h: float
    length_m: float
    area_m2: float
    energy_kwh: float
    powder_kg: float
    trim_kg: float
    offspec_m: float
    mean_mg_cm2: float
    active_frac: float
    material: str
    gap_3sigma_um: dict[str, float]
    areal_mass_2sigma_pct: float
    cpk: float | None
    width_mm: float


# key -> (label, unit): the figures headline() returns, for an address space built before any
KPI_UNITS: dict[str, tuple[str, str]] = {
    "gap_accuracy_os_um": ("GapAccuracyOS", "µm"),
    "gap_accuracy_ds_um": ("GapAccuracyDS", "µm"),
    "areal_mass_2sigma_pct": ("ArealMass2Sigma", "%"),
    "areal_mass_cpk": ("ArealMassCpk", ""),
    "throughput_m2_h": ("Throughput", "m²/h"),
    "cell_energy_gwh_year": ("CellEnergyPerYear", "GWh/year"),
    "energy_kwh_m2": ("EnergyPerArea", "kWh/m²"),
    "energy_kwh_per_kwh_cell": ("EnergyPerCellEnergy", "kWh/kWh"),
    "material_yield_pct": ("MaterialYield", "%"),
    "trim_recycled_pct": ("TrimRecycled", "%"),
}


def _div(a: float, b: float) -> float | None:
    return a / b if b > 0 and math.isfinite(a) else None


def headline(s: SessionFigures, cell: CellAssumption | None = None) -> list[Kpi]:
    """The figures; `cell` is the profile's cell (None: the default for the recipe's material)."""
    cell = cell if cell is not None else default_cell(s.material)
    wh_m2 = cell_wh_per_m2(s.mean_mg_cm2, s.active_frac, cell) if s.mean_mg_cm2 > 0 else math.nan
    m2_h = _div(s.area_m2, s.running_h)
    gwh_year = (
        m2_h * wh_m2 * HOURS_PER_YEAR * cell.utilisation_frac / 1e9
        if m2_h is not None and math.isfinite(wh_m2)
        else None
    )
    kwh_m2 = _div(s.energy_kwh, s.area_m2)
    kwh_per_kwh = kwh_m2 / (wh_m2 / 1000.0) if kwh_m2 is not None and wh_m2 > 0 else None
    good_m2 = max(0.0, s.area_m2 - s.offspec_m * s.width_mm / 1000.0)
    kept_kg = good_m2 * s.mean_mg_cm2 * 0.01 if s.mean_mg_cm2 > 0 else math.nan
    yield_pct = _div(kept_kg * 100.0, s.powder_kg)
    trim_pct = _div(s.trim_kg * 100.0, s.powder_kg)
    per_m2 = f"{s.mean_mg_cm2:.2f} mg/cm² × active {s.active_frac:.2f}"
    if math.isfinite(wh_m2):
        per_m2 += f" → {wh_m2:.0f} Wh/m²"
    gap = "effective-gap positioning: |mean| + 3σ of actuator position − setpoint, line running"
    return [
        Kpi("gap_accuracy_os_um", "Gap accuracy, operator side", s.gap_3sigma_um.get("os"),
            "µm", gap, "claim: ±1 µm roll gap adjustment accuracy"),
        Kpi("gap_accuracy_ds_um", "Gap accuracy, drive side", s.gap_3sigma_um.get("ds"),
            "µm", gap, "claim: ±1 µm roll gap adjustment accuracy"),
        Kpi("areal_mass_2sigma_pct", "Areal-mass consistency (2σ)", s.areal_mass_2sigma_pct,
            "%", "every gauge zone reading, CD and MD, % of target", ""),
        Kpi("areal_mass_cpk", "Areal-mass Cpk", s.cpk, "",
            "within-scan σ against the recipe's tolerance", "Cpk ≥ 1.33: capable", 2),
        Kpi("throughput_m2_h", "Throughput", m2_h, "m²/h",
            "electrode kept (web width less the edge trim) per running hour", "", 0),
        Kpi("cell_energy_gwh_year", "Equivalent cell energy", gwh_year, "GWh/year",
            f"{cell.describe()}; {per_m2}; 8760 h a year",
            "claim: 5–8 GWh a year from one line", 2),
        Kpi("energy_kwh_m2", "Energy per m²", kwh_m2, "kWh/m²",
            "drives, heaters and mixer of this line, standby heat included", CLAIM_ENERGY, 3),
        Kpi("energy_kwh_per_kwh_cell", "Energy per kWh of cell", kwh_per_kwh, "kWh/kWh",
            f"this line only; {cell.describe(utilisation=False)}; {per_m2}",
            REF_CELL_SOURCE, 3),
        Kpi("material_yield_pct", "Material yield", yield_pct, "%",
            "electrode kept (in-spec area × mean areal mass) / powder fed", "", 1),
        Kpi("trim_recycled_pct", "Trim recycled", trim_pct, "%",
            "edge trim returned to the feed / powder fed", "", 1),
    ]  # fmt: skip
