"""Line sequences as explicit state machines: start, normal stop, quick stop, emergency stop.

The sequencer sits between the operator's commands and the controller, in the runtime thread.
Each tick it says what the controller is told (running, feed on or off, the speed it works
to) and which outputs it overrides (run command, feeders, gaps, the reject gate). No Qt, no
I/O: stepped by the runtime's clock, so every step and timeout is tested on the simulated one.

Start (from cold, or after any stop):
  check      preconditions: hoppers above their minimum, rolls at temperature, gaps at park
             (commanded there), no blocking condition, link good
  prime      only when the bank is below `bank_min_frac` × nominal: rolls stand, feeders at
             the priming flow until bank + powder in the mixer and conveyor make the nominal
             bank plus what the mixer holds at threading speed
  thread     the controller in closed loop at the threading speed until the bank is back to
             `thread_bank_frac` × nominal (the feed's bank guard fills it)
  ramp       the speed ramps to the operator's setpoint; the feed leads (the controller's);
             the ramp pauses while the bank is below `ramp_bank_frac` × nominal (the mixer's
             hold-up grows with the speed: the bank lends what the lead does not make up)
  settle     closed loop until the gauge is within tolerance for `in_spec_s` → running
Normal stop: feed off first; the line runs on (`run_on`), its speed following the powder
  still coming out of the mixer plus the bank above the end mass, until the mixer is empty
  and the bank is down to `stop_end_bank_frac` × nominal; then the rolls stop (`roll_stop`)
  and the gap opens to park (`park`).
Quick stop (operator): feed off, drive stop, gap held, the reject gate sends the mixer's
  hold-up to scrap until it is empty. Emergency stop (an interlock, the HMI's stop button in
  emergency, or the link lost beyond `comm_loss_emergency_s`): as quick, and the gap opens to
  park at once. A restart after either goes through `check` and the bank check.

Each step has a timeout: past it the step holds its outputs (it does not run on), the
condition `sequence_timeout` raises the alarm of that name, and the operator either starts
again (the step is retried) or stops.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from hmi.control.feed import RateDelay
from hmi.core.process import ProcessImage
from hmi.core.tags import FEEDERS, SIDES
from hmi.runtime.sequence_types import (
    Plan,
    SequenceConfig,
    SequenceState,
    sequence_config_for,
)

__all__ = ["LineSequencer", "Plan", "SequenceConfig", "SequenceState", "sequence_config_for"]

STOP_KINDS = ("normal", "quick", "emergency")
LAST_STOPS = (*STOP_KINDS, "tripped")  # tripped: the line stopped by itself
TIMEOUT_CONDITION = "sequence_timeout"
_FLOW_TAGS = tuple(f"feeder_{f}_flow_kg_h" for f in FEEDERS)
_RUNNING = Plan(running=True)  # a running line without a sequence: the same plan every tick
# conditions of the controller that forbid a start
BLOCKING = (
    "link_lost",
    "controller_fault",
    "gap_position_bad",
    "force_bad",
    "line_speed_bad",
    "roll_temperature_bad",
)


_STEPS = {
    "start": ("check", "prime", "thread", "ramp", "settle"),
    "normal_stop": ("run_on", "roll_stop", "park"),
    "quick_stop": ("quick_stop",),
    "emergency_stop": ("emergency_stop",),
}


class LineSequencer:
    def __init__(
        self,
        config: SequenceConfig,
        formulation: Mapping[str, float],
        *,
        running: bool,
        trim_width_frac: float = 0.03,
    ) -> None:
        self.config = config
        self.fractions = {f: float(formulation.get(f, 0.0)) for f in FEEDERS}
        self.trim_width_frac = trim_width_frac
        self.line_state = "running" if running else "stopped"
        self.sequence = ""
        self.step = ""
        self.step_elapsed_s = 0.0
        self.held = False
        self.last_stop = ""
        self.waiting_for = ""
        self.holdup_kg: float | None = None  # mixer hold-up estimate, from the weighed feed
        self._recycle: RateDelay | None = None
        self._ramp_m_min = 0.0
        self._v_cap_m_min = 0.0
        self._in_spec_s = 0.0
        self._link_lost_s = 0.0
        self._park = False  # keep the gaps at park while stopped
        self._last_bank_kg = 0.0
        self._not_running_s = 0.0
        self.notes: list[str] = []  # what happened on its own, for the runtime's messages
        self._state_key: tuple | None = None  # what `state()` last built its record from
        self._elapsed_seen = (math.nan, math.nan)  # step_elapsed_s and its rounding, last asked
        self._state = SequenceState()

    # ----- commands (return the message the runtime notes) -----
    def start(self) -> str:
        if self.sequence == "start" and self.held:
            self._retry()
            return f"start: step {self.step} retried"
        if self.line_state != "stopped" or self.sequence:
            return f"rejected: start: the line is {self.line_state} ({self.state().text})"
        self._begin("start")
        return "start sequence begun"

    def stop(self, kind: str) -> str:
        if kind not in STOP_KINDS:
            return f"rejected: stop: {kind!r} is not one of {', '.join(STOP_KINDS)}"
        name = f"{kind}_stop"
        if self.sequence == name and self.held:
            self._retry()
            return f"{kind} stop: step {self.step} retried"
        if self.line_state == "stopped" and not self.sequence and kind == "normal":
            return "stop: the line is stopped already"
        rank = {"": 0, "start": 0, "normal_stop": 1, "quick_stop": 2, "emergency_stop": 3}
        if rank[self.sequence] >= rank[name]:  # a harder stop is under way already
            return f"{kind} stop: {self.sequence.replace('_', ' ')} under way"
        self._begin(name)
        return f"{kind} stop begun"

    def restore(self, line_state: str, last_stop: str) -> None:
        """After an HMI restart: the line as found (`line_state`), how it last stopped."""
        self.line_state = line_state if line_state in ("running", "stopped") else "stopped"
        self.last_stop = last_stop if last_stop in LAST_STOPS else ""
        self.sequence = self.step = ""
        self.held = False
        self._park = self.line_state == "stopped" and self.last_stop in ("normal", "emergency")

    def state(self) -> SequenceState:
        """The record for the snapshot; the same object while nothing in it changed (every
        tick asks, and a line runs for hours between two sequences)."""
        elapsed, rounded = self._elapsed_seen
        if self.step_elapsed_s != elapsed:  # round() to digits converts to decimal: only anew
            elapsed = self.step_elapsed_s
            rounded = round(elapsed, 3)
            self._elapsed_seen = (elapsed, rounded)
        key = (
            self.config,
            self.line_state,
            self.sequence,
            self.step,
            rounded,
            self.held,
            self.last_stop,
            self.waiting_for,
        )
        if key != self._state_key:
            self._state_key = key
            timeout = self.config.timeouts_s.get(self.step, 0.0) if self.step else 0.0
            self._state = SequenceState(*key[1:5], timeout, *key[5:])
        return self._state

    # ----- per tick -----
    def plan(
        self,
        image: ProcessImage,
        setpoints: Mapping[str, float],
        conditions: tuple[str, ...],
        dt_s: float,
        link_ok: bool = True,
    ) -> Plan:
        self._track_holdup(image, dt_s)
        self._watch_trip(image, dt_s)
        self._link_lost_s = 0.0 if link_ok else self._link_lost_s + dt_s
        if self._link_lost_s > self.config.comm_loss_emergency_s and self.line_state != "stopped":
            if self.sequence != "emergency_stop":
                self._begin("emergency_stop")
        if self.sequence:
            self.step_elapsed_s += dt_s
            plan, done = self._step(image, setpoints, conditions, dt_s)
            timeout = self.config.timeouts_s.get(self.step, math.inf)
            if done and not self.held:
                self._advance()
            elif self.step_elapsed_s > timeout and not self.held:
                self.held = True
            if self.held:
                plan = Plan(
                    plan.running,
                    plan.feed_enabled,
                    plan.speed_sp_m_min,
                    plan.outputs,
                    (TIMEOUT_CONDITION,),
                )
            return plan
        if self.line_state == "running":
            return _RUNNING
        return self._stopped()

    # ----- the steps -----
    def _step(self, image, setpoints, conditions, dt_s) -> tuple[Plan, bool]:
        c, v = self.config, image.values
        good = image.is_good
        bank = v.get("bank_mass_kg", math.nan) if good("bank_mass_kg") else math.nan
        speed = v.get("line_speed_m_min", math.nan) if good("line_speed_m_min") else math.nan
        nominal = c.bank_nominal_kg
        step = self.step
        self.waiting_for = ""
        if step == "check":
            missing = self._preconditions(image, setpoints, conditions)
            self.waiting_for = "; ".join(missing)
            return self._stopped(park=True), not missing
        if step == "prime":
            flow = self._film_kg_h(setpoints, c.thread_speed_m_min)
            wanted = nominal + flow / 3600.0 * (c.mixer_residence_s + c.conveyor_delay_s)
            self.waiting_for = f"bank + powder on its way ≥ {wanted:.1f} kg"
            outputs = self._outputs(run=True, feed_kg_h=c.prime_feed_kg_h, park=True)
            outputs["line_speed_out_m_min"] = 0.0
            return Plan(False, False, 0.0, outputs), bank + self._transit_kg() >= wanted
        if step == "thread":
            self.waiting_for = f"bank ≥ {c.thread_bank_frac * nominal:.1f} kg at threading speed"
            done = (
                self.step_elapsed_s >= 10.0
                and speed >= c.thread_speed_m_min - 0.5
                and bank >= c.thread_bank_frac * nominal
            )
            return Plan(True, True, c.thread_speed_m_min), done
        if step == "ramp":
            target = setpoints["line_speed_sp_m_min"]
            if bank >= c.ramp_bank_frac * nominal:  # else the ramp waits for the bank
                self._ramp_m_min = min(target, self._ramp_m_min + c.start_ramp_m_min_s * dt_s)
            self.waiting_for = f"line speed {target:g} m/min"
            done = self._ramp_m_min >= target and speed >= target - 0.5
            return Plan(True, True, self._ramp_m_min), done
        if step == "settle":
            target = setpoints["areal_mass_target_mg_cm2"]
            tolerance = setpoints.get("areal_mass_tolerance_pct", 1.5)
            m = v.get("areal_mass_mg_cm2", math.nan) if good("areal_mass_mg_cm2") else math.nan
            inside = abs(m / target - 1.0) * 100.0 <= tolerance
            self._in_spec_s = self._in_spec_s + dt_s if inside else 0.0
            self.waiting_for = "areal mass within tolerance"
            return Plan(True), self._in_spec_s >= c.in_spec_s
        if step == "run_on":
            end = c.stop_end_bank_frac * nominal
            out_kg_h = (self.holdup_kg or 0.0) / c.mixer_residence_s * 3600.0
            draw = out_kg_h + (bank - end) * 3600.0 / c.run_on_draw_s
            per_speed = self._film_kg_h(setpoints, 1.0, net=False)
            wanted = draw / per_speed if per_speed > 0.0 and math.isfinite(draw) else 0.0
            wanted = max(0.0, min(self._v_cap_m_min, wanted))
            self.waiting_for = f"mixer empty and bank ≤ {end + 0.1 * nominal:.1f} kg"
            drained = self._transit_kg() < c.holdup_drained_kg
            return Plan(True, False, wanted), drained and bank <= end + 0.1 * nominal
        if step == "roll_stop":
            self.waiting_for = "rolls stopped"
            return self._stopped(), speed <= c.stopped_speed_m_min
        if step == "park":
            self.waiting_for = f"gaps at park ({c.gap_park_um:g} µm)"
            return self._stopped(park=True), self._parked(image)
        # quick and emergency stop: feed off, drive stop, mixer to scrap
        emergency = step == "emergency_stop"
        outputs = self._outputs(run=False, feed_kg_h=0.0, park=emergency)
        outputs["mixer_divert_cmd"] = 1.0
        self.waiting_for = "rolls stopped and mixer emptied to scrap"
        done = speed <= c.stopped_speed_m_min and self._transit_kg() < c.holdup_drained_kg
        return Plan(False, False, 0.0, outputs), done and (not emergency or self._parked(image))

    def _preconditions(self, image, setpoints, conditions) -> list[str]:
        c, v, good = self.config, image.values, image.is_good
        missing = []
        for f in FEEDERS:
            name = f"feeder_{f}_hopper_kg"
            if self.fractions[f] > 0.0 and not (good(name) and v[name] >= c.hopper_min_kg):
                missing.append(f"hopper {f} above {c.hopper_min_kg:g} kg")
        t_sp = setpoints.get("roll_temperature_sp_c", math.nan)
        t = v.get("roll_temperature_c", math.nan) if good("roll_temperature_c") else math.nan
        if math.isfinite(t_sp) and not abs(t - t_sp) <= c.roll_temperature_band_c:
            missing.append(f"rolls at {t_sp:g} ± {c.roll_temperature_band_c:g} °C")
        if not self._parked(image):
            missing.append(f"gaps at park ({c.gap_park_um:g} µm)")
        blocking = [x for x in conditions if x in BLOCKING]
        if blocking:
            missing.append("no " + ", ".join(blocking))
        return missing

    def _watch_trip(self, image: ProcessImage, dt_s: float) -> None:
        """A line that stops while told to run (its own interlock, a PLC restarted cold) is
        stopped: the HMI follows it — feed and drive off — and a start goes through the
        checks again, instead of driving a line it no longer knows."""
        told_to_run = (self.line_state == "running" and not self.sequence) or self.step in (
            "prime", "thread", "ramp", "settle", "run_on"
        )  # fmt: skip
        stands = image.is_good("line_running") and image.values["line_running"] < 0.5
        self._not_running_s = self._not_running_s + dt_s if told_to_run and stands else 0.0
        if self._not_running_s > self.config.trip_s:
            was = self.state().text
            self.sequence = self.step = ""
            self.held = False
            self.line_state, self.last_stop = "stopped", "tripped"
            self._not_running_s = 0.0
            self.notes.append(f"line stopped by itself (was {was}): stopped and safe")

    # ----- helpers -----
    def _begin(self, sequence: str) -> None:
        self.sequence = sequence
        self.step = _STEPS[sequence][0]
        self.step_elapsed_s = 0.0
        self.held = False
        self._in_spec_s = 0.0
        self.line_state = "starting" if sequence == "start" else "stopping"
        if sequence == "normal_stop":
            self._v_cap_m_min = math.inf
        self._park = False

    def _retry(self) -> None:
        self.held = False
        self.step_elapsed_s = 0.0

    def _advance(self) -> None:
        steps = _STEPS[self.sequence]
        i = steps.index(self.step) + 1
        if self.step == "check" and self._bank_ok():
            i += 1  # the bank is there: no priming
        if self.step in ("prime", "check"):
            self._ramp_m_min = self.config.thread_speed_m_min
        self.step_elapsed_s = 0.0
        if i < len(steps):
            self.step = steps[i]
            return
        stopped = self.sequence != "start"
        self.line_state = "stopped" if stopped else "running"
        self.last_stop = self.sequence.removesuffix("_stop") if stopped else ""
        self._park = stopped and self.last_stop in ("normal", "emergency")
        self.sequence = self.step = ""
        self.waiting_for = ""

    def _bank_ok(self) -> bool:
        return self._last_bank_kg >= self.config.bank_min_frac * self.config.bank_nominal_kg

    def _track_holdup(self, image: ProcessImage, dt_s: float) -> None:
        """The mixer's hold-up from the weighed feed and the trim returning: dH/dt = Q − H/τ."""
        c, v, good = self.config, image.values, image.is_good
        if good("bank_mass_kg"):
            self._last_bank_kg = v["bank_mass_kg"]
            if self.sequence == "normal_stop" and self.step == "run_on":
                speed = v.get("line_speed_m_min", 0.0)
                self._v_cap_m_min = min(self._v_cap_m_min, max(speed, c.thread_speed_m_min))
        flows = [v.get(name, math.nan) for name in _FLOW_TAGS]
        fed = sum(filter(math.isfinite, flows))  # the same terms in the same order, in C
        cut = v.get("recycle_flow_kg_h", 0.0) if good("recycle_flow_kg_h") else 0.0
        if self.holdup_kg is None:  # a line found running is in steady state
            self._recycle = RateDelay(c.recycle_delay_s, cut)
            self.holdup_kg = (fed + cut) / 3600.0 * c.mixer_residence_s
        assert self._recycle is not None
        q_in = fed + self._recycle.step(dt_s, cut)
        a = math.exp(-dt_s / c.mixer_residence_s)
        self.holdup_kg = self.holdup_kg * a + q_in / 3600.0 * c.mixer_residence_s * (1.0 - a)

    def _transit_kg(self) -> float:
        """Powder in the mixer and on the conveyor (estimate)."""
        c, h = self.config, self.holdup_kg or 0.0
        return h * (1.0 + c.conveyor_delay_s / c.mixer_residence_s)

    def _film_kg_h(
        self, setpoints: Mapping[str, float], speed_m_min: float, net: bool = True
    ) -> float:
        """Film drawn at the nip (net: less the trim that comes back), kg/h."""
        m, w = setpoints["areal_mass_target_mg_cm2"], setpoints["web_width_mm"] / 1000.0
        return 0.6 * m * w * speed_m_min * ((1.0 - self.trim_width_frac) if net else 1.0)

    def _parked(self, image: ProcessImage) -> bool:
        c = self.config
        return all(
            image.is_good(f"gap_{s}_um")
            and abs(image.values[f"gap_{s}_um"] - c.gap_park_um) <= c.gap_park_band_um
            for s in SIDES
        )

    def _outputs(self, *, run: bool, feed_kg_h: float, park: bool) -> dict[str, float]:
        out = {f"feeder_{f}_sp_kg_h": feed_kg_h * self.fractions[f] for f in FEEDERS}
        out["line_run_cmd"] = 1.0 if run else 0.0
        out["mixer_divert_cmd"] = 0.0
        if not run:
            out["line_speed_out_m_min"] = 0.0
        if park:
            out.update({f"gap_{s}_sp_um": self.config.gap_park_um for s in SIDES})
        return out

    def _stopped(self, park: bool | None = None) -> Plan:
        park = self._park if park is None else park
        return Plan(False, False, 0.0, self._outputs(run=False, feed_kg_h=0.0, park=park))
