"""A tiny driver for the alarm engine on a simulated clock."""

from __future__ import annotations

import math

from hmi.alarms import AlarmEngine, AlarmEvent, definition

WALL0 = 1_700_000_000.0


HIGH = {"name": "bank_high", "tag": "bank_mass_kg", "condition": "high", "priority": "high"}
HIGH |= {"limit": 8.0, "deadband": 0.5}
# a flag alarm: the controller's gauge_bad condition
GAUGE_FAULT = {"name": "gauge_fault", "tag": "areal_mass_mg_cm2", "condition": "flag"}
GAUGE_FAULT |= {"flag": "gauge_bad", "priority": "high"}


def high(**over: object):
    return definition(**(HIGH | over))


def gauge_fault(**over: object):
    return definition(**(GAUGE_FAULT | over))


class Driver:
    """Feeds values tick by tick (10 ms) and records the events."""

    def __init__(
        self, *defs, period_s: float = 0.01, settle_s: float = 0.0, grade_change_s: float = 0.0
    ) -> None:
        self.events: list[AlarmEvent] = []
        self.engine = AlarmEngine(
            defs, self.events.append, settle_s=settle_s, grade_change_s=grade_change_s
        )
        self.t = 0.0
        self.period = period_s
        self.values: dict[str, float] = {}
        self.quality: dict[str, int] = {}
        self.flags: tuple[str, ...] = ()
        self.running = True

    def run(self, seconds: float, **values: float) -> None:
        self.values.update(values)
        for _ in range(max(1, round(seconds / self.period))):
            self.t += self.period
            self.engine.evaluate(
                self.t, WALL0 + self.t, self.values, self.quality, self.flags, self.running
            )

    def kinds(self, alarm: str | None = None) -> list[str]:
        return [str(e.event) for e in self.events if alarm is None or e.alarm == alarm]

    def state(self, name: str) -> str:
        return str(self.engine.state(name))


def nan() -> float:
    return math.nan
