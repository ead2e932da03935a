"""Numbers behind the trend chart's frame, computed once per data change rather than by
pyqtgraph in every paint.

pyqtgraph's y autorange ran in `prepareForPaint`: every paint after a setData walked every
curve's data bounds in Python, holding the GIL (py-spy, 8 pens over 8 h of history: a quarter
of the panel's GIL time). The tolerance band's fill was rebuilt from one vertex per history
point on each of its two edges. Here the y range comes from one numpy pass per plot and the band
keeps only the vertices where it bends.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

PADDING = 0.05  # of the span, above and below the data


def bends(t: np.ndarray, *edges: np.ndarray) -> np.ndarray:
    """Indices of the vertices of the polylines (t, edge) that are not in the middle of a level
    run: the first, the last, and every point whose edges differ from the point before or the
    point after. Dropping the others draws the same lines (they lie on a straight level
    segment); a NaN differs from everything, so a gap stays a gap."""
    n = len(t)
    if n <= 2:
        return np.arange(n)
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    for edge in edges:
        step = edge[1:] != edge[:-1]  # NaN != NaN: kept
        keep[1:] |= step
        keep[:-1] |= step
    return np.flatnonzero(keep)


def y_range(
    series: Sequence[tuple[np.ndarray, np.ndarray]], x0: float, x1: float, min_span: float
) -> tuple[float, float] | None:
    """The y range that shows every finite value of `series` with a time in [x0, x1], padded
    by PADDING, at least `min_span` tall (centred on the data); None without such a value."""
    low, high = np.inf, -np.inf
    for t, v in series:
        if len(t) == 0:
            continue
        t, v = np.asarray(t, dtype=float), np.asarray(v, dtype=float)
        inside = v[(t >= x0) & (t <= x1)]
        inside = inside[np.isfinite(inside)]
        if len(inside):
            low, high = min(low, float(inside.min())), max(high, float(inside.max()))
    if not low <= high:
        return None
    pad = (high - low) * PADDING
    low, high = low - pad, high + pad
    if high - low < min_span:
        middle = (low + high) / 2
        low, high = middle - min_span / 2, middle + min_span / 2
    return low, high
