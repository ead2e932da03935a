"""What the model controller publishes: output tags (registry) and the same corrections by name.

Per side s (os, ds), all in µm, each a term of the gap setpoint:
    gap_s_feedforward_um   set-up: target / (c0·φ(bank)) + the side's offset at start
    gap_s_monitor_um       the areal-mass feedback (mass balance and gauge, dead-time
                           compensated): ref = feedforward + monitor
    gap_s_thermal_um       −(roll thermal growth): + when the rolls have grown
    gap_s_eccentricity_um  −(learned eccentricity at the roll angle ahead)
    gap_s_tilt_um          the gauge's CD wedge correction, this side's share
    gap_s_gaugemeter_um    the force difference's wedge correction, this side's share
    sp = ref + thermal + eccentricity + tilt + gaugemeter, limited.
Feed, kg/h: feed_feedforward_kg_h (Q_film = 0.6·m*·W·v), feed_recycle_kg_h (trim returning,
taken off the fresh feed), feed_lead_kg_h (mixer-inverse lead of a change), feed_bank_trim_kg_h
(bank-level trim): fresh feed = feedforward − recycle + lead + bank trim (shaped).
Status: controller_auto (1 auto, 0 manual), controller_holding (1 while the gauge loop holds
on a bad, stuck or implausible scan), gauge_dead_time_s (L / v), areal_mass_predicted_mg_cm2
(what the gauge will read of the film made now), offspec_length_m (the controller's own count
from the gauge), gap_tilt_pivot (share of a wedge correction on DS).
"""

from __future__ import annotations

from hmi.control.feed import FeedOutput
from hmi.core.tags import FEEDERS, SIDES

FEEDER_FLOW = tuple(f"feeder_{f}_flow_kg_h" for f in FEEDERS)
FEEDER_HOPPER = tuple(f"feeder_{f}_hopper_kg" for f in FEEDERS)
FEEDER_REFILL = tuple(f"feeder_{f}_refilling" for f in FEEDERS)
FEEDER_SP = tuple(f"feeder_{f}_sp_kg_h" for f in FEEDERS)


def outputs_for(
    *,
    feed: FeedOutput,
    running: bool,
    speed_sp_m_min: float,
    feedforward_um: list[float],
    monitor_um: float,
    thermal_um: float,
    tilt_um: tuple[float, float],
    gaugemeter_um: tuple[float, float],
    auto: bool,
    holding: bool,
    dead_time_s: float,
    predicted_mg_cm2: float,
    offspec_m: float,
    pivot: float,
) -> tuple[dict[str, float], dict[str, float]]:
    """The outputs that change at the slow rate, and the corrections for display."""
    out = dict(zip(FEEDER_SP, feed.setpoints_kg_h, strict=True))
    corrections = {
        "feed_feedforward_kg_h": feed.film_kg_h,
        "feed_recycle_kg_h": feed.recycle_kg_h,
        "feed_bank_trim_kg_h": feed.bank_trim_kg_h,
        "feed_lead_kg_h": feed.lead_kg_h,
        "gap_feedback_um": monitor_um,
    }
    for i, s in enumerate(SIDES):
        corrections[f"gap_{s}_feedforward_um"] = feedforward_um[i]
        corrections[f"gap_{s}_monitor_um"] = monitor_um
        corrections[f"gap_{s}_thermal_um"] = thermal_um
        corrections[f"gap_{s}_tilt_um"] = tilt_um[i]
        corrections[f"gap_{s}_gaugemeter_um"] = gaugemeter_um[i]
        corrections[f"gap_{s}_eccentricity_um"] = 0.0  # set every tick
    out.update(corrections)
    out["line_speed_out_m_min"] = speed_sp_m_min if running else 0.0
    out["line_run_cmd"] = 1.0 if running else 0.0
    out["feed_total_sp_kg_h"] = feed.film_kg_h
    out["controller_auto"] = 1.0 if auto else 0.0
    out["controller_holding"] = 1.0 if holding else 0.0
    out["gauge_dead_time_s"] = min(dead_time_s, 3600.0)
    out["areal_mass_predicted_mg_cm2"] = predicted_mg_cm2
    out["offspec_length_m"] = offspec_m
    out["gap_tilt_pivot"] = pivot
    return out, corrections
