"""Continuous dry mixer (PTFE fibrillation) between the feeders and the conveyor to the nip.

Hold-up: well-mixed H (kg) with residence time τ (default 45 s; dry mixers run 30–120 s):

    dH/dt = Q_in − H/τ,   outflow = H/τ.

Stepped exactly for an inflow constant over the step (r = m_in/dt):
H' = H·a + r·τ·(1 − a), a = exp(−dt/τ); outflow mass = H + m_in − H', so mass is conserved
to rounding. τ = 0 passes the feed straight through.

Power and shear (MixerHeat): the rotor runs at constant speed, so its shear power grows with
the powder it holds: P = P_idle + k·H (defaults 1.5 kW, 1.6 kW/kg). The specific shear energy
of the powder passing through is e = k·H / (H/τ) = k·τ (72 kJ/kg = 0.02 kWh/kg at the
defaults), independent of throughput. A share f of it (default 10 %) warms the powder, the
jacket removes the rest: T_mix → T_feed + f·k·τ / c_p (+9 K: 29 °C at a 20 °C feed) with the
residence time as thermal lag; an empty mixer relaxes to the feed temperature. PTFE fibrillates
above ~19 °C (`PTFE_FIBRILLATION_C`); below it the binder does not form fibrils.

Powder properties (PowderLag): bulk density and compaction resistance γ of the powder in the
bank (relative to the material's) follow those of the powder arriving at the feeders through
a first-order lag, τ = mixer residence + conveyor delay: x ← x + (x_feed − x)·(1 − exp(−dt/τ)).
"""

from __future__ import annotations

from math import exp

PTFE_FIBRILLATION_C = 19.0
"""PTFE's phase transition (triclinic → hexagonal at ~19 °C): above it the binder fibrillates."""


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
        """Take `mass_in_kg` over `dt_s`; return the mass discharged in kg."""
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


class MixerHeat:
    """Mixer power, specific shear energy and powder temperature (see the module docstring)."""

    __slots__ = (
        "temperature_c",
        "shear_energy_kwh_kg",
        "_idle_kw",
        "_k_kw_kg",
        "_feed_c",
        "_rise_k",
        "_tau_s",
        "_dt_s",
        "_a",
    )

    def __init__(
        self,
        *,
        residence_s: float,
        idle_power_kw: float,
        shear_power_kw_kg: float,
        heat_to_powder_frac: float,
        heat_capacity_kj_kg_k: float,
        feed_temperature_c: float,
    ) -> None:
        self._idle_kw = idle_power_kw
        self._k_kw_kg = shear_power_kw_kg
        self._feed_c = feed_temperature_c
        self.shear_energy_kwh_kg = shear_power_kw_kg * residence_s / 3600.0
        self._rise_k = heat_to_powder_frac * shear_power_kw_kg * residence_s / heat_capacity_kj_kg_k
        self._tau_s = residence_s
        self.temperature_c = feed_temperature_c
        self._dt_s = -1.0
        self._a = 1.0

    @property
    def steady_temperature_c(self) -> float:
        """T_feed + f·k·τ / c_p: the temperature of powder that has had its full shear."""
        return self._feed_c + self._rise_k

    def power_kw(self, holdup_kg: float) -> float:
        """P = P_idle + k·H in kW."""
        return self._idle_kw + self._k_kw_kg * holdup_kg

    def set_steady(self) -> None:
        self.temperature_c = self.steady_temperature_c

    def step(self, dt_s: float, holdup_kg: float) -> None:
        """Relax the powder temperature toward its target for `dt_s`."""
        if dt_s != self._dt_s:
            self._dt_s = dt_s
            self._a = 1.0 - exp(-dt_s / self._tau_s) if self._tau_s > 0.0 else 1.0
        target = self._feed_c + self._rise_k if holdup_kg > 1e-6 else self._feed_c
        t = self.temperature_c
        if t != target:
            t += (target - t) * self._a
            self.temperature_c = target if abs(target - t) < 1e-9 else t


class PowderLag:
    """Relative bulk density and γ of the powder arriving (`feed_*`) and in the bank."""

    __slots__ = ("feed_bulk_density_rel", "feed_gamma_rel", "bulk_density_rel", "gamma_rel",
                 "moving", "_tau_s")  # fmt: skip

    def __init__(self, lag_s: float) -> None:
        self._tau_s = lag_s
        self.feed_bulk_density_rel = self.bulk_density_rel = 1.0
        self.feed_gamma_rel = self.gamma_rel = 1.0
        self.moving = False

    def change_feed(self, bulk_density_factor: float = 1.0, gamma_factor: float = 1.0) -> None:
        """A new powder arrives: its bulk density and γ are these factors × the present."""
        self.feed_bulk_density_rel *= bulk_density_factor
        self.feed_gamma_rel *= gamma_factor
        self.moving = True

    def step(self, dt_s: float) -> None:
        """Move the bank's properties toward the feed's for `dt_s`."""
        a = 1.0 - exp(-dt_s / self._tau_s) if self._tau_s > 0.0 else 1.0
        r, g = self.bulk_density_rel, self.gamma_rel
        tr, tg = self.feed_bulk_density_rel, self.feed_gamma_rel
        self.bulk_density_rel = tr if abs(tr - r) < 1e-12 else r + (tr - r) * a
        self.gamma_rel = tg if abs(tg - g) < 1e-12 else g + (tg - g) * a
        self.moving = self.bulk_density_rel != tr or self.gamma_rel != tg
