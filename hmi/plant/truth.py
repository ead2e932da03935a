"""The line's true state, read-only, for statistics and tests (never what a sensor shows).

Per-side values are at the web edges (ξ = 0 for OS, 1 for DS), where the bending term is 0:
`effective_gap_um`, `nip_areal_mass_mg_cm2`, `film_thickness_um`. Forces and porosities are
per half width (what each side's cylinder carries). Width means include the bending bulge.

Mass balance (`mass_balance()`): feed + recycle in = film kept + trim + Δ(hold-ups), the
hold-ups being mixer, conveyor, bank, transport (film between nip and knife) and recycle loop;
equivalently feed = kept film + Δ(all hold-ups) with the trim loop inside the boundary.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from hmi.core.tags import SIDES
from hmi.plant.downstream import Electrode, finish
from hmi.plant.mixer import PTFE_FIBRILLATION_C
from hmi.plant.profile import half_means, mean_thickness_um, width_mean

if TYPE_CHECKING:
    from hmi.plant.line import Line

    _Base = Line
else:
    _Base = object


class LineTruth(_Base):
    """Mixin of `Line`: true state as properties (see the module docstring)."""

    # Drive, gaps, rolls --------------------------------------------------------------------
    @property
    def line_speed_m_min(self) -> float:
        return self.drive.speed_m_min

    @property
    def effective_gap_um(self) -> dict[str, float]:
        """Unloaded gap the film sees at each edge: actuator position + null shift + thermal
        growth + eccentricity (bending is 0 at the edges), ≥ 0."""
        return {"os": self._s_os, "ds": self._s_ds}

    @property
    def gap_setpoint_um(self) -> dict[str, float]:
        """Actuator setpoint per side, as last commanded."""
        return {"os": self._sp_os, "ds": self._sp_ds}

    @property
    def gap_position_um(self) -> dict[str, float]:
        """True actuator position per side (what the sensor would read without drift)."""
        return {s: self.gap_actuators[s].position_um for s in SIDES}

    @property
    def gap_sensor_drift_um(self) -> dict[str, float]:
        """Accumulated drift of the gap position readings."""
        return {"os": self._drift_os, "ds": self._drift_ds}

    @property
    def roll_temperature_c(self) -> float:
        return self.rolls.temperature_c

    @property
    def thermal_gap_um(self) -> float:
        """Gap change from roll thermal growth now (negative: the gap closes)."""
        return self.rolls.thermal_gap_um

    @property
    def eccentricity_gap_um(self) -> float:
        return self.rolls.eccentricity_gap_um

    @property
    def roll_angle_rad(self) -> float:
        """Roll angle in [0, 2π), integrated from the surface speed."""
        return self.rolls.angle_rad

    @property
    def roll_force_kn(self) -> dict[str, float]:
        return {s: self.nip[s].force_kn for s in SIDES}

    @property
    def porosity(self) -> dict[str, float]:
        """Porosity of each half in the nip (under load)."""
        return {s: self.nip[s].porosity for s in SIDES}

    # Powder path ---------------------------------------------------------------------------
    @property
    def mixer_holdup_kg(self) -> float:
        return self.mixer.holdup_kg

    @property
    def conveyor_holdup_kg(self) -> float:
        return self.conveyor.holdup_kg

    @property
    def recycle_holdup_kg(self) -> float:
        return self.recycle.holdup_kg

    @property
    def nip_bulk_density_rel(self) -> float:
        """Bulk density of the powder in the bank, relative to the material's."""
        return self.powder.bulk_density_rel

    @property
    def nip_gamma_rel(self) -> float:
        """Compaction resistance γ of the powder in the bank, relative to the material's."""
        return self.powder.gamma_rel

    @property
    def mixer_temperature_c(self) -> float:
        return self.mixer_heat.temperature_c

    @property
    def fibrillating(self) -> bool:
        """PTFE fibrillates: the mix is above ~19 °C."""
        return self.mixer_heat.temperature_c > PTFE_FIBRILLATION_C

    @property
    def shear_energy_kwh_kg(self) -> float:
        return self.mixer_heat.shear_energy_kwh_kg

    @property
    def recycle_flow_kg_h(self) -> float:
        """Trim flow being cut now (kg/h) at the present speed and film at the knife."""
        r = self.transport.at_gauge()
        tw = self.cd.trim_w
        per_mg = 0.6 * self.equipment.width_m * self.drive.speed_m_min
        return (r[0] * tw[0] + r[1] * tw[1] + r[2] * tw[2]) * per_mg

    # Film at the nip -----------------------------------------------------------------------
    @property
    def nip_areal_mass_mg_cm2(self) -> dict[str, float]:
        """True film areal mass leaving the nip at each edge."""
        return {"os": self._record[0], "ds": self._record[1]}

    @property
    def nip_areal_mass_mean_mg_cm2(self) -> float:
        """Width mean of the film leaving the nip, bending bulge included."""
        return width_mean(self._record)

    @property
    def film_thickness_um(self) -> dict[str, float]:
        """Relaxed (after springback) film thickness leaving the nip at each edge."""
        r = self._record
        return {
            "os": r[0] / r[3] if r[3] > 0.0 else 0.0,
            "ds": r[1] / r[4] if r[4] > 0.0 else 0.0,
        }

    @property
    def nip_thickness_um(self) -> dict[str, float]:
        """Film thickness in the nip per half (gaugemeter h = S + F/M, before springback)."""
        return {s: self.nip[s].thickness_um for s in SIDES}

    # At the gauge --------------------------------------------------------------------------
    def true_gauge_zones_mg_cm2(self) -> np.ndarray:
        """True areal mass of every gauge zone (OS → DS) of the web now at the gauge."""
        return self.cd.zones_mg_cm2(self.transport.at_gauge())

    def true_gauge_thickness_zones_um(self) -> np.ndarray:
        return self.cd.zones_thickness_um(self.transport.at_gauge())

    @property
    def true_areal_mass_at_gauge_mg_cm2(self) -> float:
        """Width mean of the web now at the gauge."""
        return width_mean(self.transport.at_gauge())

    @property
    def true_thickness_at_gauge_um(self) -> float:
        """Width mean relaxed thickness of the web now at the gauge."""
        return mean_thickness_um(self.transport.at_gauge())

    @property
    def gauge_profile_mg_cm2(self) -> np.ndarray:
        """Latest gauge reading of every zone (noisy, subject to gauge faults)."""
        return self.gauge.profile_mg_cm2

    @property
    def gauge_edge_os_mg_cm2(self) -> float:
        return self.gauge.edge_os_mg_cm2

    @property
    def gauge_edge_ds_mg_cm2(self) -> float:
        return self.gauge.edge_ds_mg_cm2

    @property
    def electrode(self) -> Electrode:
        """The finished electrode made from the web now at the gauge (densified, laminated)."""
        r = self.transport.at_gauge()
        m = width_mean(r)
        h = mean_thickness_um(r)
        rho01 = self.material.true_density_g_cm3 * 0.1
        eps = 1.0 - m / (rho01 * h) if h > 0.0 else self.material.eps0
        gamma = self.material.gamma_kn_mm * self.nip_gamma_rel
        return finish(self.material, self.equipment, m, eps, gamma)

    # Energy and mass balance ---------------------------------------------------------------
    @property
    def energy_kwh(self) -> float:
        return self.energy.energy_kwh

    @property
    def power_kw(self) -> float:
        return self.energy.power_kw

    @property
    def energy_kwh_per_m2(self) -> float:
        """kWh per m² of electrode made (kept width), counting the energy used while the web
        moves: a standing line (rolls kept hot) makes no m², and its standby energy
        (`standby_kwh`) does not raise the figure; 0 before any is made."""
        area = self.electrode_area_m2
        return self.energy.production_kwh / area if area > 0.0 else 0.0

    @property
    def standby_kwh(self) -> float:
        """Energy used while the web stood (heaters, mixer, idle drives)."""
        return self.energy.energy_kwh - self.energy.production_kwh

    @property
    def scrap_powder_kg(self) -> float:
        """Powder sent to the scrap bin: diverted by the reject gate plus spilled."""
        return self.diverted_total_kg + self.spilled_total_kg

    @property
    def transport_holdup_kg(self) -> float:
        """Film on the web between the nip and the knife (sum over the transport cells)."""
        kg = 0.01 * self.equipment.width_m
        return self.transport.total(lambda r: width_mean(r) * kg)

    @property
    def kept_film_total_kg(self) -> float:
        return self.passed_total_kg - self.trim_total_kg

    def holdups_kg(self) -> dict[str, float]:
        return {
            "mixer": self.mixer.holdup_kg,
            "conveyor": self.conveyor.holdup_kg,
            "bank": self.bank_mass_kg,
            "transport": self.transport_holdup_kg,
            "recycle": self.recycle.holdup_kg,
        }

    def mass_balance(self) -> dict[str, float]:
        """Totals since the start (kg) and the hold-ups now: feed, recycle_in, kept, trim,
        film (drawn at the nip) and each hold-up."""
        return {
            "feed": self.feed_total_kg,
            "recycle_in": self.recycle_in_total_kg,
            "kept": self.kept_film_total_kg,
            "trim": self.trim_total_kg,
            "film": self.film_total_kg,
            **self.holdups_kg(),
        }

    def side_half_means_mg_cm2(self) -> tuple[float, float]:
        """Areal mass averaged over the OS half and the DS half of the film at the nip."""
        return half_means(self._record)
