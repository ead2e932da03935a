"""The contract between the runtime and any controller."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple, Protocol

from hmi.core.process import ProcessImage


class ControlInputs(NamedTuple):  # a named tuple, as hmi.core.process explains
    setpoints: Mapping[str, float]  # setpoint tags, e.g. areal_mass_target_mg_cm2
    running: bool  # the operator's run command
    mode: str  # "auto": feedback loops act; "manual": feedback held, feedforward only
    # False while a stop sequence runs the line on without feed (feed off first, the bank and
    # the mixer's hold-up drawn down): the controller asks no feed and winds up nothing on it
    feed_enabled: bool = True


class ControlResult(NamedTuple):
    outputs: dict[str, float]  # output tags, written to the hardware
    corrections: dict[str, float]  # named contributions for display
    conditions: tuple[str, ...] = ()  # abnormal conditions, e.g. "gauge_bad"


class Controller(Protocol):
    name: str

    def step(self, image: ProcessImage, inputs: ControlInputs, dt_s: float) -> ControlResult: ...
