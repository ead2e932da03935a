"""The writer side of the tiers: one transaction per batch for the raw rows and the roll-up
buckets they close, and the replay of raw rows that rebuilds the open buckets at start-up.

Used by the historian's writer thread only (and by the benchmarks' synthetic fill); never
by the control loop.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import numpy as np

from hmi.history.columns import Row, insert_sql, quote
from hmi.history.tiers import ROLLUPS, OpenBucket, Tier, fold, rollup_insert_sql

REPLAY_CHUNK_ROWS = 50_000


class TierWriter:
    """Raw inserts plus roll-ups for `tags`, on a connection in autocommit mode."""

    def __init__(self, conn: sqlite3.Connection, tags: Sequence[str]) -> None:
        self._conn = conn
        self._tags = tuple(tags)
        self._raw_sql = insert_sql(self._tags)
        self._rollup_sql = {tier: rollup_insert_sql(tier, self._tags) for tier in ROLLUPS}
        self._open: dict[Tier, OpenBucket | None] = {tier: None for tier in ROLLUPS}
        self.newest_wall: float | None = None

    def write(self, rows: Sequence[Row]) -> None:
        """Insert `rows` and the buckets they close in one transaction. On failure nothing
        is committed and the open buckets are as before, so the batch can be retried."""
        if not rows:
            return
        data = np.array(rows, dtype=float)  # None (bad quality) becomes NaN
        self.write_arrays(data[:, 0], data[:, 2:], raw_rows=rows)

    def write_arrays(
        self,
        walls: np.ndarray,
        values: np.ndarray,
        *,
        raw_rows: Sequence[Row] | None = None,
        tiers: Sequence[Tier] = ROLLUPS,
    ) -> None:
        """`write` for rows already in arrays. `raw_rows` None writes roll-ups only (the
        benchmarks' synthetic history of days the raw tier would have pruned); `tiers`
        limits which roll-ups are written (the others are not folded either)."""
        if len(walls) == 0:
            return
        closed: dict[Tier, list[tuple]] = {}
        opened: dict[Tier, OpenBucket | None] = {}
        for tier in tiers:
            closed[tier], opened[tier] = fold(tier.width_s, self._open[tier], walls, values)
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            if raw_rows is not None:
                conn.executemany(self._raw_sql, raw_rows)
            for tier, buckets in closed.items():
                if buckets:
                    conn.executemany(self._rollup_sql[tier], buckets)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        self._open.update(opened)
        newest = float(np.max(walls))
        self.newest_wall = newest if self.newest_wall is None else max(self.newest_wall, newest)

    def recover(self) -> int:
        """Rebuild each roll-up from the raw rows after its last committed bucket: the open
        bucket a crash lost, and whole tiers of a store older than the tiers. Returns the
        number of buckets written."""
        written = 0
        columns = ", ".join(quote(t) for t in self._tags)
        for tier in ROLLUPS:
            last = self._conn.execute(f"SELECT max(wall_time) FROM {tier.table}").fetchone()[0]
            last_bucket = None if last is None else round(last / tier.width_s)
            since = -np.inf if last is None else last_bucket * tier.width_s
            cursor = self._conn.execute(
                f"SELECT wall_time, {columns} FROM samples WHERE wall_time >= ? "
                "ORDER BY wall_time, rowid",
                (since,),
            )
            chunks = iter(lambda c=cursor: c.fetchmany(REPLAY_CHUNK_ROWS), [])
            pending: list[tuple] = []
            for chunk in chunks:
                data = np.array(chunk, dtype=float)
                walls, values = data[:, 0], data[:, 1:]
                if last_bucket is not None:  # rows of the last committed bucket: done
                    ids = np.floor(walls / tier.width_s + 1e-9)
                    walls, values = walls[ids > last_bucket], values[ids > last_bucket]
                buckets, self._open[tier] = fold(tier.width_s, self._open[tier], walls, values)
                pending.extend(buckets)
                if len(walls):
                    newest = float(walls.max())
                    if self.newest_wall is None or newest > self.newest_wall:
                        self.newest_wall = newest
            cursor.close()
            if pending:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    self._conn.executemany(self._rollup_sql[tier], pending)
                    self._conn.execute("COMMIT")
                except BaseException:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise
                written += len(pending)
        if self.newest_wall is None:
            newest = self._conn.execute("SELECT max(wall_time) FROM samples").fetchone()[0]
            self.newest_wall = None if newest is None else float(newest)
        return written
