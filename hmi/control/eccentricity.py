"""Roll eccentricity compensation: angle-indexed adaptive feedforward from the roll force.

An eccentric roll opens and closes the gap once (and, out of round, twice) per revolution:
e(θ) = A1·sin θ + B1·cos θ + A2·sin 2θ + B2·cos 2θ µm, θ the roll angle from the encoder. The
compensation is the same series with learned coefficients, evaluated a little ahead of the
measured angle (the actuator and the write lag behind): the gap setpoint gets −ê(θ + ω·t_lead),
ω = 2·v / D the roll's angular speed (v in m/s, D in m).

The roll force sees the residual at once: a powder nip's force rises K kN per µm its unloaded
gap opens, so r = (F − F_slow) / K is the residual gap ripple in µm, F_slow a low-pass of the
force (the ripple is what is left). Least-mean-squares on the Fourier regressors:

    a_i ← a_i + (2·dt / T_a) · r · φ_i(θ),    φ = (sin θ, cos θ, sin 2θ, cos 2θ)

Averaged over a revolution, ⟨r·sin θ⟩ = (A1 − a1)/2, so each coefficient converges to the
roll's with time constant T_a whatever the speed; a wrong K only changes that time constant,
and the slow part of the force (bank, powder) averages out of the correlation. Nothing is
learned while the line stands or the force is bad; what was learned is kept.
"""

from __future__ import annotations

from math import cos, sin


class EccentricityCompensator:
    """Four Fourier coefficients (1× and 2× the roll rotation), learned from the roll force."""

    __slots__ = (
        "a1", "b1", "a2", "b2", "adapt_time_s", "lead_s", "slow_time_s", "_diameter_m",
        "_force_slow", "_gap_slow", "freeze_um", "limit_um",
    )  # fmt: skip

    def __init__(
        self, roll_diameter_mm: float, adapt_time_s: float, lead_s: float, slow_time_s: float = 3.0
    ) -> None:
        self.a1 = self.b1 = self.a2 = self.b2 = 0.0
        self.adapt_time_s = adapt_time_s
        self.lead_s = lead_s
        self.slow_time_s = slow_time_s
        self._diameter_m = roll_diameter_mm / 1000.0
        self._force_slow: float | None = None
        self._gap_slow = 0.0
        self.freeze_um = 0.5  # own gap moves beyond this (from its slow mean) stop learning
        self.limit_um = 20.0  # no coefficient beyond the roll's worst eccentricity

    def angular_speed_rad_s(self, speed_m_min: float) -> float:
        """ω = 2·v/D: v in m/s, D in m (the roll surface moves with the web)."""
        return speed_m_min / (30.0 * self._diameter_m)

    def gap_um(self, angle_rad: float) -> float:
        """ê(θ): the learned eccentricity at this angle."""
        s, c = sin(angle_rad), cos(angle_rad)
        return self.a1 * s + self.b1 * c + self.a2 * 2.0 * s * c + self.b2 * (c * c - s * s)

    def compensation_um(self, angle_rad: float, speed_m_min: float) -> float:
        """The gap setpoint's share: −ê(θ + ω·t_lead)."""
        return -self.gap_um(angle_rad + self.angular_speed_rad_s(speed_m_min) * self.lead_s)

    def resume(self) -> None:
        """Time passed unseen (a lost link): the force's slow mean is re-seeded from the next
        reading, so the change of the mean force meanwhile is not learned as ripple; what was
        learned is kept."""
        self._force_slow = None

    def adapt(
        self, angle_rad: float, force_kn: float, gap_um: float, stiffness_kn_um: float, dt_s: float
    ) -> None:
        """One LMS step from the mean roll force of both sides at this angle. `gap_um` is the
        mean gap the controller asks the material to see: its own moves are taken out of the
        force, and while it moves fast (a grade change) nothing is learned."""
        if self._force_slow is None:
            self._force_slow, self._gap_slow = force_kn, gap_um
            return
        a = min(1.0, dt_s / self.slow_time_s)
        self._force_slow += (force_kn - self._force_slow) * a
        self._gap_slow += (gap_um - self._gap_slow) * a
        moved = gap_um - self._gap_slow
        if not stiffness_kn_um > 0.0 or abs(moved) > self.freeze_um:
            return
        r = (force_kn - self._force_slow) / stiffness_kn_um - moved  # residual ripple, µm
        mu = 2.0 * dt_s / self.adapt_time_s * r
        s, c = sin(angle_rad), cos(angle_rad)
        lim, low = self.limit_um, -self.limit_um
        # max(low, min(lim, x)) written out (every tick; the builtins cost a call each):
        # min(lim, x) is x only if x < lim, max(low, y) is y only if y > low — NaN included
        x = self.a1 + mu * s
        x = x if x < lim else lim
        self.a1 = x if x > low else low
        x = self.b1 + mu * c
        x = x if x < lim else lim
        self.b1 = x if x > low else low
        x = self.a2 + mu * 2.0 * s * c
        x = x if x < lim else lim
        self.a2 = x if x > low else low
        x = self.b2 + mu * (c * c - s * s)
        x = x if x < lim else lim
        self.b2 = x if x > low else low

    @property
    def amplitude_um(self) -> float:
        """|1×| + |2×| of the learned eccentricity (µm)."""
        return (self.a1**2 + self.b1**2) ** 0.5 + (self.a2**2 + self.b2**2) ** 0.5
