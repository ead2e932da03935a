"""Thermal compensation: the rolls grow with their temperature and close the gap.

Both rolls grow α·(D/2)·ΔT in radius, so the gap changes k_T·ΔT with k_T = −α·D (−9 µm/K for
800 mm steel rolls). The roll body follows the measured surface temperature T through a
first-order lag τ (minutes):

    T_body ← T_body + (T − T_body)·(1 − e^(−dt/τ))
    g      = k_T · (T_body − T_ref)                 µm (negative: the gap has closed)

and the gap setpoint gets −g, so the gap the material sees stays where the reference says.
T_ref is the temperature at which the gap was zeroed; without one, the first good reading
(the line starts in thermal equilibrium). On a bad temperature reading the body estimate
keeps relaxing toward the last good one.
"""

from __future__ import annotations

from math import exp


class ThermalCompensator:
    __slots__ = ("um_per_k", "time_constant_s", "reference_c", "body_c", "_last_c")

    def __init__(
        self, um_per_k: float, time_constant_s: float, reference_c: float | None = None
    ) -> None:
        self.um_per_k = um_per_k
        self.time_constant_s = time_constant_s
        self.reference_c = reference_c
        self.body_c: float | None = None
        self._last_c: float | None = None

    def step(self, temperature_c: float | None, dt_s: float) -> float:
        """Advance by `dt_s` with the surface temperature (None: bad reading); return the
        gap change g in µm that the rolls cause now."""
        if temperature_c is not None:
            self._last_c = temperature_c
        t = self._last_c
        if t is None:
            return 0.0
        if self.body_c is None:
            self.body_c = t
            if self.reference_c is None:
                self.reference_c = t
        tau = self.time_constant_s
        a = 1.0 - exp(-dt_s / tau) if tau > 0.0 else 1.0
        self.body_c += (t - self.body_c) * a
        return self.gap_um

    @property
    def gap_um(self) -> float:
        """g = k_T·(T_body − T_ref): what the thermal growth does to the gap now."""
        if self.body_c is None or self.reference_c is None:
            return 0.0
        return self.um_per_k * (self.body_c - self.reference_c)

    @property
    def compensation_um(self) -> float:
        """The gap setpoint's share: −g."""
        return -self.gap_um
