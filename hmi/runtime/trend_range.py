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


Series = tuple[np.ndarray, np.ndarray]  # (clock times, values)


def live_series(
    pens: Sequence[str],
    ring_wall: np.ndarray,
    ring: dict[str, np.ndarray],
    older: dict[str, Series],
    span: TimeRange,
    width_px: int,
) -> tuple[dict[str, Series], bool]:
    """A live range from the ring's newest part (`ring_wall` clock times, `ring` columns) and
    the historian's `older` part before the ring's first sample. Returns the series and
    whether the range reaches back past the ring (the older part is needed).

    The ring part is thinned to two points a pixel (min and max, no spike lost) when it has
    more than four a pixel: a 10-minute ring is 60,000 samples a pen on ~1,200 pixels, and
    every point handed to the chart is Python work while Qt paints holding the GIL."""
    ring_start = float(ring_wall[0]) if len(ring_wall) else span.end
    needs_older = ring_start > span.start + 1.0
    found: dict[str, Series] = {}
    empty = np.empty(0)
    for name in pens:
        older_t, older_v = older.get(name, (empty, empty))
        keep = (older_t < ring_start) & (older_t >= span.start)
        values = ring.get(name)
        if values is None:  # not in the ring: the historian only
            found[name] = (older_t, older_v)
            needs_older = True
            continue
        times = ring_wall
        if len(values) > 4 * width_px:
            times, values = envelope_of(ring_wall, values, 2 * width_px)
        found[name] = (
            np.concatenate((older_t[keep], times)),
            np.concatenate((older_v[keep], values)),
        )
    return found, needs_older


def envelope_of(times: np.ndarray, values: np.ndarray, points: int) -> Series:
    """About `points` points: each of points // 2 equal-count buckets' min and max in time
    order, the newest samples that fill no whole bucket as one more (vectorised; a bucket
    of only NaN gives NaN, so a gap stays a gap)."""
    buckets = max(1, points // 2)
    size = len(values) // buckets
    if size < 2:
        return times, values
    usable = size * buckets
    t = times[:usable].reshape(buckets, size)
    v = values[:usable].reshape(buckets, size)
    filled_low = np.where(np.isnan(v), np.inf, v)
    filled_high = np.where(np.isnan(v), -np.inf, v)
    low_i = filled_low.argmin(axis=1)
    high_i = filled_high.argmax(axis=1)
    rows = np.arange(buckets)
    first = np.minimum(low_i, high_i)
    second = np.maximum(low_i, high_i)
    out_t = np.column_stack((t[rows, first], t[rows, second])).ravel()
    out_v = np.column_stack((v[rows, first], v[rows, second])).ravel()
    if usable < len(values):  # the newest: a live chart must end at the last sample
        tail_t, tail_v = envelope_of(times[usable:], values[usable:], 2)
        out_t, out_v = np.concatenate((out_t, tail_t)), np.concatenate((out_v, tail_v))
    if out_t[-1] != times[-1]:  # and its line ends at the value shown now
        out_t, out_v = np.append(out_t, times[-1]), np.append(out_v, values[-1])
    return out_t, out_v


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
