"""Loss-in-weight (gravimetric) screw feeder: hopper, screw, feed factor, refill, bridging.

Relations (per step of dt seconds; n in rev/s, flows in kg/h):

* Feed factor (kg per screw revolution): ff = ff0 · ρ_rel · (1 + δ) · (1 + k·fill), ff0 at an
  empty hopper and nominal bulk density, ρ_rel the powder lot's bulk density (1 nominal,
  `bulk_density_step`), δ ≤ 0 the looseness of fresh powder after a refill (decays with
  τ_settle), fill = hopper / capacity (a fuller hopper packs the screw denser, k default 0.15).
* Gravimetric controller: n_cmd = sp / ff_cal · (1 + trim), ff_cal = ff0·(1 + k/2) the factor
  the feeder was calibrated with (half-full hopper); the trim integrates the loss-in-weight
  error, d(trim)/dt = (sp − Q_liw)/(sp·T_i), clipped to ±trim_limit (defaults T_i 4 s, 25 %).
  So a bridge deeper than 1 − 1/1.25 = 20 % cannot be made up, and a shallower one only
  after the trim has integrated (seconds): the flow dips either way.
* Screw motor: n ← n + (n_cmd − n)·(1 − exp(−dt/τ)) (default τ 0.5 s).
* Delivered flow: Q = 3600·ff·n·(1 + ν)·(1 + a·sin φ)·(1 − bridge), φ += 2π·n·dt the screw
  angle (pulsation at the screw frequency, default a = 1 %); ν relative Ornstein–Uhlenbeck
  noise (σ 0.3 %, correlation 0.2 s): ν ← c·ν + σ·√(1 − c²)·ξ, c = exp(−dt/τ_n); bridge =
  severity while a bridge lasts (the screw turns, the arch lets less through).
* Loss-in-weight reading: Q_liw ← Q_liw + (Q − Q_liw)·(1 − exp(−dt/τ_f)) (default τ_f 1 s); it
  is the measured flow tag. Reading 0 once the screw has stopped.
* Refill: requested below request·capacity (20 %) or by `force_refill`; adds
  (complete − request)·capacity / t_refill kg/s (90 %, 30 s) until complete. During it the
  weight cannot measure flow: the feeder runs volumetric (trim frozen, Q_liw held; at a
  constant setpoint the screw speed is constant), so Q drifts up with the feed factor as the
  hopper fills. At completion the fresh powder
  mixes with what was left: δ ← (δ·m_old − drop·m_added)/m_after (drop default 4 %).
* Hopper: H ← H − Q·dt/3600, never below 0 (a dry hopper delivers what is left).

The class defaults are neutral (ideal volumetric screw: no fill effect, no trim, no ripple, no
filter, no density jump); `Line` passes the `Equipment` values.
"""

from __future__ import annotations

from math import exp, pi, sin, sqrt

from hmi.plant.noise import NormalStream
from hmi.plant.stepping import DT_MEMO_SIZE

_TWO_PI = 2.0 * pi


class Feeder:
    """One gravimetric feeder. `flow_kg_h` is the true delivered flow, `measured_flow_kg_h`
    the loss-in-weight reading."""

    __slots__ = (
        "name", "capacity_kg", "hopper_kg", "flow_kg_h", "measured_flow_kg_h", "refilling",
        "delivered_total_kg", "refilled_total_kg", "screw_speed_rev_s", "screw_cmd_rev_s",
        "trim", "bulk_density_rel", "density_offset", "bridge_severity", "bridge_remaining_s",
        "_ff0", "_k_fill", "_ff_cal", "_pulse", "_phase", "_noise", "_tau_s", "_noise_rel",
        "_noise_corr_s", "_filter_s", "_ti_s", "_trim_lim", "_drop", "_settle_s",
        "_request_kg", "_complete_kg", "_refill_time_s", "_refill_kg_s", "_refill_start_kg",
        "_rng", "_dt_s", "_by_dt",
        "_a_motor", "_a_noise", "_b_noise", "_a_filter", "_a_settle",
    )  # fmt: skip

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
        feed_factor_kg_rev: float = 0.1,
        fill_gain: float = 0.0,
        pulsation_rel: float = 0.0,
        liw_filter_s: float = 0.0,
        gravimetric_time_s: float = 0.0,
        trim_limit_frac: float = 0.25,
        refill_density_drop: float = 0.0,
        density_settle_s: float = 120.0,
    ) -> None:
        self.name = name
        self.capacity_kg = capacity_kg
        self.hopper_kg = hopper_kg
        self.refilling = False
        self.delivered_total_kg = 0.0
        self.refilled_total_kg = 0.0
        self.bulk_density_rel = 1.0
        self.density_offset = 0.0
        self.bridge_severity = 0.0
        self.bridge_remaining_s = 0.0
        self._ff0 = feed_factor_kg_rev
        self._k_fill = fill_gain
        self._ff_cal = feed_factor_kg_rev * (1.0 + 0.5 * fill_gain)
        self._pulse = pulsation_rel
        self._phase = 0.0
        self._noise = 0.0
        self._tau_s = time_constant_s
        self._noise_rel = noise_rel
        self._noise_corr_s = noise_corr_s
        self._filter_s = liw_filter_s
        self._ti_s = gravimetric_time_s
        self._trim_lim = trim_limit_frac
        self._drop = refill_density_drop
        self._settle_s = density_settle_s
        self._refill_time_s = refill_time_s
        self.set_refill_levels(refill_request_frac, refill_complete_frac)
        self._refill_start_kg = 0.0
        self._rng = rng
        self._dt_s = -1.0
        self._by_dt: dict[float, tuple[float, float, float, float, float]] = {}
        self._a_motor = self._a_noise = self._b_noise = self._a_filter = self._a_settle = 0.0
        self.set_flow(flow_kg_h)

    def set_refill_levels(self, request_frac: float, complete_frac: float) -> None:
        """Refill is requested below request_frac and runs to complete_frac of the capacity, in
        the refill time whatever the span (the refill rate follows the span)."""
        self._request_kg = request_frac * self.capacity_kg
        self._complete_kg = complete_frac * self.capacity_kg
        self._refill_kg_s = (self._complete_kg - self._request_kg) / self._refill_time_s

    @property
    def feed_factor_kg_rev(self) -> float:
        """ff = ff0 · ρ_rel · (1 + δ) · (1 + k·fill), kg per screw revolution."""
        fill = self.hopper_kg / self.capacity_kg
        return (
            self._ff0 * self.bulk_density_rel * (1.0 + self.density_offset)
            * (1.0 + self._k_fill * fill)
        )  # fmt: skip

    @property
    def screw_speed_rpm(self) -> float:
        return self.screw_speed_rev_s * 60.0

    @property
    def bridged(self) -> bool:
        return self.bridge_remaining_s > 0.0

    def set_flow(self, flow_kg_h: float) -> None:
        """Put the feeder at rest in gravimetric mode delivering `flow_kg_h` exactly: screw
        speed Q/ff, trim so that the controller's command is that speed, noise state 0."""
        q = flow_kg_h if flow_kg_h > 0.0 else 0.0
        n = q / 3600.0 / self.feed_factor_kg_rev
        self.screw_speed_rev_s = self.screw_cmd_rev_s = n
        self.trim = self._ff_cal / self.feed_factor_kg_rev - 1.0
        self.flow_kg_h = self.measured_flow_kg_h = q
        self._noise = 0.0

    def bridge(self, severity: float, duration_s: float) -> None:
        """Powder arches over the screw inlet: flow × (1 − severity) for `duration_s`."""
        self.bridge_severity = severity
        self.bridge_remaining_s = duration_s

    def force_refill(self) -> None:
        """Start a refill now, whatever the level (runs to the refill-complete level)."""
        if not self.refilling:
            self.refilling = True
            self._refill_start_kg = self.hopper_kg

    def _set_dt(self, dt_s: float) -> None:
        self._dt_s = dt_s
        # each time step's coefficients once (hmi/plant/stepping.py)
        known = self._by_dt.get(dt_s)
        if known is None:
            if len(self._by_dt) >= DT_MEMO_SIZE:  # a real clock's ticks: every one differs
                self._by_dt.clear()
            a_motor = 1.0 - exp(-dt_s / self._tau_s) if self._tau_s > 0.0 else 1.0
            c = exp(-dt_s / self._noise_corr_s) if self._noise_corr_s > 0.0 else 0.0
            b_noise = self._noise_rel * sqrt(1.0 - c * c)
            a_filter = 1.0 - exp(-dt_s / self._filter_s) if self._filter_s > 0.0 else 1.0
            a_settle = exp(-dt_s / self._settle_s) if self._settle_s > 0.0 else 0.0
            known = self._by_dt[dt_s] = (a_motor, c, b_noise, a_filter, a_settle)
        self._a_motor, self._a_noise, self._b_noise, self._a_filter, self._a_settle = known

    def step(self, dt_s: float, sp_kg_h: float) -> float:
        """Advance by `dt_s` toward setpoint `sp_kg_h`; return the mass delivered in kg."""
        if dt_s != self._dt_s:
            self._set_dt(dt_s)
        sp = sp_kg_h if sp_kg_h > 0.0 else 0.0
        # state read once into locals (three feeders every tick); the arithmetic as before
        refilling = self.refilling
        hopper_kg = self.hopper_kg
        bridge_s = self.bridge_remaining_s
        trim = self.trim
        if not refilling and self._ti_s > 0.0 and sp > 0.0:  # gravimetric trim
            trim = trim + (sp - self.measured_flow_kg_h) / sp * dt_s / self._ti_s
            lim = self._trim_lim
            trim = lim if trim > lim else (-lim if trim < -lim else trim)
            self.trim = trim
        cmd = sp / 3600.0 / self._ff_cal * (1.0 + trim)  # volumetric while refilling
        self.screw_cmd_rev_s = cmd
        n = self.screw_speed_rev_s
        n += (cmd - n) * self._a_motor
        if cmd == 0.0 and n < 1e-9:
            n = 0.0
        self.screw_speed_rev_s = n
        if n == 0.0:
            q = 0.0
        else:
            fill = hopper_kg / self.capacity_kg  # feed_factor_kg_rev, written out
            ff = (
                self._ff0 * self.bulk_density_rel * (1.0 + self.density_offset)
                * (1.0 + self._k_fill * fill)
            )  # fmt: skip
            q = 3600.0 * ff * n
            if self._b_noise > 0.0:
                self._noise = noise = self._noise * self._a_noise + self._b_noise * self._rng.draw()
                q *= 1.0 + noise
            if self._pulse > 0.0:
                phase = self._phase + _TWO_PI * n * dt_s
                if phase > _TWO_PI:
                    phase -= _TWO_PI
                self._phase = phase
                q *= 1.0 + self._pulse * sin(phase)
            if bridge_s > 0.0:
                q *= 1.0 - self.bridge_severity
            if q < 0.0:
                q = 0.0
        if bridge_s > 0.0:
            self.bridge_remaining_s = bridge_s - dt_s
        mass = q * dt_s / 3600.0
        if mass > hopper_kg:  # hopper runs dry: delivers what is left
            mass = hopper_kg
            q = mass * 3600.0 / dt_s
        self.flow_kg_h = q
        if not refilling:
            if n == 0.0:
                self.measured_flow_kg_h = 0.0
            else:
                self.measured_flow_kg_h += (q - self.measured_flow_kg_h) * self._a_filter
        offset = self.density_offset
        if offset != 0.0:  # fresh powder settles back
            d = offset * self._a_settle
            self.density_offset = d if abs(d) > 1e-12 else 0.0
        self._hopper(dt_s, mass)
        self.delivered_total_kg += mass
        return mass

    def _hopper(self, dt_s: float, mass: float) -> None:
        hopper = self.hopper_kg - mass
        if self.refilling:
            self._refill_start_kg -= mass  # old powder left in the hopper
        elif hopper < self._request_kg:
            self.refilling = True
            self._refill_start_kg = hopper
        if self.refilling:
            add = self._refill_kg_s * dt_s
            if hopper + add >= self._complete_kg:
                add = max(self._complete_kg - hopper, 0.0)
                self.refilling = False
            hopper += add
            self.refilled_total_kg += add
            if not self.refilling and hopper > 0.0:  # fresh powder mixes in: looser bulk
                old = max(self._refill_start_kg, 0.0)
                mixed = self.density_offset * old - self._drop * (hopper - old)
                self.density_offset = mixed / hopper
        self.hopper_kg = hopper
