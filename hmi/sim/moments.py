"""Streaming moments: the exact mean and population standard deviation of a stream of values
without keeping them (Welford's update; Chan, Golub and LeVeque's formula to merge two
partial results). Used by the scenario statistics so a run of any length holds a few numbers
per statistic instead of every sample (issue 9, item 11).

For values x_1 … x_n:  mean = Σx/n,  M2 = Σ(x − mean)²,  σ = √(M2/n)  (numpy's std, ddof 0).
Adding x:   n ← n + 1,  δ = x − mean,  mean ← mean + δ/n,  M2 ← M2 + δ·(x − mean).
Merging B into A:  δ = mean_B − mean_A,  n = n_A + n_B,  mean = mean_A + δ·n_B/n,
                   M2 = M2_A + M2_B + δ²·n_A·n_B/n.
Mathematically exact; in floating point within ~1e-12 (relative) of numpy's two-pass result,
far below the 4 decimals the statistics are reported to.
"""

from __future__ import annotations

import math

import numpy as np


class Moments:
    __slots__ = ("n", "mean", "m2", "max_abs")

    def __init__(self) -> None:
        self.n = 0
        self.mean = 0.0
        self.m2 = 0.0
        self.max_abs = 0.0  # the largest |x| seen (NaN propagates like numpy's max)

    def add(self, x: float) -> None:
        self.n += 1
        delta = x - self.mean
        self.mean += delta / self.n
        self.m2 += delta * (x - self.mean)
        if not abs(x) <= self.max_abs and not math.isnan(self.max_abs):  # a NaN sticks
            self.max_abs = abs(x)

    def add_many(self, xs: np.ndarray) -> None:
        """Add a batch (e.g. one cross-direction profile) in one merge."""
        if len(xs) == 0:
            return
        batch = Moments()
        batch.n = len(xs)
        batch.mean = float(np.mean(xs))
        batch.m2 = float(np.sum((xs - batch.mean) ** 2))
        batch.max_abs = float(np.max(np.abs(xs)))
        self.merge(batch)

    def merge(self, other: Moments) -> None:
        if other.n == 0:
            return
        if self.n == 0:
            self.n, self.mean, self.m2 = other.n, other.mean, other.m2
        else:
            n = self.n + other.n
            delta = other.mean - self.mean
            self.mean += delta * other.n / n
            self.m2 += other.m2 + delta * delta * self.n * other.n / n
            self.n = n
        if not other.max_abs <= self.max_abs and not math.isnan(self.max_abs):
            self.max_abs = other.max_abs

    def std(self) -> float:
        """Population σ (NaN when empty)."""
        return math.sqrt(self.m2 / self.n) if self.n and self.m2 >= 0.0 else math.nan

    def average(self) -> float:
        return self.mean if self.n else math.nan
