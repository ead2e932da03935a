"""Scanning areal-mass and thickness gauge (one O-frame head) after the web transport.

The head traverses the web OS → DS in `scan_time_s` (default 8 s), then DS → OS (bidirectional),
so it dwells scan_time/Z in each of the Z zones (default 24: 0.33 s). Each step it samples the
zone under it, of the web at the gauge at that moment (rebuilt from the transport record, see
profile.py); leaving a zone closes that zone's reading as the average of its samples, with
noise: m_z·(1 + σ_m·ξ) (σ_m default 0.2 %) and h_z + σ_h·ξ (σ_h default 0.5 µm). When a pass
completes, the published values are updated and then held until the next pass completes:

* `areal_mass_mg_cm2`: the mean of the pass's zone readings (the MD value);
* `edge_os_mg_cm2`, `edge_ds_mg_cm2`: the mean of the `edge_zones` (default 3) outer zones;
* `thickness_um`: the mean of the pass's zone thickness readings;
* `profile_mg_cm2`: the latest reading of each zone (updated zone by zone).

The thickness sensor (a laser caliper pair) rides on the same head as the β gauge: both see
the same spot, so every zone has a consistent areal mass and thickness (density), and there
is no second frame to move. A head that skips zones in one long step samples them at once.

Faults (`fault`): "stuck" holds the published values (and profile) as they were; "nan"
publishes NaN; both last `duration_s` and then show the latest pass again. "offset" scales the
zone readings by (1 + magnitude/100) for `duration_s`; "spike" does the same for the readings
closed within min(duration_s, one pass) of the event, at least one zone.
"""

from __future__ import annotations

import math

import numpy as np

from hmi.plant.noise import NormalStream
from hmi.plant.profile import CrossProfile, Record, mean_thickness_um, width_mean

FAULT_MODES = ("stuck", "nan", "spike", "offset")
_NAN = math.nan


class ScanningGauge:
    """Areal-mass and thickness scanner; see the module docstring."""

    def __init__(
        self,
        profile: CrossProfile,
        *,
        scan_time_s: float,
        edge_zones: int,
        sigma_rel: float,
        sigma_um: float,
        rng: NormalStream,
    ) -> None:
        self.cd = profile
        self.zones = profile.zones
        self.scan_time_s = scan_time_s
        self.edge_zones = edge_zones
        self.sigma_rel = sigma_rel
        self.sigma_um = sigma_um
        self._rng = rng
        self.time_s = 0.0
        self.position = 0.0  # head position across the web, 0 = OS edge, 1 = DS edge
        self.direction = 1
        self.scans_completed = 0
        self._zone = 0
        self._acc_m = self._acc_h = 0.0
        self._acc_n = 0
        self._m_read = [0.0] * self.zones
        self._h_read = [0.0] * self.zones
        self._scan = (0.0, 0.0, 0.0, 0.0)  # latest pass: mean, thickness, OS edge, DS edge
        self.areal_mass_mg_cm2 = 0.0
        self.thickness_um = 0.0
        self.edge_os_mg_cm2 = 0.0
        self.edge_ds_mg_cm2 = 0.0
        self.fault_mode: str | None = None
        self._fault_until_s = 0.0
        self._gain = 1.0  # zone reading scale of an offset/spike fault
        self._spike_min = 0
        self._held_profile: list[float] | None = None

    # Published values ----------------------------------------------------------------------
    @property
    def profile_mg_cm2(self) -> np.ndarray:
        """Latest reading of every zone, OS → DS (held or NaN under a stuck/nan fault)."""
        if self.fault_mode == "nan":
            return np.full(self.zones, _NAN)
        if self.fault_mode == "stuck" and self._held_profile is not None:
            return np.array(self._held_profile)
        return np.array(self._m_read)

    @property
    def thickness_profile_um(self) -> np.ndarray:
        """Latest thickness reading of every zone, OS → DS (NaN under a nan fault)."""
        if self.fault_mode == "nan":
            return np.full(self.zones, _NAN)
        return np.array(self._h_read)

    def _publish(self) -> None:
        mode = self.fault_mode
        if mode == "stuck":
            return
        if mode == "nan":
            self.areal_mass_mg_cm2 = self.thickness_um = _NAN
            self.edge_os_mg_cm2 = self.edge_ds_mg_cm2 = _NAN
            return
        (self.areal_mass_mg_cm2, self.thickness_um, self.edge_os_mg_cm2, self.edge_ds_mg_cm2) = (
            self._scan
        )

    def set_exact(self, record: Record) -> None:
        """Readings without noise of a steady `record`; a new pass starts at the OS edge."""
        cd = self.cd
        self._m_read = [cd.zone(j, record) for j in range(self.zones)]
        self._h_read = [
            m / d if (d := cd.zone_density(j, record)) > 0.0 else 0.0
            for j, m in enumerate(self._m_read)
        ]
        e = self.edge_zones
        self._scan = (
            width_mean(record),
            mean_thickness_um(record),
            sum(self._m_read[:e]) / e,
            sum(self._m_read[-e:]) / e,
        )
        self.position, self.direction, self._zone = 0.0, 1, 0
        self._acc_m = self._acc_h = 0.0
        self._acc_n = 0
        self._publish()

    def fault(self, mode: str, duration_s: float, magnitude: float) -> None:
        """Start a gauge fault now (see the module docstring)."""
        self.fault_mode = mode
        self._fault_until_s = self.time_s + duration_s
        self._gain = 1.0 + magnitude / 100.0 if mode in ("spike", "offset") else 1.0
        if mode == "spike":
            self._fault_until_s = self.time_s + min(duration_s, self.scan_time_s)
            self._spike_min = 1
        if mode == "stuck":
            self._held_profile = list(self._m_read)
        self._publish()

    def _end_fault(self) -> None:
        self.fault_mode = None
        self._gain = 1.0
        self._spike_min = 0
        self._held_profile = None
        self._publish()

    # Scanning ------------------------------------------------------------------------------
    def _close(self, j: int, m: float, h: float) -> None:
        """Close zone j's reading from its average m, h."""
        if self.sigma_rel > 0.0:
            m *= 1.0 + self.sigma_rel * self._rng.draw()
        if self.sigma_um > 0.0:
            h += self.sigma_um * self._rng.draw()
        if self._gain != 1.0:
            m *= self._gain
            if self._spike_min > 0:
                self._spike_min -= 1
        self._m_read[j] = m if m > 0.0 else 0.0
        self._h_read[j] = h if h > 0.0 else 0.0

    def _sample(self, j: int, record: Record) -> tuple[float, float]:
        cd = self.cd
        m = record[0] * cd.w_os[j] + record[1] * cd.w_ds[j] + record[2] * cd.w_b[j]
        s = cd.ds_share[j]
        d = record[3] * (1.0 - s) + record[4] * s
        return m, (m / d if d > 0.0 else 0.0)

    def _pass_complete(self) -> None:
        z = self.zones
        e = self.edge_zones
        m = self._m_read
        self._scan = (
            sum(m) / z,
            sum(self._h_read) / z,
            sum(m[:e]) / e,
            sum(m[-e:]) / e,
        )
        self.scans_completed += 1
        self._publish()

    def step(self, dt_s: float, record: Record) -> None:
        """Sample the zone under the head for `dt_s`, then move the head on."""
        self.time_s = t = self.time_s + dt_s
        if self.fault_mode is not None and t >= self._fault_until_s and self._spike_min == 0:
            self._end_fault()
        j = self._zone
        cd = self.cd
        m = record[0] * cd.w_os[j] + record[1] * cd.w_ds[j] + record[2] * cd.w_b[j]
        s = cd.ds_share[j]
        d = record[3] * (1.0 - s) + record[4] * s
        self._acc_m += m
        self._acc_h += m / d if d > 0.0 else 0.0
        self._acc_n += 1
        z = self.zones
        pos = self.position + self.direction * dt_s / self.scan_time_s
        k = int(pos * z)
        if k == j and 0.0 <= pos < 1.0:  # still in the same zone
            self.position = pos
            return
        n = self._acc_n
        self._close(j, self._acc_m / n, self._acc_h / n)
        self._acc_m = self._acc_h = 0.0
        self._acc_n = 0
        step = self.direction
        while True:  # zones passed within this step are sampled at once
            j += step
            if j < 0 or j >= z:  # end of the pass: reverse
                self._pass_complete()
                step = -step
                self.direction = step
                pos = -pos if pos < 0.0 else 2.0 - pos
                pos = min(max(pos, 0.0), 1.0 - 1e-12)
                k = min(int(pos * z), z - 1)
                j = z - 1 if step < 0 else 0
                if j == k:
                    break
                self._close(j, *self._sample(j, record))
                continue
            if j == k:
                break
            self._close(j, *self._sample(j, record))
        self._zone = j
        self.position = pos
