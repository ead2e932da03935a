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
    n = len(times)
    if max_points < 2:
        raise ValueError(f"max_points must be at least 2, got {max_points}")
    if n <= max_points:
        return times, values
    buckets = max_points // 2
    edges = np.linspace(0, n, buckets + 1).astype(np.int64)
    finite = np.isfinite(values)
    keep: list[int] = []
    for lo, hi in zip(edges[:-1].tolist(), edges[1:].tolist(), strict=True):
        if hi <= lo:
            continue
        if not finite[lo:hi].any():
            keep.append(lo)
            continue
        segment = np.where(finite[lo:hi], values[lo:hi], np.nan)
        low = lo + int(np.nanargmin(segment))
        high = lo + int(np.nanargmax(segment))
        keep.extend(sorted({low, high}))
    index = np.asarray(keep, dtype=np.int64)
    return times[index], values[index]
