"""Loss-in-weight feeder: flow lag, flow noise, hopper mass and automatic refill.

Relations (per step of dt seconds):

* Flow lag: y ← y + (sp − y)·(1 − exp(−dt/τ)), τ = feeder time constant (default 0.5 s).
* Flow noise, relative, Ornstein–Uhlenbeck with correlation time τ_n (default 0.2 s) and
  stationary σ (default 0.3 %): n ← a·n + σ·√(1 − a²)·ξ, a = exp(−dt/τ_n).
* Delivered flow: Q = max(0, y·(1 + n)) in kg/h, limited by what the hopper holds.
* Hopper: H ← H − Q·dt/3600. Refill is requested when H < request·capacity (default 20 %) and
  adds (complete − request)·capacity / t_refill kg/s (defaults 90 %, 30 s) until
  H ≥ complete·capacity.

Later issues hang feed factor, bulk density, bridging and screw pulsation here.
"""

from __future__ import annotations

from math import exp, sqrt

from hmi.plant.noise import NormalStream


class Feeder:
    """One gravimetric (loss-in-weight) feeder. `flow_kg_h` is the delivered flow."""

    __slots__ = (
        "name",
        "capacity_kg",
        "hopper_kg",
        "flow_kg_h",
        "refilling",
        "delivered_total_kg",
        "refilled_total_kg",
        "_lag_kg_h",
        "_noise",
        "_tau_s",
        "_noise_rel",
        "_noise_corr_s",
        "_request_kg",
        "_complete_kg",
        "_refill_kg_s",
        "_rng",
        "_dt_s",
        "_a_lag",
        "_a_noise",
        "_b_noise",
    )

    def __init__(
        self,
        name: str,
        *,
        capacity_kg: float,
        hopper_kg: float,
        time_constant_s: float,
        noise_rel: float,
        noise_corr_s: float,
        refill_request_frac: float,
        refill_complete_frac: float,
        refill_time_s: float,
        rng: NormalStream,
        flow_kg_h: float = 0.0,
    ) -> None:
        self.name = name
        self.capacity_kg = capacity_kg
        self.hopper_kg = hopper_kg
        self.flow_kg_h = flow_kg_h
        self.refilling = False
        self.delivered_total_kg = 0.0
        self.refilled_total_kg = 0.0
        self._lag_kg_h = flow_kg_h
        self._noise = 0.0
        self._tau_s = time_constant_s
        self._noise_rel = noise_rel
        self._noise_corr_s = noise_corr_s
        self._request_kg = refill_request_frac * capacity_kg
        self._complete_kg = refill_complete_frac * capacity_kg
        self._refill_kg_s = (self._complete_kg - self._request_kg) / refill_time_s
        self._rng = rng
        self._dt_s = -1.0
        self._a_lag = self._a_noise = self._b_noise = 0.0

    def set_flow(self, flow_kg_h: float) -> None:
        """Put the feeder at rest delivering `flow_kg_h` (lag state equal, noise state 0)."""
        self.flow_kg_h = self._lag_kg_h = max(flow_kg_h, 0.0)
        self._noise = 0.0

    def _set_dt(self, dt_s: float) -> None:
        self._dt_s = dt_s
        self._a_lag = exp(-dt_s / self._tau_s) if self._tau_s > 0.0 else 0.0
        a = exp(-dt_s / self._noise_corr_s) if self._noise_corr_s > 0.0 else 0.0
        self._a_noise = a
        self._b_noise = self._noise_rel * sqrt(1.0 - a * a)

    def step(self, dt_s: float, sp_kg_h: float) -> float:
        """Advance by `dt_s` toward setpoint `sp_kg_h`; return the mass delivered in kg."""
        if dt_s != self._dt_s:
            self._set_dt(dt_s)
        sp = sp_kg_h if sp_kg_h > 0.0 else 0.0
        y = sp + (self._lag_kg_h - sp) * self._a_lag
        if sp == 0.0 and y < 1e-9:
            y = 0.0
        self._lag_kg_h = y
        if self._b_noise > 0.0:
            self._noise = self._noise * self._a_noise + self._b_noise * self._rng.draw()
        q = y * (1.0 + self._noise)
        if q < 0.0:
            q = 0.0
        mass = q * dt_s / 3600.0
        if mass > self.hopper_kg:  # hopper runs dry: delivers what is left
            mass = self.hopper_kg
            q = mass * 3600.0 / dt_s
        self.flow_kg_h = q
        hopper = self.hopper_kg - mass
        if not self.refilling and hopper < self._request_kg:
            self.refilling = True
        if self.refilling:
            add = self._refill_kg_s * dt_s
            if hopper + add >= self._complete_kg:
                add = max(self._complete_kg - hopper, 0.0)
                self.refilling = False
            hopper += add
            self.refilled_total_kg += add
        self.hopper_kg = hopper
        self.delivered_total_kg += mass
        return mass
