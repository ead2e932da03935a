"""Alarm performance of a run (EEMUA 191 style): the alarms raised, when each cleared, and the
peak number raised in any 10-minute window. An event sink, so it rides on the engine."""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

from hmi.alarms.model import AlarmEvent, Event

PEAK_WINDOW_S = 600.0


@dataclass(slots=True)
class Occurrence:
    alarm: str
    tag: str
    priority: int
    raised_s: float
    cleared_s: float = math.nan  # nan: still active at the end of the run


class AlarmReport:
    """Collects occurrences from engine events (runtime clock `t_s`)."""

    def __init__(self) -> None:
        self.occurrences: list[Occurrence] = []
        self._open: dict[str, Occurrence] = {}

    def offer(self, e: AlarmEvent) -> None:
        if e.event is Event.RAISED:
            occurrence = Occurrence(e.alarm, e.tag, e.priority, e.t_s)
            self.occurrences.append(occurrence)
            self._open[e.alarm] = occurrence
        elif e.event in (Event.CLEARED, Event.SUPPRESSED, Event.SHELVED, Event.OUT_OF_SERVICE):
            occurrence = self._open.pop(e.alarm, None)
            if occurrence is not None:
                occurrence.cleared_s = e.t_s

    def peak(self, window_s: float = PEAK_WINDOW_S) -> int:
        """Most alarms raised within any `window_s` (sliding window over the raise times)."""
        times = sorted(o.raised_s for o in self.occurrences)
        best = 0
        for i, t in enumerate(times):
            best = max(best, bisect.bisect_right(times, t + window_s - 1e-9) - i)
        return best

    def summary(self) -> dict[str, object]:
        names = ("critical", "high", "medium", "low")
        return {
            "alarms_raised": [
                {
                    "alarm": o.alarm,
                    "tag": o.tag,
                    "priority": names[o.priority - 1],
                    "raised_s": round(o.raised_s, 2),
                    "cleared_s": None if math.isnan(o.cleared_s) else round(o.cleared_s, 2),
                }
                for o in self.occurrences
            ],
            "alarms_peak_10min": self.peak(),
        }
