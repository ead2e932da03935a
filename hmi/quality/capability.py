"""Process capability of the areal mass against the recipe's tolerance.

The measurements are relative errors e = (m / target − 1)·100 % of the gauge's zone readings, so
a grade change inside a roll is judged against the target each film was made for and the
specification limits are symmetric: LSL = −tol, USL = +tol (the recipe's tolerance, %).

Subgroups are scans (one pass of the gauge: Z zone readings across the web):
- σ_within (pooled): √(Σᵢ Σⱼ (e_ij − ē_i)² / Σᵢ (n_i − 1)) — the spread across the web inside a
  scan, the short-term capability of the nip (AIAG SPC manual's pooled standard deviation,
  without the c4 correction, which is < 0.1 % at 24 zones);
- σ_overall: the sample standard deviation (n − 1) of every zone reading of the stretch — the
  long-term performance, machine direction included.

Cp = (USL − LSL) / 6σ_within, Cpk = min(USL − μ, μ − LSL) / 3σ_within,
Pp = (USL − LSL) / 6σ_overall, Ppk = min(USL − μ, μ − LSL) / 3σ_overall, μ = mean of all
readings. A σ of zero (a perfect or a single reading) gives no index (None), never infinity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Capability:
    n: int  # zone readings
    subgroups: int  # scans
    mean_pct: float  # μ, % from target
    sigma_within_pct: float
    sigma_overall_pct: float
    cp: float | None
    cpk: float | None
    pp: float | None
    ppk: float | None


def _index(spread: float, sigma: float) -> float | None:
    return spread / (3.0 * sigma) if sigma > 0.0 and math.isfinite(sigma) else None


def indices(
    mean_pct: float, sigma_within_pct: float, sigma_overall_pct: float, tolerance_pct: float
) -> tuple[float | None, float | None, float | None, float | None]:
    """(Cp, Cpk, Pp, Ppk) for limits ±tolerance_pct around a zero error."""
    tol = tolerance_pct
    nearest = min(tol - mean_pct, mean_pct + tol)  # distance to the nearer limit
    return (
        _index(tol, sigma_within_pct),
        _index(nearest, sigma_within_pct),
        _index(tol, sigma_overall_pct),
        _index(nearest, sigma_overall_pct),
    )


class CapabilityAccumulator:
    """Folds in scans one at a time; holds five numbers whatever the length of the film."""

    __slots__ = ("n", "subgroups", "mean", "m2", "within_ss", "within_df")

    def __init__(self) -> None:
        self.n = 0
        self.subgroups = 0
        self.mean = 0.0
        self.m2 = 0.0  # Σ (e − μ)² over every reading (merged, Chan et al.)
        self.within_ss = 0.0  # Σ over scans of Σ (e − ē_scan)²
        self.within_df = 0  # Σ over scans of (n_scan − 1)

    def add_scan(self, errors_pct: np.ndarray) -> None:
        e = errors_pct[np.isfinite(errors_pct)]
        k = len(e)
        if k == 0:
            return
        scan_mean = float(e.mean())
        ss = float(((e - scan_mean) ** 2).sum())
        if k > 1:
            self.within_ss += ss
            self.within_df += k - 1
        n = self.n + k
        delta = scan_mean - self.mean
        self.m2 += ss + delta * delta * self.n * k / n
        self.mean += delta * k / n
        self.n = n
        self.subgroups += 1

    def merge(self, other: CapabilityAccumulator) -> None:
        if other.n == 0:
            return
        n = self.n + other.n
        delta = other.mean - self.mean
        self.m2 += other.m2 + delta * delta * self.n * other.n / n
        self.mean += delta * other.n / n
        self.n = n
        self.subgroups += other.subgroups
        self.within_ss += other.within_ss
        self.within_df += other.within_df

    @property
    def sigma_within(self) -> float:
        return math.sqrt(self.within_ss / self.within_df) if self.within_df else math.nan

    @property
    def sigma_overall(self) -> float:
        return math.sqrt(self.m2 / (self.n - 1)) if self.n > 1 else math.nan

    def result(self, tolerance_pct: float) -> Capability:
        sw, so = self.sigma_within, self.sigma_overall
        cp, cpk, pp, ppk = indices(self.mean, sw, so, tolerance_pct)
        return Capability(self.n, self.subgroups, self.mean, sw, so, cp, cpk, pp, ppk)
