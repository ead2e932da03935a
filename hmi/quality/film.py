"""The figures of a stretch of film (a roll, or the film since a given metre), folded in as the
gauge sees it, so a stretch of any length holds a fixed, small state.

Two streams, both placed by the metre of film at the gauge (m from the start of production):
- width-mean samples (`add_mean`): the gauge's scan mean (live) or the plant's true width mean
  (scenario runs); they give the mean areal mass and its error, the machine-direction (MD) 2σ,
  the thickness and the off-spec metres;
- zone profiles (`add_zones`): one reading per CD zone (a scan); they give the CD figures, the
  per-zone 2σ and the capability (capability.py).

Definitions (σ here is the population σ, as in the scenario statistics of hmi/sim/stats.py):
- MD 2σ: 2σ of the width-mean samples (mg/cm²);
- CD 2σ: 2 × the pooled within-scan σ — the spread across the web with the MD moves taken out;
- overall 2σ: 2σ of every zone reading (CD and MD together; the scenario statistics'
  `areal_mass_cd_2sigma_pct` is the same figure in % of target);
- per-zone 2σ: 2σ over the scans of each zone;
- off-spec metres: film whose width-mean error is beyond the tolerance, marked by the roll
  tracker (rolls.py) as the film moves on; where it is, as metre ranges from the stretch's
  start, stretches less than RANGE_GAP_M apart shown as one range (a reading flickering at the
  limit would otherwise give dozens); the off-spec metres themselves are counted exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from hmi.quality.capability import Capability, CapabilityAccumulator

RANGE_GAP_M = 1.0  # off-spec stretches closer than this are one range (the metres stay exact)


class Moments:
    """Streaming mean and population σ (Welford)."""

    __slots__ = ("n", "mean", "m2")

    def __init__(self) -> None:
        self.n, self.mean, self.m2 = 0, 0.0, 0.0

    def add(self, x: float) -> None:
        self.n += 1
        d = x - self.mean
        self.mean += d / self.n
        self.m2 += d * (x - self.mean)

    def std(self) -> float:
        return math.sqrt(self.m2 / self.n) if self.n else math.nan


@dataclass(frozen=True, slots=True)
class FilmFigures:
    """What a stretch of film came out as. NaN/None where nothing was measured."""

    mean_mg_cm2: float
    mean_error_pct: float
    md_2sigma_mg_cm2: float
    cd_2sigma_mg_cm2: float
    overall_2sigma_mg_cm2: float
    overall_2sigma_pct: float  # of target
    zone_2sigma_mg_cm2: tuple[float, ...]
    cd_profile_mg_cm2: tuple[float, ...]  # mean of each zone
    thickness_mean_um: float
    thickness_2sigma_um: float
    offspec_m: float
    offspec_ranges_m: tuple[tuple[float, float], ...]
    capability: Capability
    mean_samples: int
    scans: int


class FilmStats:
    def __init__(self, tolerance_pct: float, origin_m: float = 0.0) -> None:
        self.tolerance_pct = tolerance_pct
        self.origin_m = origin_m  # ranges are kept relative to this metre (a roll's start)
        self.mean = Moments()  # mg/cm²
        self.error = Moments()  # %
        self.thickness = Moments()
        self.capability = CapabilityAccumulator()
        self.zone_error = Moments()  # every zone reading, % (the overall 2σ in %)
        self._zone_n: np.ndarray | None = None
        self._zone_mean: np.ndarray | None = None
        self._zone_m2: np.ndarray | None = None
        self._within_ss_mg = 0.0  # pooled within-scan sum of squares, mg/cm²
        self._within_n = 0  # readings that went into it
        self._all = Moments()  # every zone reading, mg/cm²
        self.offspec_m = 0.0
        self.ranges: list[list[float]] = []

    # ----- width-mean samples -----
    def add_mean(self, mean_mg_cm2: float, target_mg_cm2: float, thickness_um: float) -> None:
        if not (math.isfinite(mean_mg_cm2) and target_mg_cm2 > 0):
            return
        self.mean.add(mean_mg_cm2)
        self.error.add((mean_mg_cm2 / target_mg_cm2 - 1.0) * 100.0)
        if math.isfinite(thickness_um):
            self.thickness.add(thickness_um)

    def mark_offspec(self, start_m: float, end_m: float) -> None:
        self.offspec_m += end_m - start_m
        a, b = start_m - self.origin_m, end_m - self.origin_m
        if self.ranges and a - self.ranges[-1][1] < RANGE_GAP_M:
            self.ranges[-1][1] = b
        else:
            self.ranges.append([a, b])

    # ----- zone profiles -----
    def add_zones(self, zones_mg_cm2: np.ndarray, target_mg_cm2: float) -> None:
        z = np.asarray(zones_mg_cm2, dtype=float)
        if target_mg_cm2 <= 0 or not np.isfinite(z).all():
            return  # a faulted scan (NaN) is not judged
        errors = (z / target_mg_cm2 - 1.0) * 100.0
        self.capability.add_scan(errors)
        for e in errors:
            self.zone_error.add(float(e))
        scan_mean = float(z.mean())
        self._within_ss_mg += float(((z - scan_mean) ** 2).sum())
        self._within_n += len(z)
        for v in z:
            self._all.add(float(v))
        if self._zone_n is None or len(self._zone_n) != len(z):
            self._zone_n = np.zeros(len(z))
            self._zone_mean = np.zeros(len(z))
            self._zone_m2 = np.zeros(len(z))
        assert self._zone_mean is not None and self._zone_m2 is not None
        self._zone_n += 1
        d = z - self._zone_mean
        self._zone_mean += d / self._zone_n
        self._zone_m2 += d * (z - self._zone_mean)

    # ----- result -----
    def figures(self) -> FilmFigures:
        nan = math.nan
        if self._zone_n is not None and self._zone_m2 is not None:
            zone_2s = tuple(float(x) for x in 2.0 * np.sqrt(self._zone_m2 / self._zone_n))
            profile = tuple(
                float(x) for x in (self._zone_mean if self._zone_mean is not None else ())
            )
        else:
            zone_2s, profile = (), ()
        cd = 2.0 * math.sqrt(self._within_ss_mg / self._within_n) if self._within_n else nan
        return FilmFigures(
            mean_mg_cm2=self.mean.mean if self.mean.n else nan,
            mean_error_pct=self.error.mean if self.error.n else nan,
            md_2sigma_mg_cm2=2.0 * self.mean.std(),
            cd_2sigma_mg_cm2=cd,
            overall_2sigma_mg_cm2=2.0 * self._all.std(),
            overall_2sigma_pct=2.0 * self.zone_error.std(),
            zone_2sigma_mg_cm2=zone_2s,
            cd_profile_mg_cm2=profile,
            thickness_mean_um=self.thickness.mean if self.thickness.n else nan,
            thickness_2sigma_um=2.0 * self.thickness.std(),
            offspec_m=self.offspec_m,
            offspec_ranges_m=tuple((round(a, 3), round(b, 3)) for a, b in self.ranges),
            capability=self.capability.result(self.tolerance_pct),
            mean_samples=self.mean.n,
            scans=self.capability.subgroups,
        )
