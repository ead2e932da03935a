"""Input supervision: which readings the controller may act on.

A reading is used only if it is present, finite and of good quality. The areal-mass gauge is
checked further, because the gap must never be driven from a bad value:

* bad: NaN or not good quality (a faulted head, a lost link) → "gauge_bad";
* stuck: no new scan for `stuck_scans` scan times while the web moves → "gauge_stuck" (a held
  reading brings no news, so nothing acts on it anyway);
* spike: a new scan further than `spike_limit_pct` of the target from what the model predicts
  the gauge should read (the mass balance and the gap say the film has not changed that much)
  → "gauge_spike", the scan is not used — unless the caliper on the same head (thickness)
  moved with it since the last believed scan: then the film did change, the model is wrong,
  and the scan is believed at once ("gauge_model_mismatch", the loop re-syncs). A β reading
  that jumps alone (a spike, an offset) is held off; if `accept_scans` scans in a row say the
  same, the gauge is believed after all.

A whole image without a good line speed nor a good gap position is a lost link → "link_lost":
the controller holds every output as it last wrote it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from hmi.core.process import ProcessImage, Quality

_GOOD = Quality.GOOD


def good_value(
    values: Mapping[str, float], quality: Mapping[str, Quality], tag: str
) -> float | None:
    """The value if present, finite and of good quality, else None (hot path: no exceptions)."""
    v = values.get(tag)
    if v is None or not math.isfinite(v) or quality.get(tag, _GOOD) != _GOOD:
        return None
    return v


def link_lost(image: ProcessImage) -> bool:
    """Neither the line speed nor a gap position came through: the link is down."""
    q = image.quality
    return q.get("line_speed_m_min", _GOOD) != _GOOD and q.get("gap_os_um", _GOOD) != _GOOD


class GaugeSupervisor:
    """Classifies each gauge reading; `condition` is the present one ("" when fine)."""

    __slots__ = (
        "scan_time_s", "stuck_scans", "spike_limit_pct", "accept_scans", "condition",
        "_last", "_since_s", "_rejected", "_grace", "_in_grace", "_last_ok",
    )  # fmt: skip

    def __init__(
        self, scan_time_s: float, stuck_scans: float, spike_limit_pct: float, accept_scans: int
    ) -> None:
        self.scan_time_s = scan_time_s
        self.stuck_scans = stuck_scans
        self.spike_limit_pct = spike_limit_pct
        self.accept_scans = accept_scans
        self.condition = ""
        self._last: float | None = None
        self._since_s = 0.0
        self._rejected = 0
        self._grace = 0
        self._in_grace = False
        self._last_ok: tuple[float, float] | None = None  # last believed (areal mass, caliper)

    @property
    def in_grace(self) -> bool:
        """The scan just judged was one of a grade change's mixed scans."""
        return self._in_grace

    def grace(self, scans: int) -> None:
        """Do not call spikes for the next `scans` scans (a grade change under way)."""
        self._grace = max(self._grace, scans)

    def new_scan(self, reading: float | None, moving: bool, dt_s: float) -> bool:
        """True when `reading` is a new, good scan. Sets "gauge_bad" or "gauge_stuck"."""
        if reading is None:
            self.condition = "gauge_bad"
            return False
        if reading != self._last:
            self._last = reading
            self._since_s = 0.0
            if self.condition in ("gauge_bad", "gauge_stuck"):
                self.condition = ""
            return True
        if moving:
            self._since_s += dt_s
        if self._since_s > self.stuck_scans * self.scan_time_s:
            self.condition = "gauge_stuck"
        elif self.condition == "gauge_bad":
            self.condition = ""
        return False

    def plausible(
        self, reading: float, expected: float, target: float, thickness_um: float | None = None
    ) -> bool:
        """Judge a new scan against the model's expectation (see the module docstring)."""
        self._in_grace = self._grace > 0
        if self._grace > 0:
            self._grace -= 1
            return self._accept(reading, thickness_um, "")
        off_pct = abs(reading - expected) / target * 100.0 if target > 0.0 else 0.0
        if off_pct <= self.spike_limit_pct:
            return self._accept(reading, thickness_um, "")
        if self._confirmed(reading, thickness_um):  # the caliper saw the film change too
            return self._accept(reading, thickness_um, "gauge_model_mismatch")
        self._rejected += 1
        if self._rejected >= self.accept_scans:
            return self._accept(reading, thickness_um, "gauge_model_mismatch")
        self.condition = "gauge_spike"
        return False

    def _confirmed(self, reading: float, thickness_um: float | None) -> bool:
        """The caliper on the same head moved with the areal mass since the last believed
        scan: the film changed, not the β reading."""
        last = self._last_ok
        if thickness_um is None or last is None or not last[0] > 0.0 or not last[1] > 0.0:
            return False
        moved_mass = reading / last[0] - 1.0
        moved_thickness = thickness_um / last[1] - 1.0
        # a denser film takes some of a real change (more powder in the bite compacts
        # harder), but the caliper moves the same way by at least 40 % of the areal mass
        return moved_mass * moved_thickness > 0.0 and abs(moved_thickness) >= 0.4 * abs(moved_mass)

    def _accept(self, reading: float, thickness_um: float | None, condition: str) -> bool:
        self._rejected = 0
        self.condition = condition
        if thickness_um is not None:
            self._last_ok = (reading, thickness_um)
        return True
