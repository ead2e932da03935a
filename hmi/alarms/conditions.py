"""Definitions compiled into small test functions, so a tick costs a few comparisons each.

A test answers "is the alarm condition present now?" given the tick's values, quality and
flags, and whether the condition was present at the last tick (the deadband applies to the
return: a high alarm set at `limit` clears only below `limit - deadband`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping

from hmi.alarms.definitions import AlarmDefinition, Condition

Test = Callable[[Mapping[str, float], Mapping[str, int], Collection[str], float, bool], bool]

_GOOD, _BAD = 0, 2  # hmi.core.process.Quality.GOOD, .BAD (UNCERTAIN is no alarm)
_RATE_WINDOW_S = 1.0  # rate of change measured over this span (noise at 100 Hz is huge)


def current_limit(d: AlarmDefinition, values: Mapping[str, float]) -> float:
    """The limit in force (a deviation limit may come from a tag, e.g. a tolerance)."""
    return values.get(d.limit_tag, math.nan) if d.limit_tag else d.limit


def compile_test(d: AlarmDefinition) -> Test:
    # bound once as closure cells: each test runs every tick, a global + attribute per call
    nan, isfinite = math.nan, math.isfinite
    tag, limit, band = d.tag, d.limit, d.deadband
    c = d.condition
    if c in (Condition.HIGH, Condition.HIGH_HIGH):

        def high(
            v: Mapping[str, float], q: Mapping[str, int], f: Collection[str], t: float, on: bool
        ) -> bool:
            x = v.get(tag, nan)
            return x > limit - band if on else x > limit

        return high
    if c in (Condition.LOW, Condition.LOW_LOW):

        def low(
            v: Mapping[str, float], q: Mapping[str, int], f: Collection[str], t: float, on: bool
        ) -> bool:
            x = v.get(tag, nan)
            return x < limit + band if on else x < limit

        return low
    if c is Condition.DEVIATION:
        sp, limit_tag, relative = d.setpoint_tag, d.limit_tag, d.relative
        sign = {"both": 0.0, "low": -1.0, "high": 1.0}[d.direction]

        def deviation(
            v: Mapping[str, float], q: Mapping[str, int], f: Collection[str], t: float, on: bool
        ) -> bool:
            x, s = v.get(tag, nan), v.get(sp, nan)
            lim = v.get(limit_tag, nan) if limit_tag else limit
            if relative:
                lim = abs(s) * lim * 0.01
                b = abs(s) * band * 0.01
            else:
                b = band
            error = (x - s) * sign if sign else abs(x - s)
            return error > (lim - b if on else lim)  # NaN compares False: no alarm

        return deviation
    if c is Condition.RATE:
        last = [nan, nan]  # time and value at the start of the current window
        rate = [0.0]

        def rate_of_change(
            v: Mapping[str, float], q: Mapping[str, int], f: Collection[str], t: float, on: bool
        ) -> bool:
            x = v.get(tag, nan)
            if not t - last[0] < _RATE_WINDOW_S:  # also true on the first call (nan)
                if isfinite(last[1]) and isfinite(x) and t > last[0]:
                    rate[0] = abs(x - last[1]) / (t - last[0])
                last[0], last[1] = t, x
            return rate[0] > (limit - band if on else limit)

        return rate_of_change
    if c is Condition.BAD_QUALITY:

        def bad(
            v: Mapping[str, float], q: Mapping[str, int], f: Collection[str], t: float, on: bool
        ) -> bool:
            return q.get(tag, _GOOD) >= _BAD or not isfinite(v.get(tag, 0.0))

        return bad
    if c is Condition.DISCRETE:

        def discrete(
            v: Mapping[str, float], q: Mapping[str, int], f: Collection[str], t: float, on: bool
        ) -> bool:
            return abs(v.get(tag, nan) - limit) < 0.5

        return discrete
    flags = tuple(x.strip() for x in d.flag.split("|"))  # "a|b": any of them
    if len(flags) == 1:
        flag = flags[0]

        def flagged(
            v: Mapping[str, float], q: Mapping[str, int], f: Collection[str], t: float, on: bool
        ) -> bool:
            return flag in f

        return flagged

    def any_flag(
        v: Mapping[str, float], q: Mapping[str, int], f: Collection[str], t: float, on: bool
    ) -> bool:
        return bool(f) and any(x in f for x in flags)

    return any_flag
