"""Gap and feed controllers: pure step(inputs, dt) -> outputs. No I/O, no threads, no Qt.

Selectable by name (`hmi --controller`, `hmi sim run --controller`):
  model     the product's controller (default): feed mass balance, gap set-up with bank
            feedforward, thermal, eccentricity and wedge compensation, dead-time-compensated
            areal-mass monitor (hmi/control/model.py)
  baseline  a plain PI from the gauge to the gap with fixed gains and feed = target × width ×
            speed, kept for comparison (hmi/control/line.py)
  pi        the baseline's old name

The model controller, in brief (the equations are in each module's docstring):
  model.py          composes the rest and publishes (publish.py) the terms of the setpoints
  gap.py            per side: sp = ref + thermal + eccentricity + tilt + gaugemeter, limited
  setup.py          set-up m = c·φ(bank)·S inverted for the target, grade ramps, off-spec
  massbalance.py    the film drawn now from the powder path's mass balance (adapts c)
  deadtime.py       Smith predictor / IMC on the gauge, delay in metres of web
  monitor.py        the gauge loop: supervised scans into the predictor
  supervise.py      bad, stuck, spike (checked against the model and the caliper), lost link
  gaugecheck.py     the gauge against the raw mass balance (no adapted term), latched until
                    an engineer resolves it (`resolve`)
  thermal.py        roll growth from the roll temperature
  eccentricity.py   angle-indexed adaptive feedforward learned from the roll force
  crossdir.py       wedge: gaugemeter (force difference), tilt (gauge edges), pivot
  feed.py           feed mass balance, recycle, mixer lead, ratio, refill, make-up, bank trim,
                    feed-first speed changes and the feed-limited speed

Modes: "auto" runs every loop; "manual" holds the feedback (the gauge and mass-balance
corrections, tilt, gaugemeter, eccentricity learning, bank trim) and keeps the feedforward
(feed, set-up with the bank, thermal, the learned eccentricity). Feedback resumes from where it
was held, so switching is bumpless either way.

Bad inputs never move the gap: a bad, stuck or implausible gauge scan is not used; a bad force
freezes what learns from it; a bad angle is dead-reckoned from the speed; a lost link holds
every output as last written, and its return is bumpless (model.py `_resume`: the intake is
re-based on the held gap and the bank and gauge now, the set-up leaves the held gap at
`recovery_gap_rate_um_s`). Each raises a condition in ControlResult.conditions:
gauge_bad, gauge_stuck, gauge_spike, gauge_model_mismatch, link_lost, force_bad, bank_bad,
bank_low, roll_temperature_bad, line_speed_bad, feeder_flow_bad, feed_limited,
gap_position_bad, and the latched gauge_mass_balance_disagree.

Run time: the eccentricity compensation, the rate limit and the outputs run every tick (100 Hz);
the rest every 0.1 s, which the loops' time constants (seconds and up) allow.
"""

from collections.abc import Callable, Mapping

from hmi.control.base import ControlInputs, Controller, ControlResult
from hmi.control.config import LineControllerConfig, feed_total_kg_h
from hmi.control.gaugecheck import CONDITION as GAUGE_CHECK_CONDITION
from hmi.control.line import BaselineController, LineController
from hmi.control.model import ModelController

CONTROLLERS: dict[str, Callable[[LineControllerConfig], Controller]] = {
    "model": ModelController,
    "baseline": BaselineController,
    "pi": BaselineController,  # alias of baseline
}
DEFAULT_CONTROLLER = "model"  # what the app and scenario runs use unless told otherwise
# Conditions the model controller latches until an engineer resolves them (controller.resolve;
# each has an alarm of the same name in resources/alarms.toml)
LATCHED_CONDITIONS = (GAUGE_CHECK_CONDITION,)


def make_controller(
    name: str,
    formulation: Mapping[str, float],
    gauge_distance_m: float,
    line: Mapping[str, object] | None = None,
) -> Controller:
    """Build a controller by name from the line's formulation and geometry.

    `line` carries further machine data by LineControllerConfig field name (e.g. a profile's
    `[line]` section: mill_modulus_kn_um, roll_diameter_mm, ...); unknown names are ignored.
    """
    try:
        factory = CONTROLLERS[name]
    except KeyError:
        known = ", ".join(sorted(CONTROLLERS))
        raise ValueError(f"controller: no controller named {name!r} (known: {known})") from None
    data = {**(line or {}), "gauge_distance_m": gauge_distance_m}
    return factory(LineControllerConfig.from_line(formulation, data))


__all__ = [
    "CONTROLLERS",
    "DEFAULT_CONTROLLER",
    "LATCHED_CONDITIONS",
    "BaselineController",
    "ControlInputs",
    "ControlResult",
    "Controller",
    "LineController",
    "LineControllerConfig",
    "ModelController",
    "feed_total_kg_h",
    "make_controller",
]
