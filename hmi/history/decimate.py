"""Thinning long series for display without hiding the excursions people look for."""

from __future__ import annotations

import numpy as np


def min_max(
    times: np.ndarray, values: np.ndarray, max_points: int
) -> tuple[np.ndarray, np.ndarray]:
    """Keep at most `max_points` points: the minimum and maximum of each of max_points // 2
    equal-count buckets, in time order.

    Why min/max and not every n-th point: a trend of a shift squeezed into a plot must still
    show the one-second force spike or the areal-mass dip that an alarm fired on; striding
    would drop it with high probability. A bucket holding only NaN (bad quality) yields one
    NaN point so a long outage stays a visible gap; a NaN run shorter than a bucket is not
    kept, since the bucket's real values say more at that zoom level.
    """
    if max_points < 2:
        raise ValueError(f"max_points must be at least 2, got {max_points}")
    if len(times) <= max_points:
        return times, values
    return envelope(times, values, values, max_points)


def envelope(
    times: np.ndarray, lows: np.ndarray, highs: np.ndarray, max_points: int
) -> tuple[np.ndarray, np.ndarray]:
    """At most `max_points` points from rows that each carry a low and a high (a raw sample
    has low == high; a roll-up bucket its min and max): rows are grouped into max_points // 2
    equal-count groups, and each group gives its lowest low at that row's time and its
    highest high at that row's time, in time order (one point when both are the same row
    and value). A group with no finite value gives one NaN point at its first row's time.
    """
    if max_points < 2:
        raise ValueError(f"max_points must be at least 2, got {max_points}")
    n = len(times)
    if n == 0:
        return times, lows
    groups = min(n, max_points // 2)
    starts = np.unique(np.linspace(0, n, groups + 1).astype(np.int64)[:-1])
    sizes = np.diff(np.append(starts, n))
    # rows of each group as a matrix (equal-count groups differ by one row at most); the
    # short ones padded with their own first row, which changes neither min nor max
    offsets = np.arange(int(sizes.max()))
    rows = np.where(offsets < sizes[:, None], starts[:, None] + offsets, starts[:, None])
    low_key = np.where(np.isfinite(lows), lows, np.inf)
    high_key = np.where(np.isfinite(highs), -highs, np.inf)
    picked = np.arange(len(starts))
    at_low = rows[picked, np.argmin(low_key[rows], axis=1)]
    at_high = rows[picked, np.argmin(high_key[rows], axis=1)]
    finite = np.isfinite(low_key[at_low]) & np.isfinite(high_key[at_high])
    first = np.minimum(at_low, at_high)
    second = np.maximum(at_low, at_high)
    low_first = at_low <= at_high
    first_value = np.where(low_first, lows[at_low], highs[at_high])
    second_value = np.where(low_first, highs[at_high], lows[at_low])
    # a group without finite values: one NaN at its start; low == high at one row: one point
    first = np.where(finite, first, starts)
    first_value = np.where(finite, first_value, np.nan)
    keep_second = finite & ~((first == second) & (first_value == second_value))
    index = np.column_stack((first, second)).ravel()
    value = np.column_stack((first_value, second_value)).ravel()
    keep = np.column_stack((np.ones_like(keep_second), keep_second)).ravel()
    return times[index[keep]], value[keep]
