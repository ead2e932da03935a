"""Continuous dry mixer between the feeders and the nip bank.

Well-mixed hold-up H (kg) with residence time τ (default 45 s; dry mixers run 30–120 s):

    dH/dt = Q_in − H/τ,   outflow = H/τ.

Stepped exactly for an inflow constant over the step (r = m_in/dt):
H' = H·a + r·τ·(1 − a), a = exp(−dt/τ); outflow mass = H + m_in − H', so mass is conserved
to rounding. τ = 0 passes the feed straight through.
"""

from __future__ import annotations

from math import exp


class Mixer:
    """First-order mixer with tracked hold-up."""

    __slots__ = ("residence_s", "holdup_kg", "outflow_kg_h", "_dt_s", "_a")

    def __init__(self, residence_s: float, holdup_kg: float = 0.0) -> None:
        self.residence_s = residence_s
        self.holdup_kg = holdup_kg
        self.outflow_kg_h = holdup_kg / residence_s * 3600.0 if residence_s > 0.0 else 0.0
        self._dt_s = -1.0
        self._a = 0.0

    def set_steady(self, inflow_kg_h: float) -> None:
        """Put the mixer at equilibrium for `inflow_kg_h`: H = Q·τ, outflow = Q."""
        self.holdup_kg = inflow_kg_h / 3600.0 * self.residence_s
        self.outflow_kg_h = inflow_kg_h

    def step(self, dt_s: float, mass_in_kg: float) -> float:
        """Take `mass_in_kg` over `dt_s`; return the mass discharged to the bank in kg."""
        tau = self.residence_s
        if tau <= 0.0:
            out = self.holdup_kg + mass_in_kg
            self.holdup_kg = 0.0
        else:
            if dt_s != self._dt_s:
                self._dt_s = dt_s
                self._a = exp(-dt_s / tau)
            a = self._a
            h0 = self.holdup_kg
            h1 = h0 * a + mass_in_kg / dt_s * tau * (1.0 - a)
            out = h0 + mass_in_kg - h1
            self.holdup_kg = h1
        self.outflow_kg_h = out * 3600.0 / dt_s
        return out
