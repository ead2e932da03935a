"""Clocks for the control loop.

The loop asks a clock for `now()` and to `sleep_until(deadline)` on absolute deadlines, so a
late tick does not push every later tick back (as `sleep(period)` would). The simulated clock
jumps straight to the deadline: the same loop then runs as fast as the CPU allows.
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds on a monotonic scale."""

    def sleep_until(self, deadline: float) -> None:
        """Return at (or as soon as possible after) `deadline`."""


class RealClock:
    def now(self) -> float:
        return time.perf_counter()

    def sleep_until(self, deadline: float) -> None:
        remaining = deadline - time.perf_counter()
        if remaining > 0:
            time.sleep(remaining)


class SimClock:
    """Simulated time: sleeping advances the clock instantly; `advance` models work taking time."""

    def __init__(self, start: float = 0.0) -> None:
        self._t = start

    def now(self) -> float:
        return self._t

    def sleep_until(self, deadline: float) -> None:
        if deadline > self._t:
            self._t = deadline

    def advance(self, seconds: float) -> None:
        self._t += seconds
