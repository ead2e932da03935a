"""The machine: nip geometry and stiffness, actuators, drives, feeders, mixer, gauges.

Every default below is a round, plausible value for a 1 m wide dry-electrode calender; the
docstring of each field gives its meaning and why that value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hmi.core.tags import FEEDERS


def _hoppers() -> dict[str, float]:
    # Active carries ~95 % of the mass: 300 kg lasts ~50 min at 360 kg/h (30 mg/cm², 20 m/min).
    return {"active": 300.0, "carbon": 40.0, "binder": 40.0}


@dataclass(frozen=True)
class Equipment:
    """Calender line hardware. Units are in the names; "per side" means OS or DS, each half the
    width.

    roll_diameter_mm (800): nip 1 rolls; kept for later models (eccentricity, nip angle).
    mill_modulus_kn_um (2.5, per side): mill stretch h − S = F / M, typical for a 1 m stand.
    width_mm (1000): web width; each side carries half.
    gauge_distance_m (2.0): web length from the nip to the areal-mass/thickness gauge.
    transport_cell_mm (5): cell length of the web transport shift register.
    gap_time_constant_s (0.05), gap_rate_limit_um_s (100), gap_resolution_um (0.1): gap
        actuator per side (servo-hydraulic or wedge drive: fast, slew-limited, stepped).
    gap_initial_um (100): parked gap of a cold line.
    line_accel_m_min_s (20): drive ramp, 0 → 20 m/min in 1 s.
    bank_intake_scale_kg (1.0): B_c in φ(B) = 1 − exp(−B/B_c).
    bank_nominal_kg (3.0): bank held by `Line.at_steady_state`; 3·B_c gives φ = 0.950.
    mixer_residence_s (45): continuous dry mixer mean residence (30–120 s in practice).
    feeder_time_constant_s (0.5): loss-in-weight feeder flow lag.
    feeder_noise_rel (0.003), feeder_noise_corr_s (0.2): σ and correlation time of the
        relative flow noise (Ornstein–Uhlenbeck, so its size does not depend on dt).
    hopper_capacity_kg: per feeder; refill is requested below hopper_refill_request_frac (0.2)
        and runs to hopper_refill_complete_frac (0.9) of capacity in hopper_refill_time_s (30).
    hopper_initial_frac (0.6): hopper level of a new line.
    gauge_areal_mass_noise_rel (0.002): σ of the areal-mass gauge, relative (β gauge class).
    gauge_thickness_noise_um (0.5): σ of the thickness gauge.
    roll_temperature_c (80): roll surface temperature, constant for now.
    """

    roll_diameter_mm: float = 800.0
    mill_modulus_kn_um: float = 2.5
    width_mm: float = 1000.0
    gauge_distance_m: float = 2.0
    transport_cell_mm: float = 5.0
    gap_time_constant_s: float = 0.05
    gap_rate_limit_um_s: float = 100.0
    gap_resolution_um: float = 0.1
    gap_initial_um: float = 100.0
    line_accel_m_min_s: float = 20.0
    bank_intake_scale_kg: float = 1.0
    bank_nominal_kg: float = 3.0
    mixer_residence_s: float = 45.0
    feeder_time_constant_s: float = 0.5
    feeder_noise_rel: float = 0.003
    feeder_noise_corr_s: float = 0.2
    hopper_capacity_kg: dict[str, float] = field(default_factory=_hoppers, hash=False)
    hopper_refill_request_frac: float = 0.2
    hopper_refill_complete_frac: float = 0.9
    hopper_refill_time_s: float = 30.0
    hopper_initial_frac: float = 0.6
    gauge_areal_mass_noise_rel: float = 0.002
    gauge_thickness_noise_um: float = 0.5
    roll_temperature_c: float = 80.0

    def __post_init__(self) -> None:
        positive = (
            "roll_diameter_mm",
            "mill_modulus_kn_um",
            "width_mm",
            "gauge_distance_m",
            "transport_cell_mm",
            "gap_rate_limit_um_s",
            "line_accel_m_min_s",
            "bank_intake_scale_kg",
            "bank_nominal_kg",
            "hopper_refill_time_s",
        )
        for name in positive:
            if not getattr(self, name) > 0.0:
                raise ValueError(f"Equipment.{name} must be > 0")
        non_negative = (
            "gap_time_constant_s",
            "gap_resolution_um",
            "gap_initial_um",
            "mixer_residence_s",
            "feeder_time_constant_s",
            "feeder_noise_rel",
            "feeder_noise_corr_s",
            "gauge_areal_mass_noise_rel",
            "gauge_thickness_noise_um",
        )
        for name in non_negative:
            if not getattr(self, name) >= 0.0:
                raise ValueError(f"Equipment.{name} must be >= 0")
        if set(self.hopper_capacity_kg) != set(FEEDERS):
            raise ValueError(f"Equipment.hopper_capacity_kg needs exactly the keys {FEEDERS}")
        if not 0.0 <= self.hopper_refill_request_frac < self.hopper_refill_complete_frac <= 1.0:
            raise ValueError("need 0 <= hopper_refill_request_frac < ..._complete_frac <= 1")
        if self.gauge_distance_m < self.transport_cell_mm / 1000.0:
            raise ValueError("gauge_distance_m must be at least one transport cell")

    @property
    def width_m(self) -> float:
        return self.width_mm / 1000.0

    @property
    def side_width_mm(self) -> float:
        """Width carried by one side (OS or DS): half the web."""
        return self.width_mm / 2.0
