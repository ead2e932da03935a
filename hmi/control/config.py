"""What a controller may know about the machine, and its tuning: one frozen config.

The controllers never import the plant model (hmi.control and hmi.plant are independent
layers). Everything they know about the line comes in here: geometry and machine data from the
hardware profile's `[line]` section (defaults equal the emulated equipment's defaults), the
formulation from the recipe, and tuning constants that a commissioning engineer would set.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from hmi.core.tags import FEEDERS

KG_H_PER_MG_CM2_M_M_MIN = 0.6
"""Film flow in kg/h of 1 mg/cm² × 1 m width × 1 m/min (0.01 kg/m² per mg/cm² × 60 min/h)."""


def feed_total_kg_h(areal_mass_mg_cm2: float, width_mm: float, speed_m_min: float) -> float:
    """Q = 0.6 · m[mg/cm²] · W[m] · v[m/min] in kg/h: the powder a film of that areal mass
    carries."""
    return KG_H_PER_MG_CM2_M_M_MIN * areal_mass_mg_cm2 * (width_mm / 1000.0) * speed_m_min


def _formulation() -> dict[str, float]:
    return {"active": 0.96, "carbon": 0.02, "binder": 0.02}


def _hoppers() -> dict[str, float]:
    return {"active": 300.0, "carbon": 40.0, "binder": 40.0}


@dataclass(frozen=True)
class LineControllerConfig:
    """Machine data (from the profile) and tuning. Units are in the names.

    Machine data — a hardware profile's `[line]` section feeds these:
      gauge_distance_m: web length from nip 1 to the areal-mass gauge (the transport delay is
        L / v, tracked in metres of web).
      gauge_scan_time_s: one pass of the scanning gauge (the MD reading is a pass average).
      gauge_edge_width_frac: share of the width averaged into each edge reading (3 of 24 zones).
      roll_diameter_mm: nip-1 rolls; eccentricity period is one revolution, π·D of web.
      mill_modulus_kn_um: mill stretch per side, h = S + F/M.
      thermal_gap_um_per_k: gap change per K of roll body temperature (−α·D, −9 µm/K at
        800 mm).
      roll_growth_time_constant_s: roll body (diameter) lag behind the surface temperature.
      roll_reference_temperature_c: temperature at which the gap was zeroed; None: the first
        good reading (the line starts in thermal equilibrium).
      trim_width_frac: edge trim share of the width, recycled into the mixer.
      recycle_delay_s, mixer_residence_s, conveyor_delay_s: powder path from the feeders to
        the bank: recycle return delay, mixer first-order residence, conveyor dead time.
      bank_intake_scale_kg: B_c of the bank intake factor φ(B) = 1 − exp(−B / B_c).
      hopper_capacity_kg, feeder_fill_gain: loss-in-weight hoppers; a feeder's feed factor
        grows (1 + k·fill) with its fill level, which matters while it refills volumetric;
        feeder_flow_filter_s is the filter of its loss-in-weight flow reading.
      gap_min_um, gap_max_um, gap_rate_um_s: the gap command's range and slew (below the
        actuator's 100 µm/s, so the actuator stays linear).
      feeder_max_kg_h: feeder setpoint limit; the line speed reference is held where the
        feeders can still feed the film.
      recovery_gap_rate_um_s, recovery_time_s, recovery_rebase_limit_frac: after a lost link
        the common gap set-up leaves the held gap at this slew, for at least this time and
        until it has caught up (bumpless recovery); the intake model is re-based on the
        return at most by this share.
      bank_low_kg: a bank this low draws unreliably: the set-up compensates the bank only down
        to here ("bank_low"), rather than opening the gap without bound.
      bank_nominal_kg: the bank the feed holds (its trim setpoint) when the line starts with
        less than half of it (a cold start or a restart after a stop); a line that starts
        running keeps the bank it has.
      bank_guard_band_frac, bank_guard_kg_h_per_kg, bank_guard_limit_frac: outside ±band of
        the bank setpoint the feed is cut back (high bank) or raised (low bank) by the
        gain × the excess beyond the band, up to the limit × the film flow: the bank trim is
        slow (minutes) and limited to a few %, too weak for the bank a stop leaves behind.
    """

    formulation: Mapping[str, float] = field(default_factory=_formulation)
    gauge_distance_m: float = 2.0
    gauge_scan_time_s: float = 8.0
    gauge_edge_width_frac: float = 0.125
    roll_diameter_mm: float = 800.0
    mill_modulus_kn_um: float = 2.5
    thermal_gap_um_per_k: float = -9.0
    roll_growth_time_constant_s: float = 300.0
    roll_reference_temperature_c: float | None = None
    trim_width_frac: float = 0.03
    recycle_delay_s: float = 60.0
    mixer_residence_s: float = 45.0
    conveyor_delay_s: float = 5.0
    bank_intake_scale_kg: float = 1.0
    hopper_capacity_kg: Mapping[str, float] = field(default_factory=_hoppers)
    feeder_fill_gain: float = 0.15
    feeder_flow_filter_s: float = 1.0
    gap_min_um: float = 10.0
    gap_max_um: float = 600.0
    gap_rate_um_s: float = 80.0
    recovery_gap_rate_um_s: float = 2.0  # slew of the set-up after a lost link returns
    recovery_time_s: float = 20.0  # ... for at least this long (dead time + two scans)
    recovery_rebase_limit_frac: float = 0.2  # the intake re-based at most ±20 % on the return
    feeder_max_kg_h: float = 2000.0
    bank_low_kg: float = 1.0  # below it the set-up stops opening the gap for the bank
    bank_nominal_kg: float = 3.0  # the bank a (re)start builds and the feed then holds
    bank_guard_band_frac: float = 0.15  # beyond ±15 % of the bank setpoint ...
    bank_guard_kg_h_per_kg: float = 60.0  # ... the feed moves this much per kg of excess ...
    bank_guard_limit_frac: float = 0.6  # ... up to this share of the film flow
    # --- tuning: baseline PI (fixed gains, tuned at the nominal dead time) ---
    plant_gain_mg_cm2_per_um: float = 0.34  # d(areal mass)/d(gap), nominal LFP
    kp_loop_gain: float = 0.2  # proportional part, as a fraction of the inverse plant gain
    ki_loop_gain: float = 0.25  # integral gain × plant gain × dead time
    nominal_speed_m_min: float = 50.0  # the dead time the baseline gains are tuned at
    feedback_limit_um: float = 60.0  # the loop trims the set-up, it does not replace it
    min_speed_m_min: float = 1.0  # below this the web barely moves: loops hold
    # --- tuning: model controller ---
    monitor_filter: float = 0.4  # IMC filter: share of a new scan's mismatch taken per pass
    mass_balance_gain: float = 0.8  # share of the mass-balance intake error taken per block
    tilt_gain: float = 0.15  # CD tilt integral: share of the measured wedge removed per pass
    gaugemeter_gain: float = 0.6  # share of the force-measured wedge corrected at once
    eccentricity_time_s: float = 4.0  # adaptation time constant of the angle-indexed FF
    eccentricity_lead_s: float = 0.02  # actuator + write lag the compensation leads by
    feed_lead_time_s: float = 12.0  # τ_f of the mixer-inverse feed lead
    bank_trim_kg_h_per_kg: float = 12.0  # bank-level trim: proportional gain on the feed
    bank_trim_time_s: float = 1200.0  # ... and its integral time
    bank_trim_limit_frac: float = 0.05  # trim limit, share of the film flow
    minor_follow_time_s: float = 2.0  # filter of the main feeder's flow the minors follow
    grade_ramp_s: float = 0.2  # grade change: the set-up target ramps over this time
    gauge_check_gain: float = 0.2  # gauge vs raw mass balance: share of a scan's disagreement
    gauge_check_limit_pct: float = 1.0  # ... beyond this (% of target) ...
    gauge_check_delay_s: float = 30.0  # ... for this long latches "gauge_mass_balance_disagree"
    spike_limit_pct: float = 0.6  # a scan this far off the prediction is not believed ...
    spike_accept_scans: int = 10  # ... unless this many scans in a row say the same
    stuck_scans: float = 2.5  # no new scan for this many scan times while running: stuck
    wedge_step_um: float = 0.5  # a force wedge step this large marks a one-sided shift
    wedge_limit_um: float = 1.5  # a scan's wedge this far off the forces' is not believed
    powder_modulus_kn_um: float = 6.0  # Q = |dF/dh| of the compacted powder (LFP-like): with
    # the mill modulus it gives the nip's force per µm of gap, K = (F/S)·Q/(Q + M); a wrong Q
    # only slows the gaugemeter and the eccentricity learning

    def __post_init__(self) -> None:
        total = sum(self.formulation.values())
        if set(self.formulation) != set(FEEDERS) or abs(total - 1.0) > 1e-6:
            raise ValueError(
                f"formulation: needs fractions for {', '.join(FEEDERS)} summing to 1 "
                f"(got {dict(self.formulation)})"
            )
        if not self.formulation["active"] > 0.0:
            raise ValueError("formulation: the main (active) feeder needs a share > 0")
        positive = (
            "gauge_distance_m",
            "gauge_scan_time_s",
            "roll_diameter_mm",
            "mill_modulus_kn_um",
            "powder_modulus_kn_um",
            "mixer_residence_s",
            "bank_intake_scale_kg",
            "gap_rate_um_s",
            "recovery_gap_rate_um_s",
            "nominal_speed_m_min",
            "eccentricity_time_s",
            "bank_trim_time_s",
            "feed_lead_time_s",
            "bank_nominal_kg",
        )
        for name in positive:
            if not getattr(self, name) > 0.0:
                raise ValueError(f"{name}: must be > 0 (got {getattr(self, name)!r})")
        if not self.gap_min_um < self.gap_max_um:
            raise ValueError("gap_min_um: must be below gap_max_um")
        for name in (
            "monitor_filter", "mass_balance_gain", "tilt_gain", "gaugemeter_gain",
            "gauge_check_gain",
        ):  # fmt: skip
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name}: must be in 0 to 1 (got {getattr(self, name)!r})")

    @classmethod
    def from_line(
        cls, formulation: Mapping[str, float], line: Mapping[str, object] | None = None
    ) -> LineControllerConfig:
        """Build from the formulation and a profile's `[line]` values; names this config does
        not know are ignored (they are for other consumers of the section)."""
        known = {f.name for f in fields(cls)}
        extra = {k: v for k, v in (line or {}).items() if k in known and k != "formulation"}
        return cls(formulation=dict(formulation), **extra)  # type: ignore[arg-type]
