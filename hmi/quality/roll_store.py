"""Roll records in the embedded store (table `rolls`, migration 6 of hmi/history/store.py).

A roll is written once, at its cut, in one transaction with its CD × MD map, with
`synchronous = FULL`: when `add` returns, the record is on the disk and survives a `kill -9`
or a power cut; a crash before that leaves no half record (SQLite's journal rolls it back).
The tables refuse UPDATE and DELETE (triggers), like the audit trail and the alarm journal.

`RollWriter` takes the records off the control thread: `offer` only appends to a queue, its
own thread commits, so the control loop never waits for the disk (a roll change happens once
in minutes, but an fsync can take tens of ms on a busy disk).
"""

from __future__ import annotations

import json
import logging
import math
import sqlite3
import threading
from collections import deque
from pathlib import Path

import numpy as np

from hmi.history import store
from hmi.quality.rolls import RollMap, RollRecord

log = logging.getLogger(__name__)
_FIELDS = RollRecord.__dataclass_fields__


def _json_safe(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, tuple | list):
        return [_json_safe(v) for v in value]
    return value


def _from_json(name: str, value: object) -> object:
    if value is None and name not in ("cp", "cpk", "pp", "ppk", "recipe_version"):
        return math.nan
    if name == "offspec_ranges_m":
        return tuple(tuple(r) for r in value)  # type: ignore[union-attr]
    if isinstance(value, list):
        return tuple(math.nan if v is None else v for v in value)
    return value


class RollStore:
    """Reads and writes roll records over its own connections."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path)
        self._write = store.connect(self.db_path)
        self._write.execute("PRAGMA synchronous = FULL")
        self._read = store.connect(self.db_path)
        self._lock = threading.Lock()

    def close(self) -> None:
        self._write.close()
        self._read.close()

    def add(self, record: RollRecord, roll_map: RollMap | None = None) -> int:
        """Commit `record` (and its map); return the roll's lasting id."""
        content = {k: _json_safe(v) for k, v in record.as_dict().items()}
        text = json.dumps(content, sort_keys=True, allow_nan=False)
        with self._lock:
            conn = self._write
            conn.execute("BEGIN IMMEDIATE")
            try:
                cur = conn.execute(
                    "INSERT INTO rolls (start_wall, end_wall, recipe, recipe_version, length_m,"
                    " cpk, record) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (record.start_wall, record.end_wall, record.recipe, record.recipe_version,
                     record.length_m, record.cpk, text),
                )  # fmt: skip
                roll_id = int(cur.lastrowid or 0)
                if roll_map is not None and roll_map.rows:
                    grid = roll_map.as_array().astype("<f4")
                    conn.execute(
                        "INSERT INTO roll_maps (roll_id, positions_m, zones, readings)"
                        " VALUES (?, ?, ?, ?)",
                        (roll_id, json.dumps([round(p, 3) for p in roll_map.positions_m]),
                         grid.shape[1], grid.tobytes()),
                    )  # fmt: skip
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        return roll_id

    def rolls(self, limit: int = 200) -> list[tuple[int, RollRecord]]:
        """The latest `limit` rolls, newest first, with their ids."""
        with self._lock:
            rows = self._read.execute(
                "SELECT id, record FROM rolls ORDER BY id DESC LIMIT ?", (limit,)
            ).fetchall()
        return [(int(i), self._record(text)) for i, text in rows]

    def get(self, roll_id: int) -> RollRecord | None:
        with self._lock:
            row = self._read.execute("SELECT record FROM rolls WHERE id = ?", (roll_id,)).fetchone()
        return self._record(row[0]) if row else None

    def roll_map(self, roll_id: int) -> RollMap:
        with self._lock:
            row = self._read.execute(
                "SELECT positions_m, zones, readings FROM roll_maps WHERE roll_id = ?", (roll_id,)
            ).fetchone()
        if row is None:
            return RollMap()
        positions = json.loads(row[0])
        grid = np.frombuffer(row[2], dtype="<f4").astype(float).reshape(-1, int(row[1]))
        return RollMap(list(positions), list(grid))

    @staticmethod
    def _record(text: str) -> RollRecord:
        data = json.loads(text)
        return RollRecord(**{k: _from_json(k, v) for k, v in data.items() if k in _FIELDS})


class RollWriter:
    """Commits finished rolls on a thread of its own; the control thread only queues them."""

    def __init__(self, roll_store: RollStore) -> None:
        self.store = roll_store
        self._queue: deque[tuple[RollRecord, RollMap]] = deque()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.written = 0
        self.failed = 0
        self.last_id: int | None = None

    def offer(self, record: RollRecord, roll_map: RollMap) -> None:
        self._queue.append((record, roll_map))
        self._wake.set()

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="roll-writer", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(1.0)
            self._wake.clear()
            self.flush()
        self.flush()

    def flush(self) -> None:
        while self._queue:
            record, roll_map = self._queue[0]
            try:
                self.last_id = self.store.add(record, roll_map)
                self.written += 1
            except sqlite3.Error as exc:  # kept queued: tried again at the next wake
                self.failed += 1
                log.error("roll %d not written yet: %s", record.number, exc)
                return
            self._queue.popleft()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(5.0)
            self._thread = None
        else:
            self.flush()
