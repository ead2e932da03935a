"""The first closed-loop controller of the line: feed feedforward and an areal-mass gap loop.

Feed: the powder a film needs is target areal mass × film width × line speed,
    total_kg_h = 0.6 · m[mg/cm²] · W[m] · v[m/min]     (1 mg/cm² = 10 g/m²; 60 min/h; 1000 g/kg)
split into feeder setpoints by the formulation's mass fractions.

Gap: a PI loop from the areal-mass gauge to a common gap correction added to the set-up gap of
each side (the set-up is taken bumplessly from the actuator positions at the first good read).
The gauge sees the film L metres after the nip, a dead time θ = L / v that grows as the line
slows, so the integral gain is scheduled as ki = loop_gain / (plant_gain · θ) to keep the loop
equally damped at any speed. On a bad gauge value the loop holds its last output.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from hmi.control.base import ControlInputs, ControlResult
from hmi.control.pi import PI
from hmi.core.process import ProcessImage
from hmi.core.tags import FEEDERS, SIDES

KG_H_PER_MG_CM2_M_M_MIN = 0.6


def feed_total_kg_h(areal_mass_mg_cm2: float, width_mm: float, speed_m_min: float) -> float:
    """Powder mass flow (kg/h) that makes a film of this areal mass, width and speed."""
    return KG_H_PER_MG_CM2_M_M_MIN * areal_mass_mg_cm2 * (width_mm / 1000.0) * speed_m_min


@dataclass(frozen=True)
class LineControllerConfig:
    formulation: Mapping[str, float] = field(
        default_factory=lambda: {"active": 0.96, "carbon": 0.02, "binder": 0.02}
    )
    gauge_distance_m: float = 2.0  # nip to areal-mass gauge, along the web
    plant_gain_mg_cm2_per_um: float = 0.34  # d(areal mass)/d(gap), nominal LFP
    kp_loop_gain: float = 0.2  # proportional part, as a fraction of the inverse plant gain
    ki_loop_gain: float = 0.25  # integral gain × plant gain × dead time
    gap_min_um: float = 10.0
    gap_max_um: float = 600.0
    gap_rate_um_s: float = 20.0  # limit on the commanded gap's rate of change
    feedback_limit_um: float = 60.0  # the loop trims the set-up, it does not replace it
    min_speed_m_min: float = 1.0  # below this the web barely moves: do not integrate

    def __post_init__(self) -> None:
        total = sum(self.formulation.values())
        if set(self.formulation) != set(FEEDERS) or abs(total - 1.0) > 1e-6:
            raise ValueError(
                f"formulation: needs fractions for {', '.join(FEEDERS)} summing to 1 "
                f"(got {dict(self.formulation)})"
            )


class LineController:
    name = "pi"

    def __init__(self, config: LineControllerConfig | None = None) -> None:
        self.config = config or LineControllerConfig()
        c = self.config
        self._pi = PI(
            kp=c.kp_loop_gain / c.plant_gain_mg_cm2_per_um,
            ki=0.0,
            out_min=-c.feedback_limit_um,
            out_max=c.feedback_limit_um,
        )
        self._setup_um: dict[str, float] | None = None
        self._gap_out_um: dict[str, float] = {}
        self._feedback_um = 0.0

    def step(self, image: ProcessImage, inputs: ControlInputs, dt_s: float) -> ControlResult:
        c = self.config
        sp = inputs.setpoints
        target = sp["areal_mass_target_mg_cm2"]
        conditions: list[str] = []

        speed_ok = image.is_good("line_speed_m_min")
        speed = image.get("line_speed_m_min") if speed_ok else sp["line_speed_sp_m_min"]
        total = feed_total_kg_h(target, sp["web_width_mm"], speed) if inputs.running else 0.0
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
        integrate = (
            gauge_ok
            and inputs.mode == "auto"
            and inputs.running
            and speed_ok
            and speed >= c.min_speed_m_min
        )
        if integrate:
            error = target - image.get("areal_mass_mg_cm2")
            dead_time_s = c.gauge_distance_m / (speed / 60.0)
            ki = c.ki_loop_gain / (c.plant_gain_mg_cm2_per_um * dead_time_s)
            self._feedback_um = self._pi.step(error, dt_s, ki=ki)
        # else: hold the last correction; the PI integral is untouched, so resuming is bumpless

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
        corrections = {"feed_feedforward_kg_h": total, "gap_feedback_um": self._feedback_um}
        return ControlResult(outputs, corrections, tuple(conditions))
