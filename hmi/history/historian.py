"""The historian: process values sampled off the control loop and kept on disk.

The control loop runs at 100 Hz and must never wait for a disk. So `offer` only decides
whether this tick is the one sample of its period, copies it into a tuple and appends it to
a bounded in-memory queue; a writer thread of our own empties the queue in batches, one
transaction per batch. If the disk stalls, the queue drops its oldest samples and counts
them instead of growing or blocking the loop.

Table layout: `samples(wall_time REAL, t_s REAL, "<tag>" REAL, ...)`, one row per sample,
one column per tag, indexed on wall_time. A trend or batch report reads a few tags over a
time range, which a wide row answers with one index range scan and no pivot.

Tiers (tiers.py): the writer also folds each batch into 1 s and 1 min min/mean/max
roll-ups, in the batch's transaction, and prunes each tier by age and the store by a size
cap (prune.py) every `prune_interval_s` of sample time. Queries pick the tier (query.py).

Quality is stored as NULL: a BAD (or missing, or non-finite) value is written as NULL and
read back as NaN. Chosen over a quality bitmask because (1) a BAD value is by definition
not a measurement (timeout, stale, lost link) and nobody should plot it later by mistake,
(2) NULL costs no bytes in an SQLite record, (3) a bitmask ties bit positions to the tag
order, which changes whenever the registry gains a tag. UNCERTAIN (held value during a short
dropout) is stored as the value: it is the best estimate there is.
"""

from __future__ import annotations

import logging
import math
import sqlite3
import threading
from collections import deque
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType

from hmi.core.process import Quality
from hmi.history import store
from hmi.history.columns import Row, add_missing_columns, checked_tags, stored
from hmi.history.prune import PruneResult, prune
from hmi.history.query import Series, choose_tier, finest_tier, read_series, read_table
from hmi.history.tier_writer import TierWriter
from hmi.history.tiers import ROLLUPS, Retention

log = logging.getLogger(__name__)


# Absorbs float error of an accumulated runtime clock (0.01 added 100 times is 0.99999...),
# so samples fall on the nominal second rather than one tick after it.
_BUCKET_EPSILON = 1e-9


class Historian:
    """Decimates process values by the runtime clock and writes them to the store.

    `offer` is for the control-loop thread only (one producer); `query` may be called from
    any thread; `start` and `close` from the thread that owns the historian.
    """

    def __init__(
        self,
        db_path: Path,
        tags: Sequence[str],
        sample_period_s: float = 0.1,
        *,
        retention: Retention | None = None,
        max_queue: int = 6000,
        batch_rows: int = 200,
        flush_interval_s: float = 0.5,
        retry_interval_s: float = 1.0,
        prune_interval_s: float = 60.0,
    ) -> None:
        """Open (creating and migrating if needed) the store at `db_path` for `tags`, and
        rebuild the roll-up buckets a crash left open from the raw rows on disk.

        `max_queue` bounds memory while the disk stalls: 10 min at 10 Hz by default (~10 MB
        for the registry's tags). `retention` defaults to 24 h raw, 30 days of 1 s, a year of
        1 min, no size cap. Raises `store.StoreError` naming the path if it cannot be opened.
        """
        if not sample_period_s > 0 or not math.isfinite(sample_period_s):
            raise ValueError(f"sample_period_s must be a positive number, got {sample_period_s}")
        if max_queue < 1 or batch_rows < 1:
            raise ValueError("max_queue and batch_rows must be at least 1")
        self._tags = checked_tags(tags)
        self._columns = {tag: i for i, tag in enumerate(self._tags)}
        self._period = float(sample_period_s)
        self._batch_rows = batch_rows
        self._flush_interval_s = flush_interval_s
        self._retry_interval_s = retry_interval_s
        self._retention = retention or Retention()
        self._prune_interval_s = prune_interval_s
        self._pruned_at_wall: float | None = None
        self.last_prune: PruneResult | None = None
        self._last_bucket: int | None = None

        # The lock guards the queue, `_dropped` and `_closed`; it is held for a deque
        # operation at a time, never across I/O.
        self._lock = threading.Lock()
        self._queue: deque[Row] = deque(maxlen=max_queue)
        self._dropped = 0
        self._written = 0
        self._closed = False
        self._failing = False
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

        self._write_conn = store.connect(db_path)
        try:
            add_missing_columns(self._write_conn, self._tags, [t.table for t in ROLLUPS])
            self._tiers = TierWriter(self._write_conn, self._tags)
            self._tiers.recover()
            self._read_conn = store.connect(db_path)
        except sqlite3.Error as exc:
            self._write_conn.close()
            raise store.StoreError(f"cannot open history in {db_path}: {exc}") from exc
        except BaseException:
            self._write_conn.close()
            raise
        self._read_lock = threading.Lock()

    @property
    def tags(self) -> tuple[str, ...]:
        return self._tags

    @property
    def written(self) -> int:
        """Samples committed to disk."""
        return self._written

    @property
    def dropped(self) -> int:
        """Samples taken but lost: evicted from a full queue, or unwritable at close."""
        return self._dropped

    @property
    def queued(self) -> int:
        """Samples waiting for the writer (diagnostics)."""
        return len(self._queue)

    def offer(
        self,
        t_s: float,
        wall_time: float,
        values: Mapping[str, float],
        quality: Mapping[str, int],
    ) -> None:
        """Consider this tick for recording; keep it if it is the first of its sample period.

        Called every control tick, so the common path is one division and one compare.
        Periods are counted on the runtime clock `t_s`, not wall time, because a simulated
        line runs faster than real time and must still give one sample per simulated period.
        A clock that restarts or jumps simply starts a new period.
        """
        if not math.isfinite(t_s):
            return
        bucket = math.floor(t_s / self._period + _BUCKET_EPSILON)
        if bucket == self._last_bucket:
            return
        self._last_bucket = bucket
        row: Row = (
            float(wall_time),
            float(t_s),
            *(stored(values.get(tag), quality.get(tag, Quality.GOOD)) for tag in self._tags),
        )
        with self._lock:
            if self._closed:
                self._dropped += 1
                return
            if len(self._queue) == self._queue.maxlen:
                self._dropped += 1  # the deque evicts the oldest on append
            self._queue.append(row)
            wake = len(self._queue) >= self._batch_rows
        if wake:
            self._wake.set()

    def start(self) -> None:
        """Start the writer thread (a daemon, so a crash elsewhere never hangs exit)."""
        with self._lock:
            if self._closed:
                raise RuntimeError("historian is closed")
            if self._thread is not None:
                raise RuntimeError("historian already started")
            self._thread = threading.Thread(target=self._run, name="historian-writer", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Write everything queued, commit, stop the writer and close the store. Idempotent.

        If the final write fails (disk full, database locked past the busy timeout), what
        could not be written is counted in `dropped` and logged rather than raised, so a
        shutdown always completes.
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._stop.set()
        self._wake.set()
        if self._thread is None:
            self._run()  # never started: flush on this thread so close() still means "saved"
        else:
            self._thread.join()
        with self._lock:
            if self._queue:
                self._dropped += len(self._queue)
                self._queue.clear()
        self._write_conn.close()
        with self._read_lock:
            self._read_conn.close()

    def __enter__(self) -> Historian:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def query(
        self, tag: str, since_wall: float, until_wall: float, max_points: int = 2000
    ) -> Series:
        """Wall times and values of `tag` with since_wall <= wall_time <= until_wall, in order.

        At most `max_points` points, by per-bucket min/max so no spike is hidden: from the
        raw samples for short spans, else from the 1 s or 1 min roll-up (each bucket's min
        and max at its middle), whichever is fine enough for max_points // 2 pairs and still
        holds the range (see query.py). Bad quality is NaN. Only committed samples are seen,
        so the newest ~flush interval is not there yet (the newest roll-up bucket either);
        live trends take the current values from the runtime instead.
        """
        return self.query_many([tag], since_wall, until_wall, max_points)[tag]

    def query_many(
        self, tags: Sequence[str], since_wall: float, until_wall: float, max_points: int = 2000
    ) -> dict[str, Series]:
        """`query` for several pens in one read of one tier."""
        self._check_tags(tags)
        with self._read_lock:
            return read_series(self._read_conn, list(tags), since_wall, until_wall, max_points)

    def query_table(
        self, tags: Sequence[str], since_wall: float, until_wall: float
    ) -> tuple[list[float], dict[str, list[float]]]:
        """One time column and every pen's values, rows aligned (CSV export), on the finest
        tier still holding the range: raw samples, or each roll-up bucket's mean at the
        bucket's start. `table_tier` says which. Not thinned: 24 h of raw is 864,000 rows."""
        self._check_tags(tags)
        with self._read_lock:
            _, times, values = read_table(self._read_conn, list(tags), since_wall, until_wall)
        return times, values

    def query_tier(
        self, since_wall: float, until_wall: float, max_points: int = 2000
    ) -> str | None:
        """Which tier `query` reads for this range and width: "raw", "1s", "1min", or None
        when nothing is recorded (a chart may say "1 min min/max")."""
        with self._read_lock:
            tier = choose_tier(self._read_conn, since_wall, until_wall, max_points // 2)
        return None if tier is None else tier.name

    def table_tier(self, since_wall: float) -> str | None:
        """Which tier `query_table` reads for a range starting at `since_wall`: "raw", "1s",
        "1min", or None when nothing is recorded (for the export's header)."""
        with self._read_lock:
            tier = finest_tier(self._read_conn, since_wall)
        return None if tier is None else tier.name

    def _check_tags(self, tags: Sequence[str]) -> None:
        if isinstance(tags, str):
            raise TypeError("tags must be a sequence of tag names, not one string")
        for tag in tags:
            if tag not in self._columns:
                raise KeyError(f"tag {tag!r} is not recorded by this historian")

    # --- writer thread -------------------------------------------------------------------

    def _run(self) -> None:
        """Writer loop: flush, sleep until a batch is full or the interval passes, repeat.

        `stopping` is read before each drain, so after `close` sets it one complete drain
        still runs and nothing offered before `close` is left behind.
        """
        pending: list[Row] = []
        while True:
            stopping = self._stop.is_set()
            pending = self._drain(pending)
            if stopping:
                break
            self._wake.wait(self._retry_interval_s if pending else self._flush_interval_s)
            self._wake.clear()
        if pending:
            log.error("historian: %d samples could not be written at close", len(pending))
            with self._lock:
                self._dropped += len(pending)

    def _drain(self, pending: list[Row]) -> list[Row]:
        """Write batches until the queue is empty; on failure return the batch to retry.

        A failed batch is kept (at most `batch_rows` rows) and retried later, while new
        samples keep queueing under the `max_queue` bound; memory stays bounded either way.
        """
        while True:
            if not pending:
                pending = self._take()
                if not pending:
                    return pending
            try:
                self._insert_rows(pending)
            except Exception:
                if not self._failing:
                    log.exception("historian: writing %d samples failed; retrying", len(pending))
                    self._failing = True
                return pending
            if self._failing:
                log.warning("historian: writing works again")
                self._failing = False
            self._written += len(pending)
            pending = []

    def _take(self) -> list[Row]:
        with self._lock:
            count = min(self._batch_rows, len(self._queue))
            return [self._queue.popleft() for _ in range(count)]

    def _insert_rows(self, rows: list[Row]) -> None:
        """One batch, one transaction (raw rows and the roll-up buckets they close): a torn
        batch is never visible to readers. Then prune, if it is time."""
        self._tiers.write(rows)
        newest = self._tiers.newest_wall
        due = self._pruned_at_wall is None or (
            newest is not None and newest - self._pruned_at_wall >= self._prune_interval_s
        )
        if due and newest is not None:
            self._pruned_at_wall = newest
            try:
                self.prune(newest)
            except sqlite3.Error:
                log.exception("historian: pruning failed; retrying in %g s", self._prune_interval_s)

    def prune(self, newest_wall: float | None = None) -> PruneResult:
        """Apply the retention as of `newest_wall` (default: the newest sample written).
        Writer thread only (or before `start` / after `close` of the writer: tests, tools)."""
        newest = self._tiers.newest_wall if newest_wall is None else newest_wall
        if newest is None:
            return PruneResult()
        result = prune(self._write_conn, newest, self._retention)
        self.last_prune = result
        if result.over_cap:
            log.warning(
                "historian: store uses %d bytes, over the cap of %d, with every tier at its "
                "shortest span; other tables (audit, journal) may hold the rest",
                result.used_bytes,
                self._retention.max_bytes,
            )
        return result
