"""The monitor loop on the areal-mass gauge: supervised scans into the Smith predictor.

Each new scan is first supervised (supervise.py: bad, stuck, or further from the prediction
than the model allows unless the caliper confirms it); a believed scan corrects the mismatch d̂
of the dead-time-compensated model (deadtime.py), and is judged for the off-spec count
(setup.py). A scan believed against the model (confirmed by the caliper, or insisted on for
`spike_accept_scans` scans) re-syncs d̂ at once ("gauge_model_mismatch"). At a
grade change d̂ is rescaled to the new grade and the supervisor gives the mixed scans grace.
While the mass balance is in doubt (flows that were guessed, feed.py), the gauge is trusted
more: a wider spike limit and belief after two scans.
"""

from __future__ import annotations

from hmi.control.config import LineControllerConfig
from hmi.control.deadtime import SmithPredictor
from hmi.control.setup import GradeTracker
from hmi.control.supervise import GaugeSupervisor


class GaugeMonitor:
    __slots__ = ("config", "smith", "supervisor")

    def __init__(self, config: LineControllerConfig, initial_mg_cm2: float) -> None:
        c = self.config = config
        self.smith = SmithPredictor(
            c.gauge_distance_m, c.gauge_scan_time_s, c.monitor_filter, initial_mg_cm2
        )
        self.supervisor = GaugeSupervisor(
            c.gauge_scan_time_s, c.stuck_scans, c.spike_limit_pct, c.spike_accept_scans
        )

    def trust_model(self, trusted: bool) -> None:
        """While the mass balance is in doubt the model is the suspect, not the gauge: a scan
        may be 3× further off, and is believed after 2 rejected scans, not 10."""
        c, supervisor = self.config, self.supervisor
        supervisor.spike_limit_pct = c.spike_limit_pct * (1.0 if trusted else 3.0)
        supervisor.accept_scans = c.spike_accept_scans if trusted else 2

    @property
    def condition(self) -> str:
        return self.supervisor.condition

    @property
    def holding(self) -> bool:
        """The loop holds its correction on a bad, stuck or implausible scan."""
        return self.supervisor.condition not in ("", "gauge_model_mismatch")

    @property
    def mismatch(self) -> float:
        return self.smith.mismatch

    def grade_change(self, ratio: float, speed_m_min: float) -> None:
        """A new target `ratio` × the old: rescale d̂, grace for the scans of both grades."""
        self.smith.mismatch *= ratio
        dead_s = self.smith.dead_time_s(speed_m_min) if speed_m_min > 0.0 else 0.0
        self.supervisor.grace(2 + int(dead_s / self.config.gauge_scan_time_s))

    def scan(
        self,
        reading: float | None,
        *,
        moving: bool,
        auto: bool,
        target: float,
        dt_s: float,
        thickness_um: float | None = None,
    ) -> bool:
        """Supervise the gauge's reading this tick; True when a new scan was believed (and,
        in auto, taken into d̂). `thickness_um`, the caliper on the same head, can confirm a
        scan the model did not expect."""
        supervisor, smith = self.supervisor, self.smith
        if not supervisor.new_scan(reading, moving, dt_s) or not moving or reading is None:
            return False
        if not supervisor.plausible(reading, smith.expected(), target, thickness_um):
            return False
        if not auto:  # manual: the feedback is held
            return True
        if supervisor.condition == "gauge_model_mismatch":  # the model was wrong: re-sync
            smith.mismatch = reading - smith.window.average()
        else:
            smith.correct(reading)
        return True

    def judge(
        self,
        grade: GradeTracker,
        reading: float,
        position_m: float,
        speed_m_min: float,
        tolerance_pct: float,
    ) -> None:
        """Off-spec count: the scan covers the last T_scan of web that passed the gauge, made
        at the nip L metres earlier."""
        c = self.config
        scan_m = speed_m_min * c.gauge_scan_time_s / 60.0
        film_at = position_m - c.gauge_distance_m - 0.5 * scan_m
        grade.judge(reading, film_at, scan_m, tolerance_pct)
