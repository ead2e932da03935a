"""Disturbances and faults of the emulated line, one method per scenario event type.

`line.disturb` is a `Disturbances`; the scenario runner calls
`getattr(line.disturb, event_type)(**fields)`, so method and keyword names are the event types
and fields of hmi.sim.scenario. Every event acts from the moment it is called:

* bulk_density_step(magnitude): the powder arriving at the feeders is (1 + magnitude) times as
  dense in bulk. Feed factors change at once (the gravimetric trims then correct the flows);
  the nip intake follows as the powder reaches the bank (first-order lag, τ = mixer residence
  + conveyor delay).
* powder_lot(magnitude): a lot whose compaction resistance γ is (1 + magnitude) times the
  present one, reaching the nip with the same lag: same film, different force and thickness.
* roll_temperature_step(magnitude): the roll temperature setpoint moves by magnitude K; the
  roll follows, the gap closes −9 µm/K (rolls.py).
* eccentricity(amplitude_um): roll eccentricity of amplitude A1 at 1× the roll rotation and
  A2 = 0.3·A1 at 2× (an oval-ground roll adds a second harmonic; 30 % is a typical share).
* gauge_noise(sigma_pct): σ of a zone reading of the areal-mass gauge, % of reading.
* gauge_fault(mode, duration_s, magnitude=0.0): stuck | nan | spike | offset (gauge.py).
* feeder_bridging(feeder, severity, duration_s): the feeder's flow drops by `severity` (0–1)
  for `duration_s` while its screw keeps turning (feeder.py).
* feeder_refill(feeder): a refill starts now (volumetric running, fresh powder afterwards).
* hydraulic_null_shift(side, magnitude_um): the side's cylinder stands `magnitude_um` further
  open (cumulative) than its position sensor, which still reads the commanded position: the
  gap the film sees changes, the gap tag does not.
* gap_sensor_drift(side, rate_um_per_min): the side's gap position reading drifts at this rate
  (replacing any previous rate; the drift accumulated so far stays); the gap does not move.

Invalid arguments raise ValueError naming the parameter and the allowed values.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from hmi.core.tags import FEEDERS, SIDES
from hmi.plant.gauge import FAULT_MODES

if TYPE_CHECKING:
    from hmi.plant.line import Line

ECC_2X_SHARE = 0.3
"""Second-harmonic eccentricity as a share of the 1× amplitude."""


def _finite(name: str, value: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: {value!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{name}: {value!r} must be a finite number")
    return number


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"{name}: {value!r} is not one of {', '.join(allowed)}")
    return value


def _duration(value: float) -> float:
    number = _finite("duration_s", value)
    if number < 0.0:
        raise ValueError(f"duration_s: {value!r} must be >= 0 s")
    return number


class Disturbances:
    """The line's disturbance and fault injection facade (see the module docstring)."""

    def __init__(self, line: Line) -> None:
        self._line = line
        self.log: list[tuple[float, str, dict[str, object]]] = []

    def _note(self, event: str, **fields: object) -> None:
        self.log.append((self._line.time_s, event, fields))

    def bulk_density_step(self, magnitude: float) -> None:
        m = _finite("magnitude", magnitude)
        if not m > -1.0:
            raise ValueError(f"magnitude: {magnitude!r} must be > -1 (a fraction, 0.05 = +5 %)")
        line = self._line
        line.powder.change_feed(bulk_density_factor=1.0 + m)
        for feeder in line.feeders.values():
            feeder.bulk_density_rel = line.powder.feed_bulk_density_rel
        self._note("bulk_density_step", magnitude=m)

    def powder_lot(self, magnitude: float) -> None:
        m = _finite("magnitude", magnitude)
        if not m > -1.0:
            raise ValueError(f"magnitude: {magnitude!r} must be > -1 (a fraction of γ)")
        self._line.powder.change_feed(gamma_factor=1.0 + m)
        self._note("powder_lot", magnitude=m)

    def roll_temperature_step(self, magnitude: float) -> None:
        m = _finite("magnitude", magnitude)
        self._line.rolls.temperature_sp_c += m
        self._note("roll_temperature_step", magnitude=m)

    def eccentricity(self, amplitude_um: float) -> None:
        a = _finite("amplitude_um", amplitude_um)
        if a < 0.0:
            raise ValueError(f"amplitude_um: {amplitude_um!r} must be >= 0 µm")
        rolls = self._line.rolls
        rolls.ecc_1x_um = a
        rolls.ecc_2x_um = ECC_2X_SHARE * a
        if a == 0.0:
            rolls.eccentricity_gap_um = 0.0
        self._note("eccentricity", amplitude_um=a)

    def gauge_noise(self, sigma_pct: float) -> None:
        s = _finite("sigma_pct", sigma_pct)
        if s < 0.0:
            raise ValueError(f"sigma_pct: {sigma_pct!r} must be >= 0 %")
        self._line.gauge.sigma_rel = s / 100.0
        self._note("gauge_noise", sigma_pct=s)

    def gauge_fault(self, mode: str, duration_s: float, magnitude: float = 0.0) -> None:
        _choice("mode", mode, FAULT_MODES)
        d = _duration(duration_s)
        m = _finite("magnitude", magnitude)
        self._line.gauge.fault(mode, d, m)
        self._note("gauge_fault", mode=mode, duration_s=d, magnitude=m)

    def feeder_bridging(self, feeder: str, severity: float, duration_s: float) -> None:
        _choice("feeder", feeder, FEEDERS)
        s = _finite("severity", severity)
        if not 0.0 <= s <= 1.0:
            raise ValueError(f"severity: {severity!r} must be in 0 to 1")
        d = _duration(duration_s)
        self._line.feeders[feeder].bridge(s, d)
        self._note("feeder_bridging", feeder=feeder, severity=s, duration_s=d)

    def feeder_refill(self, feeder: str) -> None:
        _choice("feeder", feeder, FEEDERS)
        self._line.feeders[feeder].force_refill()
        self._note("feeder_refill", feeder=feeder)

    def hydraulic_null_shift(self, side: str, magnitude_um: float) -> None:
        _choice("side", side, SIDES)
        m = _finite("magnitude_um", magnitude_um)
        self._line.gap_null_shift_um[side] += m
        self._line.refresh_gap_faults()
        self._note("hydraulic_null_shift", side=side, magnitude_um=m)

    def gap_sensor_drift(self, side: str, rate_um_per_min: float) -> None:
        _choice("side", side, SIDES)
        r = _finite("rate_um_per_min", rate_um_per_min)
        self._line.gap_sensor_drift_rate_um_min[side] = r
        self._line.refresh_gap_faults()
        self._note("gap_sensor_drift", side=side, rate_um_per_min=r)
