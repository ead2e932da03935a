"""Mass balance of the powder path: the areal mass the nip is drawing now, without the gauge.

A powder-fed nip draws what its bank receives, minus what the bank stores. The bank mass B is
measured; what reaches it is modelled from the measured feeder flows and the recycled trim:

    Q_mix  = Σ Q_feeder + Q_recycle(t − T_rec)        into the mixer, kg/h (the trim cut at
                                                        the knife returns T_rec later, feed.py)
    H'     = H·a + (m_in/dt)·τ·(1 − a),  a = e^(−dt/τ)  mixer hold-up (first order, exact for
    out    = H + m_in − H'                              an inflow constant over the step)
    Q_bank = out delayed by the conveyor (T_conv)

Over a block of web Δx the film drawn is  ∫Q_bank dt − ΔB  kg, so its mean areal mass is

    m_mb = (∫Q_bank dt − ΔB) / (0.01 · W · Δx)         mg/cm² (1 mg/cm² = 0.01 kg/m²)

A block is one roll revolution of web (π·D), so the eccentricity's 1× and 2× ripple averages
out of it. The estimate is undelayed but only as good as the flow readings; the gauge loop
(deadtime.py) removes its slow bias. While a feeder refills, its loss-in-weight reading is
frozen: the caller passes the flow the feeder is expected to deliver instead (feed.py), and
for a while after (the mixer still holds that powder) a disagreement of the blocks is taken
as an error of the modelled hold-up (`correct_holdup`) rather than of the nip's intake.
"""

from __future__ import annotations

from math import exp, pi

from hmi.control.config import LineControllerConfig


class RateLine:
    """A flow delayed by `delay_s`: the flow of `delay_s` ago, kept in slots of `slot_s`.

    Kept as a rate (not as lumps of mass), so integrating it over any step gives the mass of
    that step whatever the slots' phase: a block of the mass balance never gains or loses a
    slot at its ends."""

    __slots__ = ("slot_s", "_ring", "_i", "_t")

    def __init__(self, delay_s: float, flow_kg_h: float, slot_s: float = 0.1) -> None:
        self.slot_s = slot_s
        n = max(0, round(delay_s / slot_s))
        self._ring = [flow_kg_h] * n
        self._i = 0
        self._t = 0.0

    def step(self, dt_s: float, flow_kg_h: float) -> float:
        """Record `flow_kg_h` for this step; return the flow of `delay_s` ago."""
        ring = self._ring
        if not ring:
            return flow_kg_h
        self._t += dt_s
        while self._t >= self.slot_s - 1e-9:
            self._t -= self.slot_s
            ring[self._i] = flow_kg_h
            self._i = (self._i + 1) % len(ring)
        return ring[self._i]


class PowderPath:
    """Feeders → mixer → conveyor → bank, and the film drawn out of the bank per revolution."""

    __slots__ = (
        "residence_s", "holdup_kg", "conveyor", "block_m", "width_m",
        "_in_kg", "_dx_m", "_bank0_kg", "_model_sum", "_dt_s", "_a", "_t_s", "last_block",
    )  # fmt: skip

    def __init__(
        self,
        *,
        residence_s: float,
        conveyor_delay_s: float,
        roll_diameter_mm: float,
        flow_kg_h: float,
        bank_kg: float,
    ) -> None:
        """Start in steady state: `flow_kg_h` through the mixer (feed + recycle returning),
        `bank_kg` in the bank."""
        self.residence_s = residence_s
        self.holdup_kg = flow_kg_h / 3600.0 * residence_s
        self.conveyor = RateLine(conveyor_delay_s, flow_kg_h)
        self.block_m = pi * roll_diameter_mm / 1000.0  # one roll revolution of web
        self.width_m = 1.0
        self._dt_s = -1.0
        self._a = 0.0
        self.last_block = (0.0, 0.0, 1.0)
        self._restart(bank_kg)

    @classmethod
    def steady(cls, config: LineControllerConfig, flow_kg_h: float, bank_kg: float) -> PowderPath:
        """The path of `config`'s machine in steady state at `flow_kg_h` into the mixer."""
        return cls(
            residence_s=config.mixer_residence_s,
            conveyor_delay_s=config.conveyor_delay_s,
            roll_diameter_mm=config.roll_diameter_mm,
            flow_kg_h=flow_kg_h,
            bank_kg=bank_kg,
        )

    def _restart(self, bank_kg: float) -> None:
        self._in_kg = self._dx_m = self._model_sum = self._t_s = 0.0
        self._bank0_kg = bank_kg

    def restart_block(self, bank_kg: float) -> None:
        """Drop the block under way (e.g. a grade change in the middle of it)."""
        self._restart(bank_kg)

    def _mix(self, dt_s: float, mixer_in_kg_h: float) -> float:
        """Advance mixer and conveyor; return the flow reaching the bank now (kg/h)."""
        m_in = mixer_in_kg_h * dt_s / 3600.0
        if dt_s != self._dt_s:
            self._dt_s = dt_s
            self._a = exp(-dt_s / self.residence_s)
        h0 = self.holdup_kg
        h1 = h0 * self._a + m_in / dt_s * self.residence_s * (1.0 - self._a)
        self.holdup_kg = h1
        return self.conveyor.step(dt_s, (h0 + m_in - h1) * 3600.0 / dt_s)

    def coast(self, dt_s: float, mixer_in_kg_h: float) -> None:
        """Time passes unseen (a lost link): the powder moves on, the block under way is void
        (`restart_block` when the readings return)."""
        self._mix(dt_s, mixer_in_kg_h)

    def step(
        self,
        dt_s: float,
        mixer_in_kg_h: float,
        dx_m: float,
        bank_kg: float,
        width_m: float,
        model_mg_cm2: float,
    ) -> tuple[float, float] | None:
        """Advance by `dt_s`; return (m_mb, model mean) when a revolution block closes: the
        areal mass the mass balance says was drawn, and the model's mean over the same web."""
        self._in_kg += self._mix(dt_s, mixer_in_kg_h) * dt_s / 3600.0
        self._dx_m += dx_m
        self._t_s += dt_s
        self._model_sum += model_mg_cm2 * dx_m
        self.width_m = width_m
        if self._dx_m < self.block_m:
            return None
        drawn_kg = self._in_kg - (bank_kg - self._bank0_kg)
        measured = drawn_kg / (0.01 * width_m * self._dx_m)
        model = self._model_sum / self._dx_m
        self.last_block = (self._dx_m, self._t_s, width_m)
        self._restart(bank_kg)
        return measured, model

    def correct_holdup(self, measured_mg_cm2: float, model_mg_cm2: float, gain: float) -> None:
        """Take the last block's disagreement as an error of the mixer hold-up (after flows
        that were not weighed went into it): a hold-up too large by e pushes e/τ too much into
        the bank, so e ≈ residual·τ/T_block; H ← H − gain·e."""
        dx_m, t_s, width_m = self.last_block
        if t_s > 0.0:
            residual_kg = (measured_mg_cm2 - model_mg_cm2) * 0.01 * width_m * dx_m
            self.holdup_kg = max(0.0, self.holdup_kg - gain * residual_kg * self.residence_s / t_s)
