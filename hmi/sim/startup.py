"""Start-up figures of a scenario run: for each start (a `line_start` event), the time until
the film is in spec and the off-spec metres made on the way; the peak bank mass of the run.

A start is in spec once the true width-mean areal mass at the gauge of the film made since the
start has stayed within the recipe's tolerance for `hold_s` (two gauge scans) with the web
moving; its time counts from
the start command to the beginning of that stretch, its scrap from the start command to there
(web length past the gauge while out of tolerance). A start that never gets there is None.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass
class _Start:
    at_s: float
    from_position_m: float  # the web at the nip when the start was commanded
    scrap_m: float = 0.0
    inside_since_s: float | None = None
    in_spec_s: float | None = None


@dataclass
class StartupTracker:
    tolerance_pct: float
    hold_s: float = 16.0
    starts: list[_Start] = field(default_factory=list)
    peak_bank_kg: float = 0.0
    _last_position_m: float | None = None

    def start(self, t_s: float, nip_position_m: float) -> None:
        """A start commanded at `t_s`; the film made from web position `nip_position_m` on
        is its film (what is under the gauge before was made before the stop)."""
        self.starts.append(_Start(t_s, nip_position_m))

    def add(self, t_s: float, position_m: float, error_pct: float, bank_kg: float) -> None:
        self.peak_bank_kg = max(self.peak_bank_kg, bank_kg)
        moved = 0.0 if self._last_position_m is None else position_m - self._last_position_m
        self._last_position_m = position_m
        if not self.starts or self.starts[-1].in_spec_s is not None:
            return
        s = self.starts[-1]
        if position_m < s.from_position_m:  # film made before this start
            return
        inside = math.isfinite(error_pct) and abs(error_pct) <= self.tolerance_pct
        if inside and moved > 0.0:
            if s.inside_since_s is None:
                s.inside_since_s = t_s
            elif t_s - s.inside_since_s >= self.hold_s:
                s.in_spec_s = s.inside_since_s
        else:
            s.inside_since_s = None
            if moved > 0.0:
                s.scrap_m += moved

    def summary(self) -> dict[str, object]:
        return {
            "startup_time_to_in_spec_s": [
                None if s.in_spec_s is None else round(s.in_spec_s - s.at_s, 1) for s in self.starts
            ],
            "startup_scrap_m": [round(s.scrap_m, 1) for s in self.starts],
            "bank_peak_kg": round(self.peak_bank_kg, 3),
        }
