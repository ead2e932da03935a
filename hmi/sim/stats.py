"""Product statistics of a scenario run, from the plant's true state (not the noisy gauge).

Definitions (all after `startup_s`):
- Areal-mass error of the film at the gauge is relative to the target that was in force when
  that film was made at the nip (targets are tracked by web position, so a grade change is
  judged on the film made after it, not on film already on its way to the gauge).
- `areal_mass_mean_error_pct`: mean of the relative error of the width-mean areal mass.
- `areal_mass_2sigma_pct` (machine direction): 2σ of the relative error of scan averages
  (the width-mean over blocks of one gauge scan time).
- `areal_mass_cd_2sigma_pct`: 2σ of the relative error of every CD zone sample.
- `gap_error_3sigma_um`, `gap_error_max_um` per side: effective gap the material sees minus the
  controller's effective-gap reference, outside the settling windows of events; the "3σ" figure
  is |mean| + 3σ, so a standing offset counts against the ±1 µm claim as it should.
- `thickness_2sigma_um`: 2σ of the true thickness at the gauge about its mean in each stretch
  between setpoint events (a grade change moves the thickness on purpose).
- `offspec_length_m`: metres of film whose width-mean error exceeds the tolerance.
- `settling_time_s`: per event, time until the error last left the settling band (a third of the
  tolerance by default) before the next event; 0 if it never left, null if it never came back.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

import numpy as np

SIDES = ("os", "ds")


@dataclass
class TargetTrack:
    """Which target applied to the film at a given web position (m from the start)."""

    positions_m: list[float] = field(default_factory=list)
    targets: list[float] = field(default_factory=list)

    def set(self, position_m: float, target: float) -> None:
        if self.targets and target == self.targets[-1]:
            return
        self.positions_m.append(position_m)
        self.targets.append(target)

    def at(self, position_m: float) -> float:
        i = bisect.bisect_right(self.positions_m, position_m) - 1
        return self.targets[max(i, 0)]


@dataclass
class Sample:
    t_s: float
    gauge_position_m: float  # web position at the gauge (nip position − gauge distance)
    target: float  # mg/cm², for the film at the gauge
    mean_mg_cm2: float  # true width-mean at the gauge
    zones_mg_cm2: np.ndarray | None  # true CD zones at the gauge (sampled less often)
    thickness_um: float
    gap_error_um: dict[str, float]


class RunStatistics:
    def __init__(
        self,
        *,
        startup_s: float,
        tolerance_pct: float,
        settle_band_pct: float,
        scan_time_s: float,
        event_times_s: list[float],
        segment_times_s: list[float],
    ) -> None:
        self.startup_s = startup_s
        self.tolerance_pct = tolerance_pct
        self.settle_band_pct = settle_band_pct
        self.scan_time_s = scan_time_s
        self.event_times_s = sorted(event_times_s)
        self.segment_times_s = sorted(segment_times_s)
        self.samples: list[Sample] = []

    def add(self, sample: Sample) -> None:
        self.samples.append(sample)

    def _error_pct(self) -> tuple[np.ndarray, np.ndarray]:
        t = np.array([s.t_s for s in self.samples])
        err = np.array([(s.mean_mg_cm2 / s.target - 1) * 100 for s in self.samples])
        return t, err

    def settling_times(self, t: np.ndarray, err: np.ndarray, end_s: float) -> list[float | None]:
        result: list[float | None] = []
        for i, start in enumerate(self.event_times_s):
            stop = self.event_times_s[i + 1] if i + 1 < len(self.event_times_s) else end_s
            window = (t >= start) & (t < stop)
            outside = np.abs(err[window]) > self.settle_band_pct
            if not outside.any():
                result.append(0.0)
            elif outside[-1]:
                result.append(None)
            else:
                last = t[window][np.nonzero(outside)[0][-1]]
                result.append(round(float(last - start), 2))
        return result

    def summary(self, end_s: float) -> dict[str, object]:
        t, err = self._error_pct()
        keep = t >= self.startup_s
        settling = self.settling_times(t, err, end_s)
        result: dict[str, object] = {
            "areal_mass_mean_error_pct": _round(np.mean(err[keep])) if keep.any() else None,
            "areal_mass_2sigma_pct": _round(2 * np.std(self._scan_averages(t, err, keep))),
            "areal_mass_cd_2sigma_pct": _round(2 * np.std(self._zone_errors(keep))),
            "thickness_2sigma_um": _round(2 * np.std(self._thickness_deviation(t, keep))),
            "offspec_length_m": round(self._offspec_m(err, keep), 2),
            "settling_time_s": settling,
        }
        in_window = self._settling_mask(t, settling, end_s)
        for side in SIDES:
            gap = np.array([s.gap_error_um[side] for s in self.samples])
            use = keep & ~in_window & np.isfinite(gap)
            spread = abs(np.mean(gap[use])) + 3 * np.std(gap[use]) if use.any() else np.nan
            result.setdefault("gap_error_3sigma_um", {})[side] = _round(spread)
            result.setdefault("gap_error_max_um", {})[side] = (
                _round(np.max(np.abs(gap[use]))) if use.any() else None
            )
        return result

    def _scan_averages(self, t: np.ndarray, err: np.ndarray, keep: np.ndarray) -> np.ndarray:
        if not keep.any():
            return np.array([np.nan])
        blocks = np.floor((t[keep] - self.startup_s) / self.scan_time_s).astype(int)
        sums = np.bincount(blocks, weights=err[keep])
        counts = np.bincount(blocks)
        full = counts > 0
        return sums[full] / counts[full]

    def _zone_errors(self, keep: np.ndarray) -> np.ndarray:
        rows = [
            (s.zones_mg_cm2 / s.target - 1) * 100
            for s, k in zip(self.samples, keep, strict=True)
            if k and s.zones_mg_cm2 is not None
        ]
        return np.concatenate(rows) if rows else np.array([np.nan])

    def _thickness_deviation(self, t: np.ndarray, keep: np.ndarray) -> np.ndarray:
        h = np.array([s.thickness_um for s in self.samples])
        segment = np.searchsorted(self.segment_times_s, t, side="right")
        dev = np.full_like(h, np.nan)
        for k in np.unique(segment[keep]):
            mask = keep & (segment == k)
            dev[mask] = h[mask] - np.mean(h[mask])
        return dev[keep] if keep.any() else np.array([np.nan])

    def _offspec_m(self, err: np.ndarray, keep: np.ndarray) -> float:
        pos = np.array([s.gauge_position_m for s in self.samples])
        travelled = np.diff(pos, prepend=pos[0] if len(pos) else 0.0)
        off = keep & (np.abs(err) > self.tolerance_pct) & (pos > 0)
        return float(np.sum(travelled[off]))

    def _settling_mask(
        self, t: np.ndarray, settling: list[float | None], end_s: float
    ) -> np.ndarray:
        mask = np.zeros_like(t, dtype=bool)
        for i, start in enumerate(self.event_times_s):
            stop = self.event_times_s[i + 1] if i + 1 < len(self.event_times_s) else end_s
            length = settling[i]
            until = stop if length is None else start + length
            mask |= (t >= start) & (t <= until)
        return mask


def _round(value: float) -> float | None:
    value = float(value)
    return round(value, 4) if math.isfinite(value) else None
