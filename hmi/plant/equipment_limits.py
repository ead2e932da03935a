"""What each equipment field may be: the plausible range of a dry-electrode calender line, and
the unit. Hardware profiles and scenarios override equipment fields; a value outside its range
(or not a finite number) is refused when the file loads, naming the field, the range and the
value, so nonsense never reaches the plant model or the outputs."""

from __future__ import annotations

import math
from collections.abc import Mapping

# field: (low, high, unit). Ranges are wide (a test rig to a 2 m line) but finite and physical.
EQUIPMENT_LIMITS: dict[str, tuple[float, float, str]] = {
    "roll_diameter_mm": (100.0, 2000.0, "mm"),
    "mill_modulus_kn_um": (0.1, 50.0, "kN/µm"),
    "roll_bending_stiffness_kn_um": (1.0, 1e12, "kN/µm"),  # 1e12: rigid rolls
    "roll_expansion_per_k": (0.0, 50e-6, "1/K"),
    "roll_temperature_c": (10.0, 250.0, "°C"),
    "roll_heater_time_constant_s": (0.0, 3600.0, "s"),
    "roll_growth_time_constant_s": (0.0, 36_000.0, "s"),
    "gap_natural_freq_hz": (0.5, 200.0, "Hz"),
    "gap_damping": (0.05, 0.99, ""),
    "gap_rate_limit_um_s": (1.0, 10_000.0, "µm/s"),
    "gap_resolution_um": (0.0, 10.0, "µm"),
    "gap_force_limit_kn": (10.0, 20_000.0, "kN"),
    "gap_initial_um": (0.0, 2000.0, "µm"),
    "gap_time_constant_s": (0.0, 10.0, "s"),
    "width_mm": (50.0, 2000.0, "mm"),
    "line_accel_m_min_s": (0.1, 200.0, "m/min per s"),
    "gauge_distance_m": (0.05, 20.0, "m"),
    "transport_cell_mm": (1.0, 50.0, "mm"),
    "bank_intake_scale_kg": (0.01, 100.0, "kg"),
    "bank_nominal_kg": (0.01, 200.0, "kg"),
    "bank_spill_kg": (0.1, 500.0, "kg"),
    "hopper_refill_request_frac": (0.0, 0.95, ""),
    "hopper_refill_complete_frac": (0.05, 1.0, ""),
    "hopper_refill_time_s": (1.0, 3600.0, "s"),
    "hopper_initial_frac": (0.0, 1.0, ""),
    "feeder_fill_gain": (0.0, 1.0, ""),
    "feeder_time_constant_s": (0.0, 60.0, "s"),
    "feeder_noise_rel": (0.0, 0.2, ""),
    "feeder_noise_corr_s": (0.0, 60.0, "s"),
    "feeder_pulsation_rel": (0.0, 0.2, ""),
    "feeder_liw_filter_s": (0.0, 60.0, "s"),
    "feeder_gravimetric_time_s": (0.0, 600.0, "s"),
    "feeder_trim_limit_frac": (0.0, 0.9, ""),
    "feeder_refill_density_drop": (0.0, 0.5, ""),
    "feeder_density_settle_s": (0.0, 3600.0, "s"),
    "mixer_residence_s": (0.0, 3600.0, "s"),  # 0: no mixer (a test rig)
    "conveyor_delay_s": (0.0, 600.0, "s"),
    "mixer_idle_power_kw": (0.0, 500.0, "kW"),
    "mixer_shear_power_kw_kg": (0.0, 100.0, "kW/kg"),
    "mixer_heat_to_powder_frac": (0.0, 1.0, ""),
    "powder_heat_capacity_kj_kg_k": (0.1, 5.0, "kJ/(kg·K)"),
    "ambient_temperature_c": (-20.0, 50.0, "°C"),
    "trim_width_frac": (0.0, 0.3, ""),
    "recycle_delay_s": (0.0, 3600.0, "s"),
    "densify_line_load_kn_mm": (0.0, 10.0, "kN/mm"),
    "laminate_line_load_kn_mm": (0.2, 4.0, "kN/mm"),
    "laminate_temperature_c": (60.0, 200.0, "°C"),
    "laminate_softening_per_k": (0.0, 0.1, "1/K"),
    "foil_al_thickness_um": (1.0, 100.0, "µm"),
    "foil_cu_thickness_um": (1.0, 100.0, "µm"),
    "gauge_zones": (2, 200, "zones"),
    "gauge_scan_time_s": (0.5, 600.0, "s"),
    "gauge_edge_zones": (1, 100, "zones"),
    "gauge_areal_mass_noise_rel": (0.0, 0.1, ""),
    "gauge_thickness_noise_um": (0.0, 20.0, "µm"),
    "drive_base_power_kw": (0.0, 2000.0, "kW"),
    "drive_rolling_coeff": (0.0, 1.0, ""),
    "roll_heat_loss_kw_k": (0.0, 100.0, "kW/K"),
    "laminate_heat_loss_kw_k": (0.0, 100.0, "kW/K"),
    "roll_heat_capacity_kj_k": (1.0, 1e6, "kJ/K"),
}


def limit_text(name: str) -> str:
    low, high, unit = EQUIPMENT_LIMITS[name]
    return f"{low:g} to {high:g} {unit}".rstrip()


def equipment_problems(values: Mapping[str, object]) -> list[str]:
    """One line per field of `values` that is unknown, not a finite number, or out of range."""
    problems = []
    for name, value in values.items():
        if name not in EQUIPMENT_LIMITS:
            problems.append(f"{name}: unknown field (see docs/plant.md for the equipment fields)")
            continue
        low, high, _ = EQUIPMENT_LIMITS[name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(f"{name}: {value!r} is not a number (allowed {limit_text(name)})")
        elif not math.isfinite(value) or not low <= value <= high:
            problems.append(f"{name}: {value:g} is out of range (allowed {limit_text(name)})")
    return problems
