"""History tiers: roll-ups exact against raw, rebuilt after a restart, the tier a query
reads, CSV tables, pruning by age and by size."""

from __future__ import annotations

import math
import sqlite3
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from hmi.history import Historian, Retention

TAGS = ("a", "b")
BASE_WALL = 1_700_000_040.0  # a real epoch on a whole minute: float rounding as in the field


def _db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "hmi.sqlite3"


def _wall(k: int) -> float:
    return BASE_WALL + k / 10


def _offer_10hz(h: Historian, ks: range, value=None, bad=None) -> None:
    """One sample per 0.1 s of runtime clock (the 10 Hz raw tier). `value(k)` gives a's
    value (b = -a); `bad(k)` True marks b bad quality."""
    rng = np.random.default_rng(ks.start)
    noise = rng.normal(size=len(ks))
    for i, k in enumerate(ks):
        a = value(k) if value else 10.0 + noise[i]
        quality = {"b": 2} if bad and bad(k) else {}
        h.offer(k / 10, _wall(k), {"a": a, "b": -a}, quality)


def _historian(tmp_path: Path, **kw) -> Historian:
    kw.setdefault("max_queue", 200_000)
    return Historian(_db(tmp_path), TAGS, sample_period_s=0.1, **kw)


def _raw(db: Path) -> list[tuple[float, float | None, float | None]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT wall_time, a, b FROM samples ORDER BY rowid").fetchall()
    finally:
        conn.close()


def _rollup(db: Path, table: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            f"SELECT wall_time, samples, a__min, a__mean, a__max, b__min, b__mean, b__max "
            f"FROM {table} ORDER BY wall_time"
        ).fetchall()
    finally:
        conn.close()


def _expected(raw, samples_per_bucket: int) -> dict[int, tuple]:
    """Buckets computed the plain way from the raw rows (row k is sample k, so bucket
    k // samples_per_bucket), keyed by bucket number: (rows, stats of a, stats of b)."""
    groups: dict[int, list] = defaultdict(list)
    for k, row in enumerate(raw):
        groups[k // samples_per_bucket].append(row)
    out = {}
    for bucket, rows in groups.items():
        stats = []
        for col in (1, 2):
            good = [r[col] for r in rows if r[col] is not None]
            stats.append((min(good), math.fsum(good) / len(good), max(good)) if good else None)
        out[bucket] = (len(rows), *stats)
    return out


def _assert_rollups_exact(db: Path, table: str, width_s: int, open_buckets: int = 1) -> int:
    raw = _raw(db)
    expected = _expected(raw, width_s * 10)
    got = _rollup(db, table)
    assert len(got) == len(expected) - open_buckets  # the newest bucket is still open
    for row in got:
        bucket = round((row[0] - BASE_WALL) / width_s)
        n, a, b = expected[bucket]
        assert row[1] == n
        for stats, (low, mean, high) in ((a, row[2:5]), (b, row[5:8])):
            if stats is None:
                assert (low, mean, high) == (None, None, None)
            else:
                assert low == stats[0] and high == stats[2]  # exact
                assert mean == pytest.approx(stats[1], rel=1e-12, abs=1e-12)
    return len(got)


def test_rollups_are_exact_against_raw_across_batches_and_a_restart(tmp_path: Path) -> None:
    db = _db(tmp_path)
    # 37-row batches: buckets straddle batches; b bad for one whole second and scattered
    h = _historian(tmp_path, batch_rows=37)
    bad = lambda k: 300 <= k < 310 or k % 17 == 0  # noqa: E731
    _offer_10hz(h, range(0, 1234), bad=bad)  # stops inside a second and a minute
    h.close()
    # the restart rebuilds the open buckets from raw, then new rows continue them
    h = _historian(tmp_path, batch_rows=37)
    _offer_10hz(h, range(1234, 1900), bad=bad)
    h.close()
    assert len(_raw(db)) == 1900
    assert _assert_rollups_exact(db, "rollup_1s", 1) == 189
    assert _assert_rollups_exact(db, "rollup_1min", 60) == 3
    b_second_30 = _rollup(db, "rollup_1s")[30]
    assert b_second_30[5:8] == (None, None, None) and b_second_30[2] is not None


def test_query_reads_raw_for_short_spans_and_rollups_for_long_ones(tmp_path: Path) -> None:
    def value(k: int) -> float:
        if k == 12_345:
            return 500.0  # one raw sample: a 0.1 s spike
        if k == 4_321:
            return -500.0
        return float(k % 7)

    h = _historian(tmp_path)
    _offer_10hz(h, range(18_000), value=value)  # 30 min
    h.close()
    h = _historian(tmp_path)
    try:
        # 2 min: raw rows, thinned to 1,200 points, the spike kept
        times, values = h.query("a", _wall(12_000), _wall(13_200), max_points=1200)
        assert 600 < len(times) <= 1200 and 500.0 in values
        assert all(round((t - BASE_WALL) * 10) % 1 == 0 for t in times)  # sample times
        # 30 min, 1,200 points: 1 s buckets (times at their middles), spike and dip kept
        times, values = h.query("a", _wall(0), _wall(18_000), max_points=1200)
        assert len(times) <= 1200 and times == sorted(times)
        assert {round((t - BASE_WALL) % 1, 6) for t in times} == {0.5}
        assert 500.0 in values and -500.0 in values
        # 30 min, 20 points: 1 min buckets
        times, values = h.query("a", _wall(0), _wall(18_000), max_points=20)
        assert len(times) <= 20 and {round((t - BASE_WALL) % 60, 6) for t in times} == {30.0}
        assert max(values) == 500.0 and min(values) == -500.0
        # several pens in one read: the same answers
        many = h.query_many(["a", "b"], _wall(0), _wall(18_000), max_points=20)
        assert many["a"] == (times, values)
        assert sorted(many["b"][1]) == sorted(-v for v in values)  # b = -a
        with pytest.raises(KeyError, match="nope"):
            h.query_many(["a", "nope"], 0.0, 1.0, 10)
    finally:
        h.close()


def test_bad_quality_is_nan_in_every_tier(tmp_path: Path) -> None:
    h = _historian(tmp_path)
    _offer_10hz(h, range(6_000), bad=lambda k: 1_200 <= k < 2_400)  # b bad for minutes 2-3
    h.close()
    h = _historian(tmp_path)
    try:
        for max_points in (1200, 60, 10):  # raw, 1 s, 1 min
            times, b = h.query("b", _wall(1_200), _wall(2_399), max_points=max_points)
            assert times and all(math.isnan(v) for v in b), max_points
            _, a = h.query("a", _wall(1_200), _wall(2_399), max_points=max_points)
            assert not any(math.isnan(v) for v in a)
    finally:
        h.close()


def test_pruning_by_age_keeps_each_tier_its_span(tmp_path: Path) -> None:
    retention = Retention(raw_s=300, second_s=600, minute_s=1200)
    h = _historian(tmp_path, retention=retention, prune_interval_s=30)
    _offer_10hz(h, range(18_000))  # 30 min, pruned by the writer as it goes
    h.close()
    db = _db(tmp_path)
    newest = _wall(17_999)
    conn = sqlite3.connect(db)
    try:
        for table, keep_s in (("samples", 300), ("rollup_1s", 600), ("rollup_1min", 1200)):
            oldest = conn.execute(f"SELECT min(wall_time) FROM {table}").fetchone()[0]
            # pruned every 30 s of samples: at most that much older than the retention
            assert newest - keep_s - 31 <= oldest <= newest - keep_s + 61, table
    finally:
        conn.close()

    # what raw no longer holds comes from the finest roll-up that does, for charts and CSV
    h = _historian(tmp_path, retention=retention)
    try:
        since, until = _wall(13_000), _wall(13_600)  # 1 min, 8 min before the newest
        times, _ = h.query("a", since, until, max_points=2000)
        assert {round((t - BASE_WALL) % 1, 6) for t in times} == {0.5}  # 1 s tier
        assert h.table_tier(since) == "1s" and h.table_tier(_wall(17_000)) == "raw"
        t, columns = h.query_table(["a", "b"], since, until)
        assert len(t) == 61 and len(columns["a"]) == len(columns["b"]) == 61
        assert h.table_tier(_wall(0)) == "1min"
    finally:
        h.close()


def test_query_table_is_aligned_raw_rows_with_nan_for_bad(tmp_path: Path) -> None:
    h = _historian(tmp_path)
    _offer_10hz(h, range(100), value=float, bad=lambda k: k == 50)
    h.close()
    h = _historian(tmp_path)
    try:
        times, columns = h.query_table(["b", "a"], _wall(10), _wall(59))
        assert times == [_wall(k) for k in range(10, 60)]
        assert columns["a"] == [float(k) for k in range(10, 60)]
        assert math.isnan(columns["b"][40]) and columns["b"][39] == -49.0
        assert h.query_table(["a"], _wall(200), _wall(300)) == ([], {"a": []})
    finally:
        h.close()


def test_size_cap_cuts_the_finest_tier_first(tmp_path: Path) -> None:
    cap = 5_000_000  # raw alone is ~8 MB of the 4 h
    h = _historian(tmp_path, retention=Retention(max_bytes=cap), prune_interval_s=1e9)
    _offer_10hz(h, range(4 * 36_000))  # 4 h at 10 Hz: more than the cap holds
    h.close()  # pruning due once, at the first batch only
    h = _historian(tmp_path, retention=Retention(max_bytes=cap))
    before = h.prune()
    assert before.deleted.get("raw", 0) > 0 and not before.over_cap
    assert before.used_bytes <= cap
    h.close()
    conn = sqlite3.connect(_db(tmp_path))
    try:
        raw_oldest = conn.execute("SELECT min(wall_time) FROM samples").fetchone()[0]
        second_oldest = conn.execute("SELECT min(wall_time) FROM rollup_1s").fetchone()[0]
    finally:
        conn.close()
    newest = _wall(4 * 36_000 - 1)
    assert 3600 <= newest - raw_oldest < 3 * 3600  # cut by whole hours, the last one kept
    assert second_oldest == BASE_WALL  # the coarser tiers still cover the whole run


def test_retention_rejects_spans_too_short_for_recovery() -> None:
    with pytest.raises(ValueError, match="raw_s"):
        Retention(raw_s=60)
    with pytest.raises(ValueError, match="max_bytes"):
        Retention(max_bytes=1000)


def test_an_empty_store_answers_empty_and_names_no_tier(tmp_path: Path) -> None:
    with _historian(tmp_path) as h:
        assert h.query("a", 0.0, 1e10) == ([], [])
        assert h.query_many(["a", "b"], 0.0, 1e10, 100) == {"a": ([], []), "b": ([], [])}
        assert h.query_table(["a"], 0.0, 1e10) == ([], {"a": []})
        assert h.query_tier(0.0, 1e10) is None and h.table_tier(0.0) is None


def test_the_query_tier_follows_span_and_width(tmp_path: Path) -> None:
    h = _historian(tmp_path)
    _offer_10hz(h, range(18_000))  # 30 min
    h.close()
    with _historian(tmp_path) as h:
        end = _wall(17_999)
        assert h.query_tier(end - 300, end, max_points=1200) == "raw"  # 5 min
        assert h.query_tier(end - 1800, end, max_points=1200) == "1s"
        assert h.query_tier(end - 1800, end, max_points=40) == "1min"
        # a range reaching far past the data: the resolution of the part that holds data
        assert h.query_tier(end - 300, end + 86_400, max_points=1200) == "raw"
