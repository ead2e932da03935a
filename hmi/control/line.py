"""The baseline controller, kept for comparison: a plain PI loop from the gauge to the gap.

Feed: target areal mass × film width × line speed, nothing else,
    total_kg_h = 0.6 · m[mg/cm²] · W[m] · v[m/min]
split into feeder setpoints by the formulation's mass fractions (no recycle correction, no
refill awareness, no bank trim).

Gap: a PI loop from the areal-mass gauge reading to a common gap correction added to the set-up
gap of each side (taken bumplessly from the actuator positions at the first good read). Its
gains are fixed, tuned at the nominal dead time θ0 = L / v_nominal:
    kp = kp_loop_gain / g,   ki = ki_loop_gain / (g · θ0)      (g: plant gain, mg/cm² per µm)
No gap feedforward (no thermal, eccentricity or tilt compensation) and no dead-time
compensation. The reference the material should see is the actuator setpoint itself. On a bad
gauge value (NaN, bad quality) the loop holds its last output.
"""

from __future__ import annotations

import dataclasses
import math

from hmi.control.base import ControlInputs, ControlResult
from hmi.control.config import LineControllerConfig, feed_total_kg_h
from hmi.control.pi import PI
from hmi.core.process import ProcessImage
from hmi.core.tags import FEEDERS, SIDES

__all__ = ["BaselineController", "LineController", "feed_total_kg_h"]


class BaselineController:
    """Plain PI gauge → gap with fixed gains; feed = target × width × speed."""

    name = "baseline"

    def __init__(self, config: LineControllerConfig | None = None) -> None:
        self.config = c = config or LineControllerConfig()
        dead_time_s = c.gauge_distance_m / (c.nominal_speed_m_min / 60.0)
        self._pi = PI(
            kp=c.kp_loop_gain / c.plant_gain_mg_cm2_per_um,
            ki=c.ki_loop_gain / (c.plant_gain_mg_cm2_per_um * dead_time_s),
            out_min=-c.feedback_limit_um,
            out_max=c.feedback_limit_um,
        )
        self._setup_um: dict[str, float] | None = None
        self._gap_out_um: dict[str, float] = {}
        self._feedback_um = 0.0

    def set_formulation(self, fractions: dict[str, float]) -> None:
        """A recipe's formulation from the next step on (checked like the configuration's)."""
        self.config = dataclasses.replace(self.config, formulation=dict(fractions))

    def step(self, image: ProcessImage, inputs: ControlInputs, dt_s: float) -> ControlResult:
        c = self.config
        sp = inputs.setpoints
        target = sp["areal_mass_target_mg_cm2"]
        conditions: list[str] = []

        speed_ok = image.is_good("line_speed_m_min")
        speed = image.get("line_speed_m_min") if speed_ok else sp["line_speed_sp_m_min"]
        feeding = inputs.running and inputs.feed_enabled
        total = feed_total_kg_h(target, sp["web_width_mm"], speed) if feeding else 0.0
        outputs = {f"feeder_{f}_sp_kg_h": total * c.formulation[f] for f in FEEDERS}

        if self._setup_um is None:
            if all(image.is_good(f"gap_{s}_um") for s in SIDES):
                self._setup_um = {s: image.get(f"gap_{s}_um") for s in SIDES}
                self._gap_out_um = dict(self._setup_um)
            else:
                conditions.append("gap_position_bad")

        gauge_ok = image.is_good("areal_mass_mg_cm2")
        if not gauge_ok:
            conditions.append("gauge_bad")
        act = gauge_ok and inputs.mode == "auto" and inputs.running and speed_ok
        if act and speed >= c.min_speed_m_min:
            self._feedback_um = self._pi.step(target - image.get("areal_mass_mg_cm2"), dt_s)
        # else: hold the last correction; the integral is untouched, so resuming is bumpless

        if self._setup_um is not None:
            max_move = c.gap_rate_um_s * dt_s
            for s in SIDES:
                wanted = self._setup_um[s] + self._feedback_um
                wanted = min(c.gap_max_um, max(c.gap_min_um, wanted))
                last = self._gap_out_um[s]
                self._gap_out_um[s] = last + min(max_move, max(-max_move, wanted - last))
                outputs[f"gap_{s}_sp_um"] = self._gap_out_um[s]
                outputs[f"gap_{s}_ref_um"] = self._gap_out_um[s]  # no compensation here

        outputs["line_speed_out_m_min"] = sp["line_speed_sp_m_min"] if inputs.running else 0.0
        outputs["line_run_cmd"] = 1.0 if inputs.running else 0.0
        outputs["feed_total_sp_kg_h"] = total
        outputs["gap_feedback_um"] = self._feedback_um
        outputs["feed_feedforward_kg_h"] = total
        corrections = {
            "feed_feedforward_kg_h": total,
            "feed_recycle_kg_h": 0.0,
            "feed_bank_trim_kg_h": 0.0,
            "feed_lead_kg_h": 0.0,
            "gap_feedback_um": self._feedback_um,
        }
        for s in SIDES:  # the terms the model controller has; the baseline's are its PI's
            setup = self._setup_um[s] if self._setup_um is not None else math.nan
            corrections[f"gap_{s}_feedforward_um"] = setup
            corrections[f"gap_{s}_monitor_um"] = self._feedback_um
            for term in ("gaugemeter", "thermal", "eccentricity", "tilt"):
                corrections[f"gap_{s}_{term}_um"] = 0.0
        outputs.update(corrections)
        outputs["controller_auto"] = 1.0 if inputs.mode == "auto" else 0.0
        outputs["controller_holding"] = 0.0 if gauge_ok else 1.0
        return ControlResult(outputs, corrections, tuple(conditions))


LineController = BaselineController
"""The first controller's old name (registered as "pi"): the baseline."""
