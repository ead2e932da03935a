"""The scenario statistics as they were computed before they streamed (issue 9, item 11):
every sample kept, numpy over the arrays at the end. Kept as the reference the streaming
statistics (hmi/sim/stats.py) must reproduce to the reported precision."""

from __future__ import annotations

import math

import numpy as np

from hmi.sim.stats import SIDES, Sample


class BatchStatistics:
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
