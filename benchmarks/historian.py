"""Historian: ingest of every recorded tag at 10 Hz, trend queries on a filled store, and the
store's size per day of production.

- ingest: a Historian on a fresh store with the writer thread running; `--ingest-minutes`
  of 10 Hz samples of every recorded registry tag are offered as fast as the loop can, and
  the clock stops when `close()` has committed the last one (raw rows, roll-ups, pruning).
  samples/s = rows x tags / wall time. Goal >= 50,000 samples/s.
- size: bytes per tier (SQLite's dbstat, pages in use) after that ingest, scaled to a day;
  the steady state is a day of raw + 30 days of 1 s + 365 days of 1 min.
- queries: 4 pens over 8 h for a 1,200 px chart (max_points 1,200; goal <= 200 ms) and over
  30 days (goal <= 500 ms), on a store filled with synthetic history straight through the
  tier writer (not at real time): `--fill-days` of 1 min roll-ups folded from 1 Hz values,
  the last 24 h of 1 s and 1 min roll-ups folded from 10 Hz values, the last hour also raw.
  The first query of each kind (cold page cache of this process) is reported apart.

Every figure is the median of `--runs` runs. The machine is shared: compare side by side.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from hmi.core.tags import TagKind, names
from hmi.history import Historian, database_path
from hmi.history.tier_writer import TierWriter
from hmi.history.tiers import MINUTE, SECOND

TAGS = tuple(n for kind in TagKind for n in names(kind))  # every registry tag, as the app
PENS = ("areal_mass_mg_cm2", "gap_os_um", "gap_ds_um", "roll_force_os_kn")
NOW_WALL = 1_790_000_040.0  # a fixed "now" on a whole minute, so runs are comparable
HOUR_S = 3600.0


def _synthetic(rng: np.random.Generator, walls: np.ndarray) -> np.ndarray:
    """Noisy values around a drifting level per tag, a spike now and then."""
    level = 10.0 + np.arange(len(TAGS)) + np.sin(walls[:, None] / 977.0)
    values = level + 0.05 * rng.standard_normal((len(walls), len(TAGS)))
    spikes = rng.random(values.shape) < 1e-5
    return np.where(spikes, values * 3.0, values)


def fill(db: Path, days: float) -> dict:
    """A store holding `days` of history ending at NOW_WALL, as the tiers would keep it."""
    h = Historian(db, TAGS)  # creates the schema and the columns
    h.close()
    h = Historian(db, TAGS)
    writer = TierWriter(h._write_conn, TAGS)
    rng = np.random.default_rng(1)
    started = time.perf_counter()
    start = NOW_WALL - days * 86_400.0
    day_ago, hour_ago = NOW_WALL - 86_400.0, NOW_WALL - HOUR_S
    t = start
    while t < day_ago:  # old days: 1 min roll-ups only, folded from 1 Hz values
        walls = np.arange(t, min(t + 6 * HOUR_S, day_ago), 1.0)
        writer.write_arrays(walls, _synthetic(rng, walls), tiers=(MINUTE,))
        t = walls[-1] + 1.0
    k0 = round(t * 10)
    while t < NOW_WALL:  # the last day at 10 Hz: 1 s and 1 min; the last hour raw as well
        ks = np.arange(k0, min(k0 + 36_000, round(NOW_WALL * 10)))
        walls = ks / 10.0
        values = _synthetic(rng, walls)
        raw = None
        if walls[0] >= hour_ago:
            raw = np.column_stack((walls, walls - start, values)).tolist()
        writer.write_arrays(walls, values, raw_rows=raw, tiers=(SECOND, MINUTE))
        k0 = int(ks[-1]) + 1
        t = k0 / 10.0
    h.close()
    return {"fill_days": days, "fill_s": round(time.perf_counter() - started, 1)}


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def measure_queries(db: Path, runs: int) -> dict:
    pens = PENS
    h = Historian(db, TAGS)
    cases = {"8h_1200px": 8 * HOUR_S, "30d_1200px": 30 * 86_400.0}
    out: dict = {"pens": list(pens)}
    try:
        for name, span_s in cases.items():
            times: list[float] = []
            points = 0
            for _ in range(runs + 1):
                began = time.perf_counter()
                result = h.query_many(pens, NOW_WALL - span_s, NOW_WALL, max_points=1200)
                times.append(time.perf_counter() - began)
                points = max(len(v[0]) for v in result.values())
            out[name] = {
                "cold_ms": round(times[0] * 1000, 1),
                "median_ms": _median_ms(times[1:]),
                "points_per_pen": points,
                "tier": h.query_tier(NOW_WALL - span_s, NOW_WALL, max_points=1200),
            }
    finally:
        h.close()
    return out


def _tier_bytes(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
    finally:
        conn.close()
    by_name = dict(rows)
    return {
        tier: int(by_name.get(table, 0) + by_name.get(f"{table}_wall_time", 0))
        for tier, table in (("raw", "samples"), ("1s", "rollup_1s"), ("1min", "rollup_1min"))
    }


def measure_ingest(data_dir: Path, minutes: float, runs: int) -> dict:
    rng = np.random.default_rng(2)
    rows = int(minutes * 600)
    pool = [dict(zip(TAGS, row, strict=True)) for row in (10.0 + rng.random((600, len(TAGS))))]
    rates, dropped, sizes = [], 0, {}
    for run in range(runs):
        db = database_path(data_dir / f"ingest{run}")
        h = Historian(db, TAGS, sample_period_s=0.1, max_queue=rows + 1)
        h.start()
        began = time.perf_counter()
        for k in range(rows):
            h.offer(k / 10, NOW_WALL + k / 10, pool[k % 600], {})
        h.close()
        wall = time.perf_counter() - began
        rates.append(rows * len(TAGS) / wall)
        dropped += h.dropped
        sizes = _tier_bytes(db)
    per_day = {tier: round(b * 1440 / minutes / 1e6, 1) for tier, b in sizes.items()}
    steady = per_day["raw"] + 30 * per_day["1s"] + 365 * per_day["1min"]
    return {
        "tags": len(TAGS),
        "rows_per_run": rows,
        "ingest_samples_per_s": round(statistics.median(rates)),
        "ingest_runs_samples_per_s": [round(r) for r in rates],
        "dropped": dropped,
        "mb_per_day": per_day,
        "steady_state_mb": round(steady),
    }


def measure(data_dir: Path, runs: int = 3, ingest_minutes: float = 20.0, days: float = 30.0):
    data_dir.mkdir(parents=True, exist_ok=True)
    print(f"historian ingest: {ingest_minutes:g} min at 10 Hz x {runs} ...", file=sys.stderr)
    result = {"ingest": measure_ingest(data_dir, ingest_minutes, runs)}
    print(f"historian: filling {days:g} days of synthetic history ...", file=sys.stderr)
    db = database_path(data_dir / "filled")
    result["fill"] = fill(db, days)
    result["queries"] = measure_queries(db, runs)
    return result


def table(r: dict) -> str:
    i, q = r["ingest"], r["queries"]
    mb = i["mb_per_day"]
    lines = [
        f"{'historian ingest':<18}{i['ingest_samples_per_s']:>10,} samples/s "
        f"({i['tags']} tags at 10 Hz, median of {len(i['ingest_runs_samples_per_s'])}; "
        f"dropped {i['dropped']})",
        f"{'store per day':<18}raw {mb['raw']} MB, 1 s {mb['1s']} MB, 1 min {mb['1min']} MB; "
        f"steady state (24 h + 30 d + 365 d) {i['steady_state_mb']:,} MB",
    ]
    for name in ("8h_1200px", "30d_1200px"):
        c = q[name]
        lines.append(
            f"{'query ' + name:<18}{c['median_ms']:>8.1f} ms median, cold {c['cold_ms']:.1f} ms, "
            f"{len(q['pens'])} pens, {c['points_per_pen']} points per pen, tier {c['tier']}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench-historian", description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ingest-minutes", type=float, default=20.0)
    parser.add_argument("--fill-days", type=float, default=30.0)
    parser.add_argument("--out", default="bench-results/historian.json")
    args = parser.parse_args(argv)
    if args.runs < 3:
        parser.error("--runs must be at least 3 (medians)")
    with tempfile.TemporaryDirectory(prefix="hmi-bench-history-") as tmp:
        result = measure(Path(tmp), args.runs, args.ingest_minutes, args.fill_days)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(table(result))
    print(f"\nJSON: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
