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

Streaming (issue 9, item 11): every sample is folded into a few numbers as it comes and then
dropped, so a run of any length holds the same small state (a sample costs a few µs; nothing
grows with the run's length, only with the number of events and setpoint segments):
- means and σ by Welford's update (hmi/sim/moments.py), exact up to rounding far below the
  4 decimals reported; the MD statistic closes one scan block at a time; the thickness σ
  pools each segment's sum of squared deviations about its own mean, Σ M2_seg / N;
- settling: each event's window keeps whether, and when last, the error left the band and
  whether its latest sample was outside; the gap samples of a window after its latest
  outside sample are merged in when the window closes (the ones before it are inside the
  settling window, which only the close decides). Samples within 0.01 s of that outside
  sample are kept raw until the close (exact for samples spaced more than 0.01 s; the runner
  samples at 10 Hz);
- the last TAIL_SAMPLES samples are kept raw, so `summary(end_s)` judges the end of the run
  against its end_s; end_s must be later than every older sample (ValueError otherwise).
"""

from __future__ import annotations

import bisect
import copy
import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from hmi.sim.moments import Moments

SIDES = ("os", "ds")
TAIL_SAMPLES = 16  # raw samples kept for the end of the run (see the module docstring)
NEAR_S = 0.01  # gap samples this close after an outside sample wait for the window's close


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


Gaps = dict[str, float]  # the finite gap errors of a kept sample, per side


class _Window:
    """The settling window of one event, [start, next event) — see the module docstring."""

    __slots__ = ("start_s", "left", "last_out_s", "last_was_out", "near", "tail", "until_s")

    def __init__(self, start_s: float) -> None:
        self.start_s = start_s
        self.left = False  # the error left the band in this window
        self.last_out_s = math.nan
        self.last_was_out = False
        self.near: list[tuple[float, Gaps]] = []
        self.tail = {s: Moments() for s in SIDES}  # gap samples after the last outside one
        self.until_s = math.nan  # the settling window's end, once closed

    def add(self, t_s: float, outside: bool, gaps: Gaps) -> None:
        self.last_was_out = outside
        if outside:
            self.left, self.last_out_s = True, t_s
            self.near = [(t_s, gaps)]
            self.tail = {s: Moments() for s in SIDES}
        elif t_s == self.start_s:  # inside the settling window whatever it turns out to be
            return
        elif self.left and t_s - self.last_out_s <= NEAR_S:
            self.near.append((t_s, gaps))
        else:
            for side, value in gaps.items():
                self.tail[side].add(value)

    def close(self, stop_s: float, gap: dict[str, Moments]) -> float | None:
        """The settling time; merges the gap samples outside the settling window into `gap`."""
        if not self.left:
            settling: float | None = 0.0
            self.until_s = self.start_s
        elif self.last_was_out:  # never came back
            settling, self.until_s = None, stop_s
        else:
            settling = round(float(self.last_out_s - self.start_s), 2)
            self.until_s = self.start_s + settling
        if settling is not None:
            for side in SIDES:
                gap[side].merge(self.tail[side])
            for t_s, gaps in self.near:
                if t_s > self.until_s:
                    for side, value in gaps.items():
                        gap[side].add(value)
        self.near, self.tail = [], {}
        return settling


class _Stream:
    """Everything a run's statistics need, folded in sample by sample."""

    def __init__(self, stats: RunStatistics) -> None:
        self.error = Moments()  # width-mean error, kept samples
        self.md = Moments()  # scan-block means
        self.block: tuple[int, float, int] | None = None  # (index, sum, count) under way
        self.cd = Moments()
        self.thickness: dict[int, Moments] = {}  # per setpoint segment
        self.offspec_m = 0.0
        self.last_position_m: float | None = None
        self.gap = {s: Moments() for s in SIDES}
        self.windows = [_Window(t) for t in stats.event_times_s]
        self.settling: list[float | None] = []
        self.w = -1  # the window the samples are in (−1: before the first event)
        self.end_s: float | None = None  # known in the summary only

    def add(self, st: RunStatistics, s: Sample) -> None:
        t = s.t_s
        keep = t >= st.startup_s
        err = (s.mean_mg_cm2 / s.target - 1) * 100
        position = s.gauge_position_m
        travelled = 0.0 if self.last_position_m is None else position - self.last_position_m
        self.last_position_m = position
        if keep:
            self.error.add(err)
            self._block(math.floor((t - st.startup_s) / st.scan_time_s), err)
            if s.zones_mg_cm2 is not None:
                self.cd.add_many((s.zones_mg_cm2 / s.target - 1) * 100)
            segment = bisect.bisect_right(st.segment_times_s, t)
            self.thickness.setdefault(segment, Moments()).add(s.thickness_um)
            if abs(err) > st.tolerance_pct and position > 0:
                self.offspec_m += travelled
        gaps = {k: v for k, v in s.gap_error_um.items() if keep and math.isfinite(v)}
        self._settle(st, t, abs(err) > st.settle_band_pct, gaps)

    def _block(self, index: int, err: float) -> None:
        if self.block is not None and self.block[0] != index:
            self.md.add(self.block[1] / self.block[2])
            self.block = None
        i, total, n = self.block or (index, 0.0, 0)
        self.block = (i, total + err, n + 1)

    def _settle(self, st: RunStatistics, t: float, outside: bool, gaps: Gaps) -> None:
        events, windows = st.event_times_s, self.windows
        while self.w + 1 < len(events) and t >= events[self.w + 1]:
            if self.w >= 0:
                self.settling.append(windows[self.w].close(events[self.w + 1], self.gap))
            self.w += 1
        last = len(events) - 1
        if self.w == last and self.end_s is not None and t >= self.end_s:
            if len(self.settling) == last:  # the last window ends at end_s
                self.settling.append(windows[last].close(self.end_s, self.gap))
            if t > windows[last].until_s:  # past every settling window
                for side, value in gaps.items():
                    self.gap[side].add(value)
        elif self.w < 0:  # before the first event: no settling window
            for side, value in gaps.items():
                self.gap[side].add(value)
        else:
            windows[self.w].add(t, outside, gaps)

    def finish(self, st: RunStatistics, end_s: float) -> None:
        events = st.event_times_s
        for i in range(len(self.settling), len(events)):
            stop = events[i + 1] if i + 1 < len(events) else end_s
            self.settling.append(self.windows[i].close(stop, self.gap))
        if self.block is not None:
            self.md.add(self.block[1] / self.block[2])
            self.block = None


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
        self._stream = _Stream(self)
        self._tail: deque[Sample] = deque()
        self._streamed_until_s = -math.inf  # the latest sample folded in
        self.samples_added = 0

    @property
    def retained_samples(self) -> int:
        """Samples held raw (at most TAIL_SAMPLES, whatever the length of the run)."""
        return len(self._tail)

    def add(self, sample: Sample) -> None:
        """Fold a sample in (samples come in time order)."""
        self.samples_added += 1
        self._tail.append(sample)
        if len(self._tail) > TAIL_SAMPLES:
            oldest = self._tail.popleft()
            self._stream.add(self, oldest)
            self._streamed_until_s = oldest.t_s

    def summary(self, end_s: float) -> dict[str, object]:
        """The statistics of the run up to `end_s` (the samples held raw are judged against
        it; the streamed state is not changed, so the summary may be taken again)."""
        if not end_s > self._streamed_until_s:
            raise ValueError(
                f"summary: end_s {end_s:g} s must be later than the samples already streamed "
                f"(up to {self._streamed_until_s:g} s)"
            )
        state = copy.deepcopy(self._stream)
        state.end_s = end_s
        for sample in self._tail:
            state.add(self, sample)
        state.finish(self, end_s)
        n_thickness = sum(m.n for m in state.thickness.values())
        m2_thickness = sum(m.m2 for m in state.thickness.values())
        thickness = math.sqrt(m2_thickness / n_thickness) if n_thickness else math.nan
        result: dict[str, object] = {
            "areal_mass_mean_error_pct": _round(state.error.mean) if state.error.n else None,
            "areal_mass_2sigma_pct": _round(2 * state.md.std()),
            "areal_mass_cd_2sigma_pct": _round(2 * state.cd.std()),
            "thickness_2sigma_um": _round(2 * thickness),
            "offspec_length_m": round(state.offspec_m, 2),
            "settling_time_s": state.settling,
        }
        for side in SIDES:
            gap = state.gap[side]
            spread = abs(gap.mean) + 3 * gap.std() if gap.n else math.nan
            result.setdefault("gap_error_3sigma_um", {})[side] = _round(spread)
            result.setdefault("gap_error_max_um", {})[side] = _round(gap.max_abs) if gap.n else None
        return result


def _round(value: float) -> float | None:
    value = float(value)
    return round(value, 4) if math.isfinite(value) else None
