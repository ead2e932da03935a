"""Components of the line built from the `Equipment` defaults (the only place that maps the
equipment fields onto the component constructors; each component documents its relations)."""

from __future__ import annotations

from hmi.core.tags import FEEDERS, SIDES
from hmi.plant.actuators import GapActuator
from hmi.plant.equipment import Equipment
from hmi.plant.feeder import Feeder
from hmi.plant.gauge import ScanningGauge
from hmi.plant.mixer import MixerHeat
from hmi.plant.noise import NormalStream
from hmi.plant.profile import CrossProfile
from hmi.plant.rolls import Rolls

GAUGE_STREAM = len(FEEDERS)
"""Noise streams: 0..2 are the feeders (in FEEDERS order), 3 is the gauge."""


def feeders(eq: Equipment, seed: int) -> dict[str, Feeder]:
    """One loss-in-weight feeder per FEEDERS name, hoppers at `hopper_initial_frac`."""
    return {
        name: Feeder(
            name,
            capacity_kg=eq.hopper_capacity_kg[name],
            hopper_kg=eq.hopper_initial_frac * eq.hopper_capacity_kg[name],
            time_constant_s=eq.feeder_time_constant_s,
            noise_rel=eq.feeder_noise_rel,
            noise_corr_s=eq.feeder_noise_corr_s,
            refill_request_frac=eq.hopper_refill_request_frac,
            refill_complete_frac=eq.hopper_refill_complete_frac,
            refill_time_s=eq.hopper_refill_time_s,
            rng=NormalStream(seed, i),
            feed_factor_kg_rev=eq.feeder_feed_factor_kg_rev[name],
            fill_gain=eq.feeder_fill_gain,
            pulsation_rel=eq.feeder_pulsation_rel,
            liw_filter_s=eq.feeder_liw_filter_s,
            gravimetric_time_s=eq.feeder_gravimetric_time_s,
            trim_limit_frac=eq.feeder_trim_limit_frac,
            refill_density_drop=eq.feeder_refill_density_drop,
            density_settle_s=eq.feeder_density_settle_s,
        )
        for i, name in enumerate(FEEDERS)
    }


def mixer_heat(eq: Equipment) -> MixerHeat:
    return MixerHeat(
        residence_s=eq.mixer_residence_s,
        idle_power_kw=eq.mixer_idle_power_kw,
        shear_power_kw_kg=eq.mixer_shear_power_kw_kg,
        heat_to_powder_frac=eq.mixer_heat_to_powder_frac,
        heat_capacity_kj_kg_k=eq.powder_heat_capacity_kj_kg_k,
        feed_temperature_c=eq.ambient_temperature_c,
    )


def gap_actuators(eq: Equipment) -> dict[str, GapActuator]:
    """One second-order gap actuator per side, parked at `gap_initial_um`."""
    return {
        s: GapActuator(
            eq.gap_initial_um,
            eq.gap_rate_limit_um_s,
            eq.gap_resolution_um,
            natural_freq_hz=eq.gap_natural_freq_hz,
            damping=eq.gap_damping,
        )
        for s in SIDES
    }


def rolls(eq: Equipment) -> Rolls:
    return Rolls(
        diameter_mm=eq.roll_diameter_mm,
        expansion_per_k=eq.roll_expansion_per_k,
        temperature_c=eq.roll_temperature_c,
        heater_time_constant_s=eq.roll_heater_time_constant_s,
        growth_time_constant_s=eq.roll_growth_time_constant_s,
        bending_stiffness_kn_um=eq.roll_bending_stiffness_kn_um,
    )


def gauge(eq: Equipment, cd: CrossProfile, seed: int) -> ScanningGauge:
    return ScanningGauge(
        cd,
        scan_time_s=eq.gauge_scan_time_s,
        edge_zones=int(eq.gauge_edge_zones),
        sigma_rel=eq.gauge_areal_mass_noise_rel,
        sigma_um=eq.gauge_thickness_noise_um,
        rng=NormalStream(seed, GAUGE_STREAM),
    )
