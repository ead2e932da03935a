"""The machine: nip geometry and stiffness, actuators, drives, feeders, mixer, gauges, energy.

Every default below is a round, plausible value for a 1 m wide dry-electrode calender; the
docstring of `Equipment` gives each field's meaning and why that value. All fields are flat
numbers (or per-feeder dicts) so a hardware profile or a scenario can override any of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from hmi.core.tags import FEEDERS
from hmi.plant.equipment_limits import equipment_problems


def _hoppers() -> dict[str, float]:
    # Active carries ~95 % of the mass: 300 kg lasts ~50 min at 360 kg/h (30 mg/cm², 20 m/min).
    return {"active": 300.0, "carbon": 40.0, "binder": 40.0}


def _feed_factors() -> dict[str, float]:
    # kg per screw revolution (empty hopper, nominal bulk density): the active screw turns
    # ~26 rpm at 342 kg/h and ~170 rpm at 2300 kg/h (50 mg/cm², 80 m/min); carbon and PTFE
    # screws turn 15–140 rpm over the same range.
    return {"active": 0.2, "carbon": 0.008, "binder": 0.008}


@dataclass(frozen=True)
class Equipment:
    """Calender line hardware. Units are in the names; "per side" means OS or DS, each half
    the width.

    Nip 1 and rolls
      roll_diameter_mm (800): nip-1 rolls; sets eccentricity frequency f = v/(π·D) and the
        thermal growth α·D per K.
      mill_modulus_kn_um (2.5, per side): mill stretch h − S = F / M, typical for a 1 m stand.
      roll_bending_stiffness_kn_um (400): total roll force per µm of roll bending: the gap in
        the middle of the web opens by (F_os + F_ds)/k (0.5 µm at the LFP point, ~215 kN):
        the residual the roll crown leaves (bare 800 mm rolls would bend ~5× more).
      roll_expansion_per_k (11.25e-6): α of the roll steel (steels 10.8–13e-6); both rolls
        grow α·(D/2)·ΔT in radius, so the gap closes α·D·ΔT = 9.0 µm/K at 800 mm.
      roll_temperature_c (80): roll temperature setpoint, also the temperature at which the
        gap was zeroed (no thermal growth).
      roll_heater_time_constant_s (60): roll surface temperature lag behind its setpoint.
      roll_growth_time_constant_s (300): roll body (diameter) lag behind the surface
        temperature: thermal growth settles over minutes.
    Gap actuators (per side)
      gap_natural_freq_hz (20), gap_damping (0.8): second-order servo-hydraulic position loop.
      gap_rate_limit_um_s (100), gap_resolution_um (0.1): slew limit and position step.
      gap_force_limit_kn (1500, per side = 3 kN/mm): above it the cylinder's relief yields.
      gap_initial_um (100): parked gap of a cold line.
      gap_time_constant_s (0.05): first-order lag of the old actuator model; not used since
        the second-order loop, kept so profiles that set it still load.
    Web, drive, transport
      width_mm (1000): web width leaving nip 1; each side carries half.
      line_accel_m_min_s (20): drive ramp, 0 → 20 m/min in 1 s.
      gauge_distance_m (2.0): web length from the nip to the gauge.
      transport_cell_mm (5): cell length of the web transport shift register.
    Powder bank
      bank_intake_scale_kg (1.0): B_c in φ(B) = 1 − exp(−B/B_c).
      bank_nominal_kg (3.0): bank held by `Line.at_steady_state`; 3·B_c gives φ = 0.950.
      bank_spill_kg (9.0): the most the nip's cheek plates hold; powder beyond it spills over
        them into the scrap bin (`scrap_powder_kg`).
    Feeders (loss-in-weight, per feeder where a dict)
      hopper_capacity_kg: refill is requested below hopper_refill_request_frac (0.2) and runs
        to hopper_refill_complete_frac (0.9) of capacity in hopper_refill_time_s (30).
      hopper_initial_frac (0.6): hopper level of a new line.
      feeder_feed_factor_kg_rev: kg per screw revolution, empty hopper, nominal bulk density.
      feeder_fill_gain (0.15): feed factor × (1 + k·fill): a full hopper packs the screw 15 %
        denser than an empty one.
      feeder_time_constant_s (0.5): screw motor speed lag.
      feeder_noise_rel (0.003), feeder_noise_corr_s (0.2): σ and correlation time of the
        relative flow noise (Ornstein–Uhlenbeck, so its size does not depend on dt).
      feeder_pulsation_rel (0.01): flow ripple amplitude at the screw rotation frequency.
      feeder_liw_filter_s (1.0): filter of the loss-in-weight flow reading.
      feeder_gravimetric_time_s (4.0): integral time of the gravimetric speed trim.
      feeder_trim_limit_frac (0.25): the trim may move the screw ±25 % off its volumetric speed.
      feeder_refill_density_drop (0.04): fresh powder is 4 % looser than settled powder ...
      feeder_density_settle_s (120): ... and settles back with this time constant.
    Mixer, conveyor, recycle
      mixer_residence_s (45): continuous dry mixer mean residence (30–120 s in practice).
      conveyor_delay_s (5): transport delay from the mixer outlet to the nip bank.
      mixer_idle_power_kw (1.5), mixer_shear_power_kw_kg (1.6): mixer power = idle + k·hold-up;
        shear energy k·τ_res = 72 kJ/kg = 0.02 kWh/kg.
      mixer_heat_to_powder_frac (0.1): share of the shear energy that warms the powder (the
        jacket takes the rest): +9 K over the feed temperature at the defaults.
      powder_heat_capacity_kj_kg_k (0.8): c_p of the electrode powder.
      ambient_temperature_c (20): powder feed and hall temperature.
      trim_width_frac (0.03): edge trim, of the width in total (1.5 % per edge), cut after the
        gauge and recycled into the mixer after recycle_delay_s (60).
    Downstream of the gauge
      densify_line_load_kn_mm (1.0): densification nip line load.
      laminate_line_load_kn_mm (1.0), laminate_temperature_c (120): lamination onto foil
        (0.2–4 kN/mm, 60–200 °C).
      laminate_softening_per_k (0.005): γ / (1 + c·(T_lam − T_roll)): hot PTFE compacts easier.
      foil_al_thickness_um (15), foil_cu_thickness_um (8): current collector foils.
    Gauge (scanning O-frame head: areal mass and caliper on one head)
      gauge_zones (24), gauge_scan_time_s (8, one pass OS→DS or DS→OS), gauge_edge_zones (3):
        zones averaged for the OS/DS edge values.
      gauge_areal_mass_noise_rel (0.002): σ of one zone reading, relative (β gauge class).
      gauge_thickness_noise_um (0.5): σ of one zone thickness reading.
    Energy
      drive_base_power_kw (5): drives, hydraulics, web handling while running.
      drive_rolling_coeff (0.02): rolling power kW = c · F [kN] · v [m/s] (lever arm / radius).
      roll_heat_loss_kw_k (0.2), laminate_heat_loss_kw_k (0.1): heater losses per K above
        ambient; roll_heat_capacity_kj_k (2000): heated roll shells.
    """

    roll_diameter_mm: float = 800.0
    mill_modulus_kn_um: float = 2.5
    roll_bending_stiffness_kn_um: float = 400.0
    roll_expansion_per_k: float = 11.25e-6
    roll_temperature_c: float = 80.0
    roll_heater_time_constant_s: float = 60.0
    roll_growth_time_constant_s: float = 300.0
    gap_natural_freq_hz: float = 20.0
    gap_damping: float = 0.8
    gap_rate_limit_um_s: float = 100.0
    gap_resolution_um: float = 0.1
    gap_force_limit_kn: float = 1500.0
    gap_initial_um: float = 100.0
    gap_time_constant_s: float = 0.05
    width_mm: float = 1000.0
    line_accel_m_min_s: float = 20.0
    gauge_distance_m: float = 2.0
    transport_cell_mm: float = 5.0
    bank_intake_scale_kg: float = 1.0
    bank_nominal_kg: float = 3.0
    bank_spill_kg: float = 9.0
    hopper_capacity_kg: dict[str, float] = field(default_factory=_hoppers, hash=False)
    hopper_refill_request_frac: float = 0.2
    hopper_refill_complete_frac: float = 0.9
    hopper_refill_time_s: float = 30.0
    hopper_initial_frac: float = 0.6
    feeder_feed_factor_kg_rev: dict[str, float] = field(default_factory=_feed_factors, hash=False)
    feeder_fill_gain: float = 0.15
    feeder_time_constant_s: float = 0.5
    feeder_noise_rel: float = 0.003
    feeder_noise_corr_s: float = 0.2
    feeder_pulsation_rel: float = 0.01
    feeder_liw_filter_s: float = 1.0
    feeder_gravimetric_time_s: float = 4.0
    feeder_trim_limit_frac: float = 0.25
    feeder_refill_density_drop: float = 0.04
    feeder_density_settle_s: float = 120.0
    mixer_residence_s: float = 45.0
    conveyor_delay_s: float = 5.0
    mixer_idle_power_kw: float = 1.5
    mixer_shear_power_kw_kg: float = 1.6
    mixer_heat_to_powder_frac: float = 0.1
    powder_heat_capacity_kj_kg_k: float = 0.8
    ambient_temperature_c: float = 20.0
    trim_width_frac: float = 0.03
    recycle_delay_s: float = 60.0
    densify_line_load_kn_mm: float = 1.0
    laminate_line_load_kn_mm: float = 1.0
    laminate_temperature_c: float = 120.0
    laminate_softening_per_k: float = 0.005
    foil_al_thickness_um: float = 15.0
    foil_cu_thickness_um: float = 8.0
    gauge_zones: int = 24
    gauge_scan_time_s: float = 8.0
    gauge_edge_zones: int = 3
    gauge_areal_mass_noise_rel: float = 0.002
    gauge_thickness_noise_um: float = 0.5
    drive_base_power_kw: float = 5.0
    drive_rolling_coeff: float = 0.02
    roll_heat_loss_kw_k: float = 0.2
    laminate_heat_loss_kw_k: float = 0.1
    roll_heat_capacity_kj_k: float = 2000.0

    def __post_init__(self) -> None:
        scalars = {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if not isinstance(getattr(self, f.name), dict)
        }
        problems = equipment_problems(scalars)
        if problems:
            raise ValueError("Equipment." + "; Equipment.".join(problems))
        positive = (
            "roll_diameter_mm",
            "mill_modulus_kn_um",
            "roll_bending_stiffness_kn_um",
            "gap_natural_freq_hz",
            "gap_force_limit_kn",
            "width_mm",
            "gauge_distance_m",
            "transport_cell_mm",
            "gap_rate_limit_um_s",
            "line_accel_m_min_s",
            "bank_intake_scale_kg",
            "bank_nominal_kg",
            "bank_spill_kg",
            "hopper_refill_time_s",
            "gauge_scan_time_s",
            "powder_heat_capacity_kj_kg_k",
            "roll_heat_capacity_kj_k",
        )
        for name in positive:
            if not getattr(self, name) > 0.0:
                raise ValueError(f"Equipment.{name} must be > 0")
        non_negative = (
            "roll_expansion_per_k",
            "roll_heater_time_constant_s",
            "roll_growth_time_constant_s",
            "gap_time_constant_s",
            "gap_resolution_um",
            "gap_initial_um",
            "mixer_residence_s",
            "conveyor_delay_s",
            "recycle_delay_s",
            "feeder_fill_gain",
            "feeder_time_constant_s",
            "feeder_noise_rel",
            "feeder_noise_corr_s",
            "feeder_pulsation_rel",
            "feeder_liw_filter_s",
            "feeder_gravimetric_time_s",
            "feeder_trim_limit_frac",
            "feeder_refill_density_drop",
            "feeder_density_settle_s",
            "mixer_idle_power_kw",
            "mixer_shear_power_kw_kg",
            "mixer_heat_to_powder_frac",
            "densify_line_load_kn_mm",
            "laminate_softening_per_k",
            "foil_al_thickness_um",
            "foil_cu_thickness_um",
            "gauge_areal_mass_noise_rel",
            "gauge_thickness_noise_um",
            "drive_base_power_kw",
            "drive_rolling_coeff",
            "roll_heat_loss_kw_k",
            "laminate_heat_loss_kw_k",
        )
        for name in non_negative:
            if not getattr(self, name) >= 0.0:
                raise ValueError(f"Equipment.{name} must be >= 0")
        if not 0.0 < self.gap_damping < 1.0:
            raise ValueError("Equipment.gap_damping must be in (0, 1) (an underdamped loop)")
        for name in ("hopper_capacity_kg", "feeder_feed_factor_kg_rev"):
            values = getattr(self, name)
            if set(values) != set(FEEDERS) or not all(v > 0.0 for v in values.values()):
                raise ValueError(f"Equipment.{name} needs exactly the keys {FEEDERS}, all > 0")
        if not 0.0 <= self.hopper_refill_request_frac < self.hopper_refill_complete_frac <= 1.0:
            raise ValueError("need 0 <= hopper_refill_request_frac < ..._complete_frac <= 1")
        if self.gauge_distance_m < self.transport_cell_mm / 1000.0:
            raise ValueError("gauge_distance_m must be at least one transport cell")
        if not 0.0 <= self.trim_width_frac < 0.5:
            raise ValueError("Equipment.trim_width_frac must be in [0, 0.5)")
        if not 0.2 <= self.laminate_line_load_kn_mm <= 4.0:
            raise ValueError("Equipment.laminate_line_load_kn_mm must be in [0.2, 4] kN/mm")
        if not 60.0 <= self.laminate_temperature_c <= 200.0:
            raise ValueError("Equipment.laminate_temperature_c must be in [60, 200] °C")
        if int(self.gauge_zones) != self.gauge_zones or not self.gauge_zones >= 2:
            raise ValueError("Equipment.gauge_zones must be an integer >= 2")
        if not 1 <= self.gauge_edge_zones <= self.gauge_zones // 2:
            raise ValueError("Equipment.gauge_edge_zones must be in [1, gauge_zones / 2]")

    @property
    def width_m(self) -> float:
        return self.width_mm / 1000.0

    @property
    def side_width_mm(self) -> float:
        """Width carried by one side (OS or DS): half the web."""
        return self.width_mm / 2.0

    @property
    def kept_width_m(self) -> float:
        """Electrode width after the edge trim: W · (1 − trim_width_frac)."""
        return self.width_m * (1.0 - self.trim_width_frac)

    @property
    def thermal_gap_um_per_k(self) -> float:
        """Gap change per K of roll temperature: −α·D (two rolls, each growing α·D/2 in radius)."""
        return -self.roll_expansion_per_k * self.roll_diameter_mm * 1000.0
