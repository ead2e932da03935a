"""History tiers: the raw samples and their 1 s and 1 min min/mean/max roll-ups.

A trend of a year cannot read a year of 10 Hz samples, so the writer folds every raw row it
commits into per-second and per-minute buckets and writes each bucket once it is closed, in
the same transaction as the raw rows that closed it: a committed roll-up always agrees with
the committed raw rows. The bucket still open lives in memory only; after a crash it is
rebuilt from the raw rows on disk (`Historian` replays them when it opens), which is why raw
data must be kept much longer than a minute.

Roll-up table layout: `rollup_<tier>(wall_time REAL, samples INTEGER, "<tag>__min" REAL,
"<tag>__mean" REAL, "<tag>__max" REAL, ...)`, one row per bucket; `wall_time` is the
bucket's start, `samples` how many raw rows fell into it. Min/mean/max count good samples
only (a NULL raw value is not a measurement); a bucket with none for a tag stores NULL.
The mean is the plain mean of the raw values, summed from raw rows (never a mean of means),
so it is exact against raw to float rounding at every tier.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from hmi.history.columns import quote

DAY_S = 86_400.0

# Absorbs float error of wall times on a bucket boundary (1000.0 stored as 999.9999999).
_EPSILON = 1e-9

STATS = ("min", "mean", "max")


@dataclass(frozen=True)
class Tier:
    """One resolution of the history. `width_s` 0 marks the raw samples."""

    name: str
    table: str
    width_s: float


RAW = Tier("raw", "samples", 0.0)
SECOND = Tier("1s", "rollup_1s", 1.0)
MINUTE = Tier("1min", "rollup_1min", 60.0)
ROLLUPS = (SECOND, MINUTE)
TIERS = (RAW, *ROLLUPS)  # finest first


@dataclass(frozen=True)
class Retention:
    """How long each tier is kept (by the age of the newest sample) and an optional cap on
    the bytes the store file may use; see `prune.py` for what the cap removes first."""

    raw_s: float = DAY_S
    second_s: float = 30 * DAY_S
    minute_s: float = 365 * DAY_S
    max_bytes: int | None = None

    def __post_init__(self) -> None:
        for name in ("raw_s", "second_s", "minute_s"):
            value = getattr(self, name)
            if not value > 120.0:  # recovery of an open minute bucket needs raw rows
                raise ValueError(f"{name} must be more than 120 s, got {value}")
        if self.max_bytes is not None and self.max_bytes < 1_000_000:
            raise ValueError(f"max_bytes must be at least 1 MB, got {self.max_bytes}")

    def keep_s(self, tier: Tier) -> float:
        return {RAW: self.raw_s, SECOND: self.second_s, MINUTE: self.minute_s}[tier]


def stat_column(tag: str, stat: str) -> str:
    return f"{tag}__{stat}"


def rollup_columns(tags: Sequence[str]) -> list[str]:
    return [stat_column(tag, stat) for tag in tags for stat in STATS]


def rollup_insert_sql(tier: Tier, tags: Sequence[str]) -> str:
    columns = ", ".join(quote(c) for c in ("wall_time", "samples", *rollup_columns(tags)))
    marks = ", ".join("?" * (3 * len(tags) + 2))
    return f"INSERT INTO {tier.table} ({columns}) VALUES ({marks})"


@dataclass(frozen=True)
class OpenBucket:
    """The bucket being filled: per-tag running min, max, sum and good count."""

    bucket: int
    rows: int
    low: np.ndarray
    high: np.ndarray
    total: np.ndarray
    good: np.ndarray


def fold(
    width_s: float, open_bucket: OpenBucket | None, walls: np.ndarray, values: np.ndarray
) -> tuple[list[tuple], OpenBucket | None]:
    """Fold raw rows (`walls` shape (n,), `values` shape (n, tags), NaN = no good value) into
    buckets of `width_s`; return the rows of the buckets this closes and the one left open.

    Pure: `open_bucket` is not changed, so a batch whose transaction fails can be folded
    again. A bucket closes when a row of another bucket arrives; a clock that steps back
    starts a new bucket rather than reopening an old one.
    """
    if len(walls) == 0:
        return [], open_bucket
    ids = np.floor(walls / width_s + _EPSILON).astype(np.int64)
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    finite = np.isfinite(values)
    low = np.fmin.reduceat(values, starts, axis=0)
    high = np.fmax.reduceat(values, starts, axis=0)
    total = np.add.reduceat(np.where(finite, values, 0.0), starts, axis=0)
    good = np.add.reduceat(finite.astype(np.int64), starts, axis=0)
    rows = np.diff(np.r_[starts, len(walls)])
    buckets = ids[starts]
    closed: list[OpenBucket] = []
    if open_bucket is not None:
        if buckets[0] == open_bucket.bucket:
            low[0] = np.fmin(low[0], open_bucket.low)
            high[0] = np.fmax(high[0], open_bucket.high)
            total[0] += open_bucket.total
            good[0] += open_bucket.good
            rows[0] += open_bucket.rows
        else:
            closed.append(open_bucket)
    groups = [
        OpenBucket(int(buckets[i]), int(rows[i]), low[i], high[i], total[i], good[i])
        for i in range(len(starts))
    ]
    closed.extend(groups[:-1])
    return [bucket_row(width_s, b) for b in closed], groups[-1]


def bucket_row(width_s: float, b: OpenBucket) -> tuple:
    """The SQL row of a closed bucket; NaN binds as NULL in SQLite."""
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(b.good > 0, b.total / np.maximum(b.good, 1), np.nan)
    stats = np.column_stack((b.low, mean, b.high)).ravel().tolist()
    return (b.bucket * width_s, b.rows, *stats)
