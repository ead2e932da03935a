"""The wedge between the sides: gaugemeter from the roll forces, tilt from the gauge's edges.

Gaugemeter. The film in the bite is h = S + F/M thick (unloaded gap S plus mill stretch, M
the mill modulus per side); the nip draws in powder ∝ S and the powder, compacted to h,
carries F. Opening S by dS draws in dS/S more film at the same force, which the mill and the
powder share as springs in series (the powder's compaction modulus Q = |dF/dh| at constant
areal mass), so the force rises

    K = dF/dS = (F/S) · Q / (Q + M)                      (kN per µm; `nip_stiffness`)

(h/S − 1 = F/(M·S) from the gaugemeter). Each side's force follows its half of the nip, the
half-width geometry sharing a side's gap change 3:1 between own and opposite side:

    ΔF_os = K·(0.75·δ_os + 0.25·δ_ds),   ΔF_ds = K·(0.25·δ_os + 0.75·δ_ds)

so the force difference measures the wedge of the effective gap at once, whatever moves both
sides (bank, powder, thermal growth, eccentricity): (F_ds − F_os) − D0 = (K/2)·(wedge), D0
latched at the start. The observer of the wedge the controller has not corrected,

    δ̂ ← δ̂ + κ·((F_ds − F_os − D0)/(K̂/2) − W_applied − δ̂)

drives the force difference back to D0; a wrong K̂ only changes how fast (stable for
K/K̂ < 2/κ). Its correction is −δ̂.

Tilt. The gauge's edge readings measure the wedge of the film L metres later, scan-averaged:
edge_ds − edge_os = (1 − f)·g·(S_ds − S_os), f the edge zones' share of the width, g the
areal mass per µm of gap. Against the force-measured wedge delayed the same way (Smith
predictor), the mismatch d̂_w is learned per scan and corrected: −d̂_w. So the gauge has the
last word on the profile, the forces the first. A scan whose wedge is further than a limit
from the expected one (a spike on an edge zone) is not used, and one scan moves d̂_w at most
0.5 µm.

Pivot. A wedge can come from one side moving (a hydraulic null shift) or from both. At the
tick a wedge appears, the unexplained force steps u_os, u_ds tell which: r = mean(u)/(u_ds −
u_os) is +1 for DS alone, −1 for OS alone, 0 for a symmetric tilt, and K cancels out. The
share p = (1 + r)/2 of every wedge correction then goes to DS, 1 − p to OS (within 0.1 of a
side, that side alone: a one-cylinder shift is by far the likeliest, and the 3:1 sharing is
only nearly linear), so a one-sided shift is undone on its own side and both edges see the
reference again.
"""

from __future__ import annotations

from hmi.control.config import LineControllerConfig
from hmi.control.deadtime import SmithPredictor

TILT_STEP_LIMIT_UM = 0.5  # one scan moves the tilt at most this much (a scan can mislead)


def nip_stiffness(force_kn: float, gap_um: float, mill_kn_um: float, powder_kn_um: float) -> float:
    """K = (F/S)·Q/(Q + M): force per µm of unloaded gap of one side (see above)."""
    if not gap_um > 0.0 or not force_kn > 0.0:
        return 0.0
    return force_kn / gap_um * powder_kn_um / (powder_kn_um + mill_kn_um)


class CrossDirection:
    __slots__ = (
        "gain", "step_um", "limit_um", "edge_frac", "pivot", "offset_um", "tilt", "_d0", "_last_f",
        "_last_cmd", "_holdoff_s",
    )  # fmt: skip

    def __init__(
        self,
        *,
        gauge_distance_m: float,
        scan_time_s: float,
        edge_width_frac: float,
        gaugemeter_gain: float,
        tilt_gain: float,
        wedge_step_um: float,
        wedge_limit_um: float = 1.5,
    ) -> None:
        self.gain = gaugemeter_gain
        self.step_um = wedge_step_um
        self.limit_um = wedge_limit_um
        self.edge_frac = edge_width_frac
        self.pivot = 0.5
        self.offset_um = 0.0  # δ̂
        self.tilt = SmithPredictor(gauge_distance_m, scan_time_s, tilt_gain, 0.0)
        self._d0: float | None = None
        self._last_f: tuple[float, float] | None = None
        self._last_cmd = (0.0, 0.0)
        self._holdoff_s = 0.0

    @classmethod
    def for_config(cls, c: LineControllerConfig) -> CrossDirection:
        return cls(
            gauge_distance_m=c.gauge_distance_m,
            scan_time_s=c.gauge_scan_time_s,
            edge_width_frac=c.gauge_edge_width_frac,
            gaugemeter_gain=c.gaugemeter_gain,
            tilt_gain=c.tilt_gain,
            wedge_step_um=c.wedge_step_um,
            wedge_limit_um=c.wedge_limit_um,
        )

    @property
    def wedge_um(self) -> float:
        """The wedge correction to apply, S_ds − S_os: −(δ̂ + d̂_w)."""
        return -(self.offset_um + self.tilt.mismatch)

    def split(self, wedge_um: float) -> tuple[float, float]:
        """(OS, DS) shares of a wedge correction about the pivot."""
        return -(1.0 - self.pivot) * wedge_um, self.pivot * wedge_um

    def step(
        self,
        force_os_kn: float,
        force_ds_kn: float,
        mean_cmd_um: float,
        stiffness_kn_um: float,
        dt_s: float,
        dx_m: float,
        act: bool,
    ) -> None:
        """Observe the wedge from the forces (every slow tick). `mean_cmd_um` is the mean gap
        command in effect since the last call; `act` False holds the corrections."""
        if self._d0 is None:
            self._d0 = force_ds_kn - force_os_kn
            self._last_f = (force_os_kn, force_ds_kn)
        k_wedge = 0.5 * stiffness_kn_um
        applied = self.wedge_um
        measured = (force_ds_kn - force_os_kn - self._d0) / k_wedge if k_wedge > 0.0 else 0.0
        self._find_pivot(force_os_kn, force_ds_kn, mean_cmd_um, applied, stiffness_kn_um, dt_s)
        if act:
            self.offset_um += self.gain * (measured - applied - self.offset_um)
        # the film's wedge at the nip now, as the forces see it, on its way to the gauge
        self.tilt.advance(dx_m, dt_s, measured)

    def resume(self) -> None:
        """Time passed unseen (a lost link): the force change meanwhile is no step to find a
        pivot from."""
        self._last_f = None

    def on_scan(self, edge_os: float, edge_ds: float, gain_mg_cm2_um: float) -> bool:
        """A new scan: the measured wedge corrects the force-based one (tilt, per scan). A
        wedge further than `limit_um` from the expected one (a spike on an edge zone) is not
        used: returns False."""
        if not gain_mg_cm2_um > 0.0:
            return False
        wedge = (edge_ds - edge_os) / ((1.0 - self.edge_frac) * gain_mg_cm2_um)
        if abs(wedge - self.tilt.expected()) > self.limit_um:
            return False
        self.tilt.correct(wedge, limit=TILT_STEP_LIMIT_UM)
        return True

    def _find_pivot(
        self, f_os: float, f_ds: float, mean: float, wedge: float, k: float, dt_s: float
    ) -> None:
        """Unexplained force steps since the last tick: u_s = ΔF_s − K̂·Δ(half-width gap)."""
        last_f, (last_mean, last_wedge) = self._last_f, self._last_cmd
        self._last_f, self._last_cmd = (f_os, f_ds), (mean, wedge)
        if self._holdoff_s > 0.0:
            self._holdoff_s -= dt_s
            return
        if last_f is None or not k > 0.0:
            return
        d_mean, d_wedge = mean - last_mean, wedge - last_wedge
        if abs(d_wedge) > self.step_um:  # own move too large to tell apart
            return
        u_os = f_os - last_f[0] - k * (d_mean - 0.25 * d_wedge)
        u_ds = f_ds - last_f[1] - k * (d_mean + 0.25 * d_wedge)
        diff = u_ds - u_os
        if abs(diff) < 0.5 * k * self.step_um:
            return
        pivot = 0.5 * (1.0 + 0.5 * (u_os + u_ds) / diff)
        # one cylinder is by far the likeliest: within 10 % of one side, it is that side
        self.pivot = 1.0 if pivot > 0.9 else (0.0 if pivot < 0.1 else pivot)
        self._holdoff_s = 2.0
