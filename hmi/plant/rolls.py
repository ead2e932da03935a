"""Nip-1 rolls: temperature, thermal growth, eccentricity (roll angle) and bending.

Temperature: the roll surface follows its setpoint T_sp (equipment value + disturbance steps)
through the heater's first-order lag, T ← T + (T_sp − T)·(1 − exp(−dt/τ_heat)) (default 60 s;
τ = 0 sets it at once).

Thermal growth: both rolls grow in radius by α·(D/2)·ΔT, so the gap closes by
g_∞ = −α·D·(T − T_ref) µm (α = 11.25e-6 /K, D = 800 mm: −9.0 µm/K). The roll body lags the
surface: g ← g + (g_∞ − g)·(1 − exp(−dt/τ_growth)) (default 300 s). T_ref is the equipment's
roll temperature, at which the gap was zeroed, so the steady line has g = 0.

Eccentricity: the roll angle integrates the surface speed, θ ← θ + 2·v̄·dt/D (v̄ in m/s,
D in m; rotation frequency f = v/(π·D)), so the phase stays right through speed changes.
Gap ripple e(θ) = A1·sin θ + A2·sin 2θ (µm; default 0, set by the `eccentricity` disturbance
with A2 = 0.3·A1), the same on both sides (one roll, one axis).

Bending: the rolls deflect under the total force F = F_os + F_ds; with the web edges as
reference the gap in the middle opens by b = F / k_bend (parabolic across the width, see
profile.py). The line evaluates b from the forces of the previous step (one step of lag at
100 Hz), which keeps the force solve per side explicit.
"""

from __future__ import annotations

from math import exp, pi, sin

from hmi.plant.stepping import DT_MEMO_SIZE

_TWO_PI = 2.0 * pi


class Rolls:
    """State of the nip-1 roll pair; `gap_offset_um` is thermal growth + eccentricity now."""

    __slots__ = (
        "temperature_c",
        "temperature_sp_c",
        "thermal_gap_um",
        "eccentricity_gap_um",
        "angle_rad",
        "ecc_1x_um",
        "ecc_2x_um",
        "gap_offset_um",
        "_t_ref_c",
        "_um_per_k",
        "_diameter_m",
        "_tau_heat_s",
        "_tau_growth_s",
        "_bend_kn_um",
        "_dt_s",
        "_by_dt",
        "_a_heat",
        "_a_growth",
    )

    def __init__(
        self,
        *,
        diameter_mm: float,
        expansion_per_k: float,
        temperature_c: float,
        heater_time_constant_s: float,
        growth_time_constant_s: float,
        bending_stiffness_kn_um: float,
    ) -> None:
        self._t_ref_c = temperature_c
        self.temperature_c = temperature_c
        self.temperature_sp_c = temperature_c
        self._um_per_k = -expansion_per_k * diameter_mm * 1000.0
        self._diameter_m = diameter_mm / 1000.0
        self._tau_heat_s = heater_time_constant_s
        self._tau_growth_s = growth_time_constant_s
        self._bend_kn_um = bending_stiffness_kn_um
        self.thermal_gap_um = 0.0
        self.eccentricity_gap_um = 0.0
        self.gap_offset_um = 0.0
        self.angle_rad = 0.0
        self.ecc_1x_um = 0.0
        self.ecc_2x_um = 0.0
        self._dt_s = -1.0
        self._by_dt: dict[float, tuple[float, float]] = {}
        self._a_heat = self._a_growth = 1.0

    @property
    def thermal_gap_um_per_k(self) -> float:
        """−α·D in µm/K."""
        return self._um_per_k

    def rotation_frequency_hz(self, speed_m_min: float) -> float:
        """f = v / (π·D), v in m/s, D in m."""
        return speed_m_min / 60.0 / (pi * self._diameter_m)

    def bending_um(self, total_force_kn: float) -> float:
        """b = F / k_bend: the gap in the middle of the web opens by b µm."""
        return total_force_kn / self._bend_kn_um if total_force_kn > 0.0 else 0.0

    def steady_thermal_gap_um(self) -> float:
        """g_∞ = −α·D·(T − T_ref) for the present roll temperature."""
        return self._um_per_k * (self.temperature_c - self._t_ref_c)

    def _set_dt(self, dt_s: float) -> None:
        self._dt_s = dt_s
        known = self._by_dt.get(dt_s)  # each time step's coefficients once (stepping.py)
        if known is None:
            if len(self._by_dt) >= DT_MEMO_SIZE:
                self._by_dt.clear()
            th, tg = self._tau_heat_s, self._tau_growth_s
            a_heat = 1.0 - exp(-dt_s / th) if th > 0.0 else 1.0
            a_growth = 1.0 - exp(-dt_s / tg) if tg > 0.0 else 1.0
            known = self._by_dt[dt_s] = (a_heat, a_growth)
        self._a_heat, self._a_growth = known

    def step(self, dt_s: float, mean_speed_m_min: float) -> float:
        """Advance temperature, growth and angle by `dt_s`; return the gap offset in µm."""
        if dt_s != self._dt_s:
            self._set_dt(dt_s)
        t = self.temperature_c
        sp = self.temperature_sp_c
        if t != sp:
            t += (sp - t) * self._a_heat
            if abs(sp - t) < 1e-9:
                t = sp
            self.temperature_c = t
        g_inf = self._um_per_k * (t - self._t_ref_c)
        g = self.thermal_gap_um
        if g != g_inf:
            g += (g_inf - g) * self._a_growth
            if abs(g_inf - g) < 1e-9:
                g = g_inf
            self.thermal_gap_um = g
        theta = self.angle_rad + mean_speed_m_min * dt_s / (30.0 * self._diameter_m)  # 2·v/D
        if theta >= _TWO_PI:
            theta -= _TWO_PI
        self.angle_rad = theta
        if self.ecc_1x_um != 0.0 or self.ecc_2x_um != 0.0:
            ecc = self.ecc_1x_um * sin(theta) + self.ecc_2x_um * sin(2.0 * theta)
            self.eccentricity_gap_um = ecc
            g += ecc
        self.gap_offset_um = g
        return g
