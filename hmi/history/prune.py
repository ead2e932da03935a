"""Pruning the history tiers: by age, then by a cap on the store's size.

Age is measured from the newest sample written, not from the computer's clock, so a
simulated line running faster than real time ages its history at its own pace and a wrong
system clock cannot wipe a year of data at once.

The size cap counts the pages the store file uses (`page_count - freelist_count`), all
tables included: audit trail, alarm journal and recipes are never pruned, so they eat into
the cap. SQLite does not shrink the file after a DELETE; it reuses the freed pages, so the
file stops growing at about the cap. When over the cap, the finest tier goes first (the
coarser ones still cover its time span): raw down to its last hour, then the 1 s roll-up
down to its last day, then the 1 min roll-up down to its last week; below those floors the
cap is reported, not enforced, because a history that cannot show the last hour is useless.

Deletes run in chunks of `CHUNK_ROWS`, one short transaction each, so a reader or the
writer's next batch never waits long for the lock.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field

from hmi.history.tiers import DAY_S, MINUTE, RAW, SECOND, TIERS, Retention, Tier

log = logging.getLogger(__name__)

CHUNK_ROWS = 20_000

# (tier, span it keeps at least under the size cap, span cut off per step)
_CAP_ORDER: tuple[tuple[Tier, float, float], ...] = (
    (RAW, 3600.0, 3600.0),
    (SECOND, DAY_S, DAY_S),
    (MINUTE, 7 * DAY_S, 7 * DAY_S),
)


@dataclass
class PruneResult:
    deleted: dict[str, int] = field(default_factory=dict)
    used_bytes: int = 0
    over_cap: bool = False


def used_bytes(conn: sqlite3.Connection) -> int:
    """Bytes of the file in use (free pages excluded)."""
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    free = conn.execute("PRAGMA freelist_count").fetchone()[0]
    return int((pages - free) * page_size)


def delete_before(conn: sqlite3.Connection, tier: Tier, wall_time: float) -> int:
    """Delete `tier`'s rows older than `wall_time`, chunk by chunk; return how many."""
    sql = (
        f"DELETE FROM {tier.table} WHERE rowid IN (SELECT rowid FROM {tier.table} "
        f"WHERE wall_time < ? ORDER BY wall_time LIMIT {CHUNK_ROWS})"
    )
    deleted = 0
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            count = conn.execute(sql, (wall_time,)).rowcount
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        deleted += count
        if count < CHUNK_ROWS:
            return deleted


def span(conn: sqlite3.Connection, tier: Tier) -> tuple[float, float] | None:
    """Oldest and newest wall time of `tier`, None when it is empty (two index lookups)."""
    oldest = conn.execute(f"SELECT min(wall_time) FROM {tier.table}").fetchone()[0]
    if oldest is None:
        return None
    newest = conn.execute(f"SELECT max(wall_time) FROM {tier.table}").fetchone()[0]
    return float(oldest), float(newest)


def prune(conn: sqlite3.Connection, newest_wall: float, retention: Retention) -> PruneResult:
    """Apply `retention` as of `newest_wall` (the newest sample's wall time)."""
    result = PruneResult()
    for tier in TIERS:
        n = delete_before(conn, tier, newest_wall - retention.keep_s(tier))
        if n:
            result.deleted[tier.name] = n
    result.used_bytes = used_bytes(conn)
    cap = retention.max_bytes
    if cap is None:
        return result
    for tier, floor_s, step_s in _CAP_ORDER:
        while result.used_bytes > cap:
            have = span(conn, tier)
            if have is None or have[1] - have[0] <= floor_s:
                break
            cut = min(have[0] + step_s, have[1] - floor_s)
            n = delete_before(conn, tier, cut)
            result.deleted[tier.name] = result.deleted.get(tier.name, 0) + n
            result.used_bytes = used_bytes(conn)
    result.over_cap = result.used_bytes > cap
    return result
