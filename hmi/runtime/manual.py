"""Manual mode and setpoint ramps, in the runtime thread.

Manual: the operator drives the gap per side (µm) and the total feed (kg/h, split as the
feeders were last commanded, i.e. by the recipe's formulation). Entering manual takes the
outputs last written, so nothing moves (bumpless to manual); the controller keeps running in
"manual" (its feedback held). Back in auto the outputs leave the operator's values towards the
controller's at a bounded rate (`gap_transfer_um_s`, `feed_transfer_frac_s`) until they meet,
so nothing jumps either way (bumpless to auto); the controller's feedback stays held until they
have (it must not integrate against outputs it does not set).

Ramps: the controller works to a ramped copy of the operator's line-speed setpoint (and of the
target, if a rate is set); the snapshot carries the operator's value, as entered.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from hmi.core.tags import FEEDERS, SIDES, TagRangeError, tag
from hmi.runtime.commands import SetManualFeed, SetManualGap

GAP_SP = tuple(f"gap_{s}_sp_um" for s in SIDES)
FEEDER_SP = tuple(f"feeder_{f}_sp_kg_h" for f in FEEDERS)
_WRITTEN = GAP_SP + FEEDER_SP  # the outputs remembered each tick


@dataclass(frozen=True, slots=True)
class ManualState:
    """What the snapshot shows of manual mode (None while not set)."""

    active: bool = False
    gap_os_um: float | None = None
    gap_ds_um: float | None = None
    feed_total_kg_h: float | None = None
    transferring: bool = False  # back in auto, the outputs still on their way to the controller's


class ManualStation:
    def __init__(self, gap_transfer_um_s: float = 2.0, feed_transfer_frac_s: float = 0.02):
        self.gap_transfer_um_s = gap_transfer_um_s
        self.feed_transfer_frac_s = feed_transfer_frac_s
        self.active = False
        self.gap_um: dict[str, float] = {}
        self.feed_total_kg_h = math.nan
        self._split: dict[str, float] = {}
        self._last: dict[str, float] = {}  # the outputs written last tick
        self._transfer: dict[str, float] = {}  # output -> value on its way back to auto
        self._state = ManualState()  # the last record `state()` built, and what it shows
        self._state_key: tuple = (False, None, None, None, False)
        self._idle: ManualState | None = None  # the record in auto, until a mutator runs

    @property
    def transferring(self) -> bool:
        return bool(self._transfer)

    def state(self) -> ManualState:
        """The record for the snapshot; the same object while nothing in it changed."""
        if not self.active and not self._transfer:  # in auto only a mutator below changes it
            if self._idle is None:
                self._idle = self._build_state()
            return self._idle
        self._idle = None
        return self._build_state()

    def _build_state(self) -> ManualState:
        key = (
            self.active,
            _known(self.gap_um.get("os", math.nan)),
            _known(self.gap_um.get("ds", math.nan)),
            _known(self.feed_total_kg_h),
            bool(self._transfer),
        )
        if key != self._state_key:
            self._state_key = key
            self._state = ManualState(*key)
        return self._state

    def enter(self) -> None:
        """To manual: hold what was written last."""
        self._idle = None
        if self.active:
            return
        self.active = True
        self._transfer = {}
        for s, name in zip(SIDES, GAP_SP, strict=True):
            self.gap_um[s] = self._last.get(name, math.nan)
        feeds = {f: self._last.get(name, 0.0) for f, name in zip(FEEDERS, FEEDER_SP, strict=True)}
        total = sum(feeds.values())
        self.feed_total_kg_h = total
        if total > 0.0:
            self._split = {f: q / total for f, q in feeds.items()}

    def leave(self) -> None:
        """To auto: the outputs start from the operator's values."""
        if not self.active:
            return
        self.active = False
        self._transfer = {k: v for k, v in self._manual_outputs().items() if math.isfinite(v)}

    def set_gap(self, side: str, gap_um: float) -> None:
        self._idle = None
        self.gap_um[side] = gap_um

    def set_feed(self, total_kg_h: float, formulation: Mapping[str, float]) -> None:
        self._idle = None
        self.feed_total_kg_h = total_kg_h
        if not self._split:
            self._split = {f: float(formulation.get(f, 0.0)) for f in FEEDERS}

    def restore(self, gap_um: Mapping[str, float], feed_total_kg_h: float) -> None:
        self._idle = None
        self.gap_um = {s: float(gap_um[s]) for s in SIDES if s in gap_um}
        self.feed_total_kg_h = feed_total_kg_h

    def apply(self, outputs: dict[str, float], dt_s: float, line_moving: bool) -> None:
        """Override (manual) or slew back (after manual) the controller's outputs in place;
        remember what goes out. While a sequence overrides, the caller applies its overrides
        after this."""
        if self.active:
            manual = self._manual_outputs(line_moving)
            outputs.update({k: v for k, v in manual.items() if math.isfinite(v)})
        elif self._transfer:
            for name, value in list(self._transfer.items()):
                wanted = outputs.get(name, value)
                if name in GAP_SP:
                    step = self.gap_transfer_um_s * dt_s
                else:
                    step = self.feed_transfer_frac_s * max(abs(wanted), abs(value), 1.0) * dt_s
                moved = value + max(-step, min(step, wanted - value))
                outputs[name] = moved
                if abs(wanted - moved) < 1e-9:
                    del self._transfer[name]
                else:
                    self._transfer[name] = moved
        self._last = {k: outputs[k] for k in _WRITTEN if k in outputs}

    def _manual_outputs(self, line_moving: bool = True) -> dict[str, float]:
        out = {name: self.gap_um.get(s, math.nan) for s, name in zip(SIDES, GAP_SP, strict=True)}
        total = self.feed_total_kg_h if line_moving else 0.0
        if math.isfinite(total):
            for f, name in zip(FEEDERS, FEEDER_SP, strict=True):
                out[name] = total * self._split.get(f, 0.0)
        return out


class SetpointRamps:
    """The controller's working copy of ramped setpoints: each moves to the operator's value at
    its rate (per second); a rate of None passes the value at once (the model controller's
    set-up already leads a target change, as for a grade change)."""

    def __init__(self, rates: Mapping[str, float | None] | None = None) -> None:
        self.rates = dict(
            rates if rates is not None else {"line_speed_sp_m_min": 2.0}
        )  # m/min per s
        self.working: dict[str, float] = {}

    def step(self, setpoints: Mapping[str, float], dt_s: float) -> dict[str, float]:
        out = dict(setpoints)
        for name, rate in self.rates.items():
            wanted = setpoints.get(name, math.nan)
            now = self.working.get(name, wanted)
            if rate is None or not math.isfinite(now) or not math.isfinite(wanted):
                now = wanted
            else:
                now += max(-rate * dt_s, min(rate * dt_s, wanted - now))
            self.working[name] = now
            out[name] = now
        return out

    def follow(self, name: str, value: float) -> None:
        """A sequence drove this setpoint: the ramp continues from where it left it."""
        self.working[name] = value


def manual_command(
    station: ManualStation,
    mode: str,
    command: SetManualGap | SetManualFeed,
    formulation: Mapping[str, float],
) -> str:
    """Apply an operator's manual gap or feed; the message to note ("rejected: ...")."""
    if mode != "manual":
        return "rejected: manual commands need manual mode"
    try:
        if isinstance(command, SetManualGap):
            if command.side not in SIDES:
                raise ValueError(f"side {command.side!r} is not os or ds")
            value = tag(f"gap_{command.side}_sp_um").check(command.gap_um)
            station.set_gap(command.side, value)
            text = f"manual gap {command.side} = {value:g} µm"
        else:
            value = tag("feed_total_sp_kg_h").check(command.total_kg_h)
            station.set_feed(value, formulation)
            text = f"manual feed = {value:g} kg/h"
    except (ValueError, TagRangeError) as exc:
        return f"rejected: {exc}"
    return f"{text} by {command.user}"


def _known(value: float) -> float | None:
    return value if math.isfinite(value) else None
