"""The alarm journal: every transition and every operator action, kept forever in the store.

The engine calls `offer` in the control-loop thread; it only appends to a bounded deque. A
writer thread of our own empties it in batches (one transaction each), like the historian, so
the loop never waits for the disk. If the disk stalls past `max_queue` events, the oldest are
dropped and counted (`dropped`), never blocking the loop.
"""

from __future__ import annotations

import csv
import logging
import math
import sqlite3
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from hmi.alarms.model import AlarmEvent
from hmi.core.files import open_private
from hmi.history import store

log = logging.getLogger(__name__)

COLUMNS = (
    "wall_time",
    "t_s",
    "alarm",
    "tag",
    "priority",
    "event",
    "state",
    "value",
    "limit_value",
    "occurrence",
    "user",
    "reason",
)
WAKE_AT = 256  # queued events that wake the writer early (a flood): one batch each
_INSERT = f"INSERT INTO alarm_journal ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * 12)})"


@dataclass(frozen=True, slots=True)
class JournalRow:
    id: int
    wall_time: float
    t_s: float
    alarm: str
    tag: str
    priority: int
    event: str
    state: str
    value: float
    limit: float
    occurrence: int
    user: str
    reason: str


def _num(x: float) -> float | None:
    return x if isinstance(x, int | float) and math.isfinite(x) else None


def _row(e: AlarmEvent) -> tuple[object, ...]:
    return (
        e.wall_time,
        e.t_s,
        e.alarm,
        e.tag,
        e.priority,
        str(e.event),
        str(e.state),
        _num(e.value),
        _num(e.limit),
        e.occurrence,
        e.user,
        e.reason,
    )


class AlarmJournal:
    def __init__(
        self, db_path: Path, *, max_queue: int = 100_000, flush_interval_s: float = 0.25
    ) -> None:
        self._queue: deque[tuple[object, ...]] = deque()
        self._max = max_queue
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._flush_interval_s = flush_interval_s
        self._thread: threading.Thread | None = None
        self._closed = False
        self.written = 0
        self.dropped = 0
        self._write_conn = store.connect(db_path)
        # As durable as the audit trail: a committed alarm event survives a power cut (the
        # historian keeps NORMAL: it may lose its last second of samples, never the file).
        self._write_conn.execute("PRAGMA synchronous = FULL")
        self._read_conn = store.connect(db_path)
        self._read_lock = threading.Lock()
        self._flush_lock = threading.Lock()  # one writer at a time (thread, or close/tests)

    def synchronous(self) -> int:
        """The writer's SQLite synchronous level (2 = FULL)."""
        with self._flush_lock:
            return int(self._write_conn.execute("PRAGMA synchronous").fetchone()[0])

    # ----- control-loop side -----
    def offer(self, e: AlarmEvent) -> None:
        # the row, not the event, waits in the queue: queued events (objects the garbage
        # collector tracks into its old generation) gave 3-4 ticks ~40 ms late per flood in
        # `make bench-trends`; plain tuples of numbers and strings none
        row = _row(e)
        with self._lock:
            if self._closed:
                self.dropped += 1
                return
            if len(self._queue) >= self._max:
                self._queue.popleft()
                self.dropped += 1
            self._queue.append(row)
            wake = len(self._queue) >= WAKE_AT and not self._wake.is_set()
        if wake:  # once per batch; otherwise the writer comes round every flush interval
            self._wake.set()

    @property
    def queued(self) -> int:
        return len(self._queue)

    # ----- writer -----
    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="alarm-journal", daemon=True)
            self._thread.start()

    def sync(self) -> None:
        """Write everything queued now, on the calling thread (tests, reports)."""
        with self._flush_lock:
            self.flush()

    def flush(self) -> None:
        """Write everything queued; callers hold `_flush_lock` (use `sync`)."""
        while True:
            with self._lock:
                batch = list(self._queue)
                self._queue.clear()
            if not batch:
                return
            try:
                self._write_conn.execute("BEGIN")
                self._write_conn.executemany(_INSERT, batch)
                self._write_conn.execute("COMMIT")
                self.written += len(batch)
            except sqlite3.Error as exc:
                if self._write_conn.in_transaction:
                    self._write_conn.execute("ROLLBACK")
                log.error("alarm journal: %d events not written: %s", len(batch), exc)
                with self._lock:
                    self._queue.extendleft(reversed(batch))
                return

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self._flush_interval_s)
            self._wake.clear()
            with self._flush_lock:
                self.flush()

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
        with self._flush_lock:
            self.flush()
        self.dropped += len(self._queue)
        self._write_conn.close()
        with self._read_lock:
            self._read_conn.close()

    # ----- queries (any thread) -----
    def query(
        self,
        *,
        since: float | None = None,
        until: float | None = None,
        tag: str | None = None,
        alarm: str | None = None,
        priority: int | None = None,
        state: str | None = None,
        event: str | None = None,
        limit: int = 10_000,
    ) -> list[JournalRow]:
        """Rows matching every filter given, oldest first (the newest `limit` of them)."""
        where, args = [], []
        for column, op, value in (
            ("wall_time", ">=", since),
            ("wall_time", "<=", until),
            ("tag", "=", tag),
            ("alarm", "=", alarm),
            ("priority", "=", priority),
            ("state", "=", state),
            ("event", "=", event),
        ):
            if value is not None:
                where.append(f"{column} {op} ?")
                args.append(value)
        sql = f"SELECT id, {', '.join(COLUMNS)} FROM alarm_journal"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id DESC LIMIT ?"
        with self._read_lock:
            rows = self._read_conn.execute(sql, (*args, int(limit))).fetchall()
        nan = math.nan
        return [
            JournalRow(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                r[7],
                nan if r[8] is None else r[8],
                nan if r[9] is None else r[9],
                r[10],
                r[11],
                r[12],
            )
            for r in reversed(rows)
        ]

    def count(self) -> int:
        with self._read_lock:
            return int(self._read_conn.execute("SELECT count(*) FROM alarm_journal").fetchone()[0])

    def export_csv(self, path: Path, **filters: object) -> int:
        """Write the rows matching `filters` (as `query`) to a CSV file; return the count."""
        rows = self.query(**filters)  # type: ignore[arg-type]
        with open_private(Path(path), newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(("id", *COLUMNS))
            for r in rows:
                w.writerow(
                    (
                        r.id,
                        f"{r.wall_time:.3f}",
                        f"{r.t_s:.3f}",
                        r.alarm,
                        r.tag,
                        r.priority,
                        r.event,
                        r.state,
                        "" if math.isnan(r.value) else f"{r.value:g}",
                        "" if math.isnan(r.limit) else f"{r.limit:g}",
                        r.occurrence,
                        r.user,
                        r.reason,
                    )
                )
        return len(rows)
