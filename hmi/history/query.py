"""Reading history: which tier answers a query, and the SQL + thinning that answers it.

A chart of `max_points` points shows max_points // 2 min/max pairs, so it needs buckets no
wider than span / (max_points // 2). The query takes the coarsest tier that is at least
that fine (fewest rows to read, no detail lost at that zoom), unless that tier no longer
holds the start of the range (pruned by age or by the size cap): then the next coarser
tier that does. At 1,200 points raw answers spans up to ~10 min, the 1 s tier up to ~10 h,
the 1 min tier beyond: up to ~10 h a query reads fewer than 60 rows per pair shown (8 h at
1 s: 28,800 rows); beyond, one row per minute (30 days: 43,200 rows; a year: 525,600).

A roll-up bucket's points sit at its middle (its start + width / 2) and a bucket is in a
range when its middle is. The newest bucket of each roll-up is still open (in the writer's
memory), so the last second / minute of a roll-up answer is missing; live trends take the
current values from the runtime.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import numpy as np

from hmi.history.columns import quote
from hmi.history.decimate import envelope, min_max
from hmi.history.prune import span
from hmi.history.tiers import RAW, TIERS, Tier, stat_column

Series = tuple[list[float], list[float]]
CHUNK_ROWS = 1000


def choose_tier(
    conn: sqlite3.Connection, since_wall: float, until_wall: float, pairs: int | None
) -> Tier | None:
    """The tier for `pairs` min/max pairs over the range (None: the finest holding it).

    The resolution wanted is the part of the range that holds data divided by `pairs`, so a
    young store or a range reaching past the newest sample does not push a query onto a
    coarser tier than its data needs. Then: the coarsest tier with buckets no wider than
    that which still holds the start of the range; coarser tiers when it does not; a finer
    one when those are all empty; None when nothing is recorded.
    """
    spans = {tier: span(conn, tier) for tier in TIERS}
    held = [s for s in spans.values() if s is not None]
    if not held:
        return None
    if pairs is None:
        resolution_s = 0.0
    else:
        first = max(since_wall, min(s[0] for s in held))
        last = min(until_wall, max(s[1] for s in held))
        resolution_s = max(last - first, 0.0) / pairs
    fine_enough = [t for t in TIERS if t.width_s <= resolution_s] or [RAW]
    start = TIERS.index(fine_enough[-1])
    candidates = [t for t in TIERS[start:] if spans[t] is not None]
    if not candidates:  # a young store: roll-ups still empty; a finer tier, thinned
        return next(t for t in reversed(TIERS[:start]) if spans[t] is not None)
    for i, tier in enumerate(candidates):
        oldest = spans[tier][0]
        if oldest <= since_wall + tier.width_s:
            return tier
        # nothing coarser reaches further back: this is the best there is
        if all(spans[c][0] >= oldest - c.width_s for c in candidates[i + 1 :]):
            return tier
    return candidates[-1]


def finest_tier(conn: sqlite3.Connection, since_wall: float) -> Tier | None:
    """The finest tier still holding `since_wall` (CSV export)."""
    return choose_tier(conn, since_wall, since_wall, None)


def read_series(
    conn: sqlite3.Connection,
    tags: Sequence[str],
    since_wall: float,
    until_wall: float,
    max_points: int,
) -> dict[str, Series]:
    """Min/max-thinned series of `tags` over the range, from one read of one tier."""
    if max_points < 2:
        raise ValueError(f"max_points must be at least 2, got {max_points}")
    empty: dict[str, Series] = {tag: ([], []) for tag in tags}
    if not tags or until_wall < since_wall:
        return empty
    tier = choose_tier(conn, since_wall, until_wall, max_points // 2)
    if tier is None:
        return empty
    if tier is RAW:
        data = _select(conn, RAW, [quote(t) for t in tags], since_wall, until_wall)
        if data is None:
            return empty
        times = data[:, 0]
        result = {}
        for i, tag in enumerate(tags):
            t, v = min_max(times, data[:, 1 + i], max_points)
            result[tag] = (t.tolist(), v.tolist())
        return result
    half = tier.width_s / 2
    columns = [quote(stat_column(t, s)) for t in tags for s in ("min", "max")]
    data = _select(conn, tier, columns, since_wall - half, until_wall - half)
    if data is None:
        return empty
    times = data[:, 0] + half
    result = {}
    for i, tag in enumerate(tags):
        t, v = envelope(times, data[:, 1 + 2 * i], data[:, 2 + 2 * i], max_points)
        result[tag] = (t.tolist(), v.tolist())
    return result


def read_table(
    conn: sqlite3.Connection, tags: Sequence[str], since_wall: float, until_wall: float
) -> tuple[Tier | None, list[float], dict[str, list[float]]]:
    """Aligned rows of `tags` on the finest tier holding the range: raw values, or each
    roll-up bucket's mean at its start time. NaN where not recorded or bad quality."""
    tier = finest_tier(conn, since_wall)
    if tier is None or not tags or until_wall < since_wall:
        return tier, [], {tag: [] for tag in tags}
    if tier is RAW:
        columns = [quote(t) for t in tags]
    else:
        columns = [quote(stat_column(t, "mean")) for t in tags]
    data = _select(conn, tier, columns, since_wall, until_wall)
    if data is None:
        return tier, [], {tag: [] for tag in tags}
    return tier, data[:, 0].tolist(), {t: data[:, 1 + i].tolist() for i, t in enumerate(tags)}


def _select(
    conn: sqlite3.Connection, tier: Tier, columns: list[str], low: float, high: float
) -> np.ndarray | None:
    sql = (
        f"SELECT wall_time, {', '.join(columns)} FROM {tier.table} "
        "WHERE wall_time >= ? AND wall_time <= ? ORDER BY wall_time, rowid"
    )
    cursor = conn.execute(sql, (low, high))
    # In chunks: one np.array over 28,800 rows x 17 columns (8 pens over 8 h) is one C call
    # of ~20 ms holding the GIL, which the control thread then waits for (bench-trends
    # showed 25 ms p99 while browsing); a chunk is ~1 ms, and the loop gets in between.
    chunks = []
    while rows := cursor.fetchmany(CHUNK_ROWS):
        chunks.append(np.array(rows, dtype=float))  # NULL (None) becomes NaN
    if not chunks:
        return None
    return chunks[0] if len(chunks) == 1 else np.concatenate(chunks)
