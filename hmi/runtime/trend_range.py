"""What an investigation trend shows: which pens, over which clock-time range, live or not.

Qt-free so the rules (at most eight pens, one axis per unit, presets, pan and zoom limits,
the value under the cursor) are tested without a screen, and the panel only draws them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from hmi.core.tags import TAGS

MAX_PENS = 8
# (label on the button, span in s): the presets an engineer asks for ("the last shift").
PRESETS_S: tuple[tuple[str, float], ...] = (
    ("10 min", 600.0),
    ("1 h", 3600.0),
    ("8 h", 8 * 3600.0),
    ("24 h", 24 * 3600.0),
    ("7 d", 7 * 86400.0),
)
MIN_SPAN_S = 10.0  # below this a 10 Hz trend is a handful of points
MAX_SPAN_S = 366 * 86400.0  # the historian's longest tier


class PenError(ValueError):
    """A pen choice the chart cannot show; the message is for the operator."""


def check_pens(pens: Sequence[str], known: Sequence[str] | None = None) -> tuple[str, ...]:
    """The pens in order without repeats; raises PenError naming what is wrong."""
    chosen = tuple(dict.fromkeys(pens))
    if not chosen:
        raise PenError("Pick at least one value to trend")
    if len(chosen) > MAX_PENS:
        raise PenError(f"At most {MAX_PENS} pens on one trend ({len(chosen)} picked)")
    allowed = set(TAGS if known is None else known)
    unknown = [name for name in chosen if name not in allowed]
    if unknown:
        raise PenError(f"Not recorded, cannot be trended: {', '.join(unknown)}")
    return chosen


def axes_of(pens: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Pens grouped by unit, in order of first appearance: one y-axis (plot) per unit."""
    groups: dict[str, list[str]] = {}
    for name in pens:
        groups.setdefault(TAGS[name].unit, []).append(name)
    return {unit: tuple(names) for unit, names in groups.items()}


@dataclass(frozen=True, slots=True)
class TimeRange:
    """A clock-time range, Unix seconds (wall time), start < end."""

    start: float
    end: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.start) and math.isfinite(self.end)):
            raise ValueError("a time range needs finite start and end times")
        if self.end - self.start < MIN_SPAN_S - 1e-9:
            raise ValueError(
                f"The end must be at least {MIN_SPAN_S:.0f} s after the start "
                f"(got {self.end - self.start:.0f} s)"
            )
        if self.end - self.start > MAX_SPAN_S + 1e-6:
            raise ValueError(f"At most {MAX_SPAN_S / 86400:.0f} days on one trend")

    @property
    def span_s(self) -> float:
        return self.end - self.start

    @classmethod
    def last(cls, span_s: float, now: float) -> TimeRange:
        return cls(now - span_s, now)

    def pan(self, fraction: float) -> TimeRange:
        """Moved by `fraction` of the span (negative: back in time)."""
        shift = fraction * self.span_s
        return TimeRange(self.start + shift, self.end + shift)

    def zoom(self, factor: float, centre: float | None = None) -> TimeRange:
        """Span multiplied by `factor` (< 1 zooms in) around `centre` (default the middle),
        kept within MIN_SPAN_S..MAX_SPAN_S."""
        if not factor > 0:
            raise ValueError("zoom factor must be positive")
        mid = (self.start + self.end) / 2 if centre is None else centre
        span = min(max(self.span_s * factor, MIN_SPAN_S), MAX_SPAN_S)
        left = (mid - self.start) / self.span_s  # keep the centre where it is on screen
        start = mid - left * span
        return TimeRange(start, start + span)

    def ending_at(self, end: float) -> TimeRange:
        """The same span ending at `end` (live mode follows the clock)."""
        return TimeRange(end - self.span_s, end)


def value_at(times: np.ndarray, values: np.ndarray, t: float) -> float:
    """The pen's value at clock time `t`: the last sample at or before it (what the operator
    saw then), NaN before the first sample, after a gap of bad quality, or far past the end."""
    if len(times) == 0:
        return math.nan
    index = int(np.searchsorted(times, t, side="right")) - 1
    if index < 0:
        return math.nan
    if index == len(times) - 1 and len(times) > 1:
        step = (times[-1] - times[0]) / (len(times) - 1)
        if t - times[-1] > 2 * step:  # beyond the data: nothing known
            return math.nan
    return float(values[index])
