"""The historian: decimation by runtime clock, writer thread, bounded queue, queries."""

from __future__ import annotations

import math
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from hmi.core import tags as registry
from hmi.core.process import Quality
from hmi.history import Historian, StoreError, schema_version
from hmi.history.columns import Row
from hmi.history.store import MIGRATIONS, connect

TAGS = ("a", "b")
WAIT_S = 5.0  # upper bound for event waits; passing runs never get near it


def _db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "hmi.sqlite3"


def _rows(db: Path) -> list[tuple[float, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT t_s, wall_time, a, b FROM samples ORDER BY rowid").fetchall()
    finally:
        conn.close()


def _offer_seconds(h: Historian, seconds: range, wall0: float = 1000.0) -> None:
    """One offer per whole second of runtime clock, so each one is kept."""
    for s in seconds:
        h.offer(float(s), wall0 + s, {"a": float(s), "b": -float(s)}, {})


def _wrap_insert(h: Historian, before: Callable[[list[Row]], None]) -> None:
    """Run `before` in the writer thread ahead of each real batch write."""
    real = h._insert_rows

    def insert(rows: list[Row]) -> None:
        before(rows)
        real(rows)

    h._insert_rows = insert  # type: ignore[method-assign]


def test_decimates_by_runtime_clock_not_wall_time(tmp_path: Path) -> None:
    h = Historian(_db(tmp_path), TAGS, sample_period_s=1.0)
    t = 0.0
    for _ in range(1000):  # 10 s of a 100 Hz loop, clock accumulated as the runtime does
        # Wall time frozen: a simulated line runs faster than real time.
        h.offer(t, 5000.0, {"a": t, "b": 1.0}, {})
        t += 0.01
    h.close()
    assert h.written == 10 and h.dropped == 0
    assert [round(r[0], 6) for r in _rows(_db(tmp_path))] == [float(s) for s in range(10)]


def test_query_returns_values_in_order_with_nan_for_bad_quality(tmp_path: Path) -> None:
    h = Historian(_db(tmp_path), TAGS)
    qualities = [Quality.GOOD, Quality.BAD, Quality.UNCERTAIN, Quality.GOOD, Quality.GOOD]
    for s, q in enumerate(qualities):
        values = {"a": 10.0 + s, "b": 20.0 + s} if s != 3 else {"a": 13.0}  # b missing at 3
        h.offer(float(s), 100.0 + s, values, {"a": Quality.GOOD, "b": int(q)})
    h.offer(5.0, 105.0, {"a": float("inf"), "b": float("nan")}, {})
    h.close()

    h = Historian(_db(tmp_path), TAGS)
    times, a = h.query("a", 100.0, 105.0)
    assert times == [100.0, 101.0, 102.0, 103.0, 104.0, 105.0]
    assert a[:5] == [10.0, 11.0, 12.0, 13.0, 14.0] and math.isnan(a[5])
    _, b = h.query("b", 100.0, 105.0)
    assert [math.isnan(v) for v in b] == [False, True, False, True, False, True]
    assert b[2] == 22.0  # UNCERTAIN is a held value, kept
    assert h.query("a", 101.5, 103.0) == ([102.0, 103.0], [12.0, 13.0])
    assert h.query("a", 200.0, 300.0) == ([], [])
    h.close()


def test_query_unknown_tag_names_it(tmp_path: Path) -> None:
    with Historian(_db(tmp_path), TAGS) as h:
        with pytest.raises(KeyError, match="no_such_tag"):
            h.query("no_such_tag", 0.0, 1.0)


def test_query_thins_long_series_and_keeps_spikes(tmp_path: Path) -> None:
    h = Historian(_db(tmp_path), TAGS, max_queue=10_000, batch_rows=1000)
    for s in range(5000):
        a = 500.0 if s == 1234 else (-500.0 if s == 4321 else float(s % 7))
        h.offer(float(s), float(s), {"a": a, "b": 0.0}, {})
    h.close()
    h = Historian(_db(tmp_path), TAGS)
    times, values = h.query("a", 0.0, 5000.0, max_points=100)
    assert 0 < len(times) <= 100
    assert times == sorted(times)
    assert 500.0 in values and -500.0 in values
    assert len(h.query("a", 0.0, 5000.0)[0]) == 2000
    h.close()


def test_close_flushes_everything_and_reopen_sees_it(tmp_path: Path) -> None:
    # Batches and interval so large that only close() can have written the data.
    h = Historian(_db(tmp_path), TAGS, max_queue=1000, batch_rows=10_000, flush_interval_s=60)
    h.start()
    _offer_seconds(h, range(500))
    h.close()
    assert (h.written, h.dropped, h.queued) == (500, 0, 0)
    h.close()  # idempotent

    h = Historian(_db(tmp_path), TAGS)
    times, values = h.query("a", 0.0, 1e9)
    assert times == [1000.0 + s for s in range(500)]
    assert values == [float(s) for s in range(500)]
    h.close()


def test_close_without_start_still_writes(tmp_path: Path) -> None:
    h = Historian(_db(tmp_path), TAGS)
    _offer_seconds(h, range(3))
    h.close()
    assert h.written == 3 and len(_rows(_db(tmp_path))) == 3


def test_writer_thread_commits_while_running(tmp_path: Path) -> None:
    h = Historian(_db(tmp_path), TAGS, batch_rows=1, flush_interval_s=60)
    written = threading.Event()
    real = h._insert_rows

    def insert(rows: list[Row]) -> None:
        real(rows)
        written.set()

    h._insert_rows = insert  # type: ignore[method-assign]
    h.start()
    _offer_seconds(h, range(1))  # a full batch wakes the writer; no waiting for the interval
    assert written.wait(WAIT_S)
    assert h.query("a", 0.0, 1e9) == ([1000.0], [0.0])
    h.close()


def test_full_queue_drops_oldest_while_writer_is_blocked(tmp_path: Path) -> None:
    h = Historian(_db(tmp_path), TAGS, max_queue=5, batch_rows=1, flush_interval_s=60)
    entered, release = threading.Event(), threading.Event()

    def stall(rows: list[Row]) -> None:
        if not entered.is_set():
            entered.set()
            assert release.wait(WAIT_S)

    _wrap_insert(h, stall)
    h.start()
    _offer_seconds(h, range(1))  # the writer takes sample 0 and stalls on the "disk"
    assert entered.wait(WAIT_S)
    _offer_seconds(h, range(1, 13))  # 12 more into a queue of 5: 7 oldest dropped
    assert (h.dropped, h.queued, h.written) == (7, 5, 0)
    release.set()
    h.close()
    assert (h.written, h.dropped) == (6, 7)
    assert [r[0] for r in _rows(_db(tmp_path))] == [0.0, 8.0, 9.0, 10.0, 11.0, 12.0]


def test_lock_held_by_another_connection_delays_but_loses_nothing(tmp_path: Path) -> None:
    db = _db(tmp_path)
    h = Historian(db, TAGS, max_queue=3, batch_rows=1, flush_interval_s=60)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # e.g. a backup or a long report holding the write lock
    entered = threading.Event()
    _wrap_insert(h, lambda rows: entered.set())
    h.start()
    _offer_seconds(h, range(1))
    assert entered.wait(WAIT_S)  # writer holds sample 0 and waits for the lock
    _offer_seconds(h, range(1, 6))
    assert (h.written, h.dropped, h.queued) == (0, 2, 3)
    other.execute("ROLLBACK")
    other.close()
    h.close()
    assert [r[0] for r in _rows(db)] == [0.0, 3.0, 4.0, 5.0]


def test_failed_batch_is_retried(tmp_path: Path) -> None:
    h = Historian(_db(tmp_path), TAGS, batch_rows=1, flush_interval_s=60, retry_interval_s=60)
    failed = threading.Event()

    def fail_once(rows: list[Row]) -> None:
        if not failed.is_set():
            failed.set()
            raise sqlite3.OperationalError("disk I/O error")

    _wrap_insert(h, fail_once)
    h.start()
    _offer_seconds(h, range(1))
    assert failed.wait(WAIT_S)
    _offer_seconds(h, range(1, 4))
    h.close()  # the retry happens in the final drain
    assert (h.written, h.dropped) == (4, 0)
    assert [r[0] for r in _rows(_db(tmp_path))] == [0.0, 1.0, 2.0, 3.0]


def test_close_with_broken_disk_counts_instead_of_raising(tmp_path: Path) -> None:
    h = Historian(_db(tmp_path), TAGS, batch_rows=2)

    def broken(rows: list[Row]) -> None:
        raise sqlite3.OperationalError("disk full")

    _wrap_insert(h, broken)
    _offer_seconds(h, range(5))
    h.close()
    assert (h.written, h.dropped) == (0, 5)


def test_offer_after_close_is_counted_and_start_refused(tmp_path: Path) -> None:
    h = Historian(_db(tmp_path), TAGS)
    h.close()
    _offer_seconds(h, range(2))
    assert h.dropped == 2
    with pytest.raises(RuntimeError):
        h.start()


def test_reopen_keeps_schema_version_and_adds_new_tag_columns(tmp_path: Path) -> None:
    db = _db(tmp_path)
    h = Historian(db, TAGS)
    _offer_seconds(h, range(2))
    h.close()
    h = Historian(db, (*TAGS, "c"))
    h.offer(2.0, 1002.0, {"a": 2.0, "b": 2.0, "c": 3.0}, {})
    h.close()
    h = Historian(db, ("c",))
    times, c = h.query("c", 0.0, 1e9)
    assert times == [1000.0, 1001.0, 1002.0]
    assert math.isnan(c[0]) and math.isnan(c[1]) and c[2] == 3.0
    h.close()
    conn = connect(db)
    assert schema_version(conn) == len(MIGRATIONS)
    assert conn.execute("SELECT count(*) FROM schema_version").fetchone()[0] == 1
    conn.close()


def test_accepts_the_registry_tags_the_runtime_passes(tmp_path: Path) -> None:
    kinds = (registry.TagKind.MEASURED, registry.TagKind.SETPOINT, registry.TagKind.OUTPUT)
    names = [n for k in kinds for n in registry.names(k)]
    h = Historian(_db(tmp_path), names)
    h.offer(0.0, 1.0, {n: registry.tag(n).low for n in names}, {})
    h.close()
    h = Historian(_db(tmp_path), names)
    assert h.query(names[-1], 0.0, 2.0) == ([1.0], [registry.tag(names[-1]).low])
    h.close()


@pytest.mark.parametrize("bad", [["a", "a"], ["wall_time"], ["x; DROP TABLE samples"], "ab"])
def test_rejects_tags_that_cannot_be_columns(tmp_path: Path, bad: object) -> None:
    with pytest.raises((ValueError, TypeError)):
        Historian(_db(tmp_path), bad)  # type: ignore[arg-type]


def test_unwritable_directory_names_the_path(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(StoreError, match="not writable") as info:
        Historian(blocker / "hmi.sqlite3", TAGS)
    assert str(blocker) in str(info.value)
