"""Feed control: the mass balance of the film, split by the formulation, refill-aware.

Feedforward: the film drawn at the nip carries Q_film = 0.6·m*·W·v kg/h (m* target areal
mass in mg/cm², W width in m, v the line speed in m/min: measured, or the one planned while a
faster line is fed first, `SpeedPlan`). Part of it comes back: the edge trim cut at the knife
(measured, Q_trim) returns into the mixer T_rec later. The fresh feed is

    Q*      = Q_film − Q_trim(t − T_rec)
    Q_fresh = Q*_f + (τ_mix/τ_f)·(Q* − Q*_f) + Q_bank      (Q*_f: Q* through a lag τ_f)
    Q_bank  = K_b·(B_sp − B) + (K_b/T_b)·∫(B_sp − B) dt      bank-level trim (PI), limited

B_sp is the bank at start (the nominal bank when the line starts with less than half of it:
a cold start or a restart). The bank integrates supply minus draw, so its level tells the
lasting feed error (recycle estimate, feeder calibration, a bridge that was made up); the trim
is slow (minutes), well below the mixer's residence, and the gap's bank feedforward keeps the
areal mass while the bank moves. Back from manual the trim resumes bumplessly, its integral
within its limit; after a stop its integral restarts at zero: re-based on a bank far above its
setpoint it would add feed as the bank came back (issue 13: +34 kg/h at four times nominal).

Bank guard: beyond ±band of B_sp the fresh feed moves by K_g·(excess beyond the band), up to
a share of the film flow — a high bank cuts the feed back, a low one raises it. It acts within
a minute (the mixer's residence is in its loop: K_g is chosen for ~50° phase margin), where
the trim takes twenty.

Lead (mixer inverse): the mixer passes its inflow through a first-order residence τ_mix, so
a new film flow (grade or speed change) would reach the bank only over minutes and the bank
would bridge the difference. With the lead term (τ_mix/τ_f)·(Q* − Q*_f) the mixer passes
Q*_f out — the mixer's lag is replaced by τ_f (seconds) — and the bank bridges only τ_f and
the conveyor.

Split: the main (active) feeder gets x_main·Q_fresh; the minor feeders follow the main one's
measured flow, Q_minor = (x_minor/x_main)·LP(Q_main), so a main feeder that delivers less
(bridging) keeps the formulation; while the main one refills (its weight reading frozen) they
follow its intended flow.

Make-up: a main feeder short of its setpoint beyond what its own gravimetric trim can make up
(a bridge deeper than the trim's limit) has its setpoint raised by the integral of the
shortfall, so the bank is not emptied by it.

Feed limit: the feeders' limit bounds the film flow; the fastest line speed that feeds the
target film is v_max = 0.95·min_i(Q_max/x_i) / (0.6·m*·W·(1 − trim)); above it the line speed
reference is held at v_max (the controller says "feed_limited") rather than thinning the film.

Refill-aware: a feeder that refills runs volumetric (fixed screw speed per setpoint) while its
hopper fills and its feed factor grows ∝ (1 + k·fill). Its setpoint is scaled by
(1 + k·fill_start)/(1 + k·fill) so that it still delivers the intended mass; the mass balance
takes that intended flow instead of the frozen reading, times how well the feeder delivered
what it was asked before the refill (a bridge that started before goes on). A refill during
such a bridge, or a bad flow reading, puts the mass balance in doubt (`weighed_s` restarts).

A loss-in-weight reading lags the flow through its filter τ_f; the mass balance gets
Q_liw + τ_f·dQ_liw/dt, which puts the mass of a flow step where it went.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from hmi.control.config import LineControllerConfig, feed_total_kg_h
from hmi.core.tags import FEEDERS


class RateDelay:
    """A flow signal delayed by `delay_s`, in slots of `slot_s`."""

    __slots__ = ("slot_s", "_ring", "_i", "_t")

    def __init__(self, delay_s: float, initial: float, slot_s: float = 0.5) -> None:
        self.slot_s = slot_s
        self._ring = [initial] * max(1, round(delay_s / slot_s))
        self._i = 0
        self._t = 0.0

    def step(self, dt_s: float, value: float) -> float:
        """Record `value` now; return the value of `delay_s` ago."""
        self._t += dt_s
        while self._t >= self.slot_s - 1e-9:
            self._t -= self.slot_s
            self._ring[self._i] = value
            self._i = (self._i + 1) % len(self._ring)
        return self._ring[self._i]


FEED_HEADROOM = 0.95  # a feeder is not planned beyond 95 % of its limit (room to make up)
MAKEUP_BAND = 0.02  # a main feeder's shortfall within ±2 % is its own trim's business ...
MAKEUP_TIME_S = 10.0  # ... beyond it, this integral time raises its setpoint
DOUBT_EFFICIENCY = 0.07  # a feeder refilling while ±7 % off what it was asked: flows in doubt


@dataclass(slots=True)
class FeedOutput:
    setpoints_kg_h: list[float]  # per feeder, FEEDERS order
    mixer_in_kg_h: float  # what the feeders deliver plus the trim returning (mass balance)
    film_kg_h: float  # the feedforward, Q_film
    recycle_kg_h: float  # trim returning now
    bank_trim_kg_h: float
    speed_limit_m_min: float = float("inf")  # the fastest the feeders can feed this film
    makeup: float = 0.0  # the main feeder's make-up factor
    lead_kg_h: float = 0.0  # the mixer-inverse lead in the fresh feed
    weighed_s: float = 1e9  # since the flows were last in doubt (see FeedController.step)
    bank_guard_kg_h: float = 0.0  # the high/low bank cut-back or boost


class FeedController:
    """See the module docstring. `step` takes the readings as floats (None when bad)."""

    def __init__(self, config: LineControllerConfig) -> None:
        self.config = c = config
        self.fractions = [c.formulation[f] for f in FEEDERS]
        self.capacity_kg = [c.hopper_capacity_kg.get(f, 0.0) for f in FEEDERS]
        self.bank_sp_kg: float | None = None
        self.trim_integral_kg_h = 0.0
        self.trim_kg_h = 0.0
        self._acting = True
        self._restarted = False  # the feed was stopped since the trim last acted
        self._main_lp: float | None = None
        self._want_lp: float | None = None
        self._target_f: float | None = None  # the fresh-feed target, shaped (mixer inverse)
        self.lead_kg_h = 0.0
        self.weighed_s = 1e9  # since the flows into the mixer were last in doubt
        self.makeup = 0.0
        self._fill0: list[float | None] = [None] * len(FEEDERS)
        self._last_flow: list[float | None] = [None] * len(FEEDERS)
        self._efficiency = [1.0] * len(FEEDERS)  # last weighed flow / asked: a bridge shows
        self._recycle: RateDelay | None = None

    def set_formulation(self, fractions: dict[str, float]) -> None:
        """A recipe's formulation from the next step on (checked like the configuration's)."""
        self.config = dataclasses.replace(self.config, formulation=dict(fractions))
        self.fractions = [self.config.formulation[f] for f in FEEDERS]

    def start(self, bank_kg: float, recycle_cut_kg_h: float) -> None:
        """Latch the bank setpoint and fill the recycle delay (a line in steady state); a bank
        below half the nominal one (cold, or drawn down by a stop) is no setpoint to hold."""
        nominal = self.config.bank_nominal_kg
        self.bank_sp_kg = bank_kg if bank_kg >= 0.5 * nominal else nominal
        self._recycle = RateDelay(self.config.recycle_delay_s, recycle_cut_kg_h)

    def step(
        self,
        *,
        target_mg_cm2: float,
        width_mm: float,
        speed_m_min: float,
        running: bool,
        auto: bool,
        bank_kg: float | None,
        recycle_cut_kg_h: float | None,
        flows_kg_h: list[float | None],
        hoppers_kg: list[float | None],
        refilling: list[bool],
        dt_s: float,
        feed_enabled: bool = True,
    ) -> FeedOutput:
        """`feed_enabled` False: the line runs on without feed (a stop sequence draws the bank
        down); nothing is asked and nothing winds up."""
        c = self.config
        film = feed_total_kg_h(target_mg_cm2, width_mm, speed_m_min) if running else 0.0
        cut = c.trim_width_frac * film if recycle_cut_kg_h is None else recycle_cut_kg_h
        if self._recycle is None:
            self.start(bank_kg if bank_kg is not None else 0.0, cut)
        recycle = self._recycle.step(dt_s, cut)  # type: ignore[union-attr]
        feeding = running and feed_enabled
        if not feeding:  # a stop: the trim's integral of before means nothing after it
            self._restarted = True
        trim = self._bank_trim(bank_kg, film, feeding and auto, dt_s)
        guard = self._bank_guard(bank_kg, film) if feeding else 0.0
        lead = self._lead(film - recycle, feeding, dt_s)
        fresh = max(0.0, self._target_f + lead + trim + guard) if feeding else 0.0
        running = feeding  # from here on: the feeders run

        x = self.fractions
        main = flows_kg_h[0]
        desired = [fresh * xi for xi in x]
        if main is not None and not refilling[0]:
            lp = self._main_lp if self._main_lp is not None else main
            lp += (main - lp) * min(1.0, dt_s / c.minor_follow_time_s)
            self._main_lp = lp
            if running:
                for i in range(1, len(x)):
                    desired[i] = x[i] / x[0] * lp
        makeup = self._make_up(desired[0], main, running and auto and not refilling[0], dt_s)
        setpoints = []
        delivered = 0.0
        lag_s = c.feeder_flow_filter_s
        for i, want in enumerate(desired):
            sp = want * self._refill_factor(i, refilling[i], hoppers_kg[i])
            if i == 0:
                sp *= 1.0 + makeup
            setpoints.append(min(c.feeder_max_kg_h, sp))
            flow, last = flows_kg_h[i], self._last_flow[i]
            asked = want * (1.0 + makeup) if i == 0 else want
            if refilling[i] or flow is None:  # not weighed: as asked, as well as it did
                delivered += asked * self._efficiency[i]
                self._last_flow[i] = None
            else:  # the reading lags the flow by τ_f: Q ≈ Q_liw + τ_f·dQ_liw/dt
                delivered += flow + (lag_s * (flow - last) / dt_s if last is not None else 0.0)
                self._last_flow[i] = flow
                self._efficiency[i] = min(1.5, max(0.0, flow / asked)) if asked > 0.0 else 1.0
        # the fastest the feeders can feed this film: the first to reach its limit decides
        fresh_max = min(c.feeder_max_kg_h / xi for xi in x if xi > 0.0) * FEED_HEADROOM
        per_speed = feed_total_kg_h(target_mg_cm2, width_mm, 1.0) * (1.0 - c.trim_width_frac)
        limit = fresh_max / per_speed if per_speed > 0.0 else float("inf")
        # the mass balance is in doubt while a flow is not weighed and the feeder was not
        # delivering what it was asked before (a bridge), or a reading is bad
        doubt = any(
            f is None or (r and abs(e - 1.0) > DOUBT_EFFICIENCY)
            for f, r, e in zip(flows_kg_h, refilling, self._efficiency, strict=True)
        )
        self.weighed_s = 0.0 if doubt else self.weighed_s + dt_s
        return FeedOutput(
            setpoints,
            delivered + recycle,
            film,
            recycle,
            trim,
            limit,
            makeup,
            lead,
            self.weighed_s,
            guard,
        )

    def _bank_guard(self, bank_kg: float | None, film: float) -> float:
        """−K_g·(B − B_sp·(1 + band)) above the band, +K_g·(B_sp·(1 − band) − B) below it,
        within ±limit·Q_film; 0 inside the band or with no bank reading."""
        c, sp = self.config, self.bank_sp_kg
        if bank_kg is None or sp is None:
            return 0.0
        high, low = sp * (1.0 + c.bank_guard_band_frac), sp * (1.0 - c.bank_guard_band_frac)
        excess = bank_kg - high if bank_kg > high else (bank_kg - low if bank_kg < low else 0.0)
        limit = c.bank_guard_limit_frac * film
        return max(-limit, min(limit, -c.bank_guard_kg_h_per_kg * excess))

    def _lead(self, target_kg_h: float, running: bool, dt_s: float) -> float:
        """Mixer inverse: the target shaped by a first-order τ_f, plus (τ_mix/τ_f)·(Q* − Q*_f)
        so that the mixer's first-order hold-up passes Q*_f out (the bank then only bridges
        τ_f and the conveyor, not the mixer's residence)."""
        c = self.config
        if self._target_f is None or not running:
            self._target_f = target_kg_h
        shaped = self._target_f
        self._target_f = shaped + (target_kg_h - shaped) * min(1.0, dt_s / c.feed_lead_time_s)
        self.lead_kg_h = c.mixer_residence_s / c.feed_lead_time_s * (target_kg_h - shaped)
        return self.lead_kg_h

    def _make_up(self, want: float, flow: float | None, act: bool, dt_s: float) -> float:
        """A main feeder that delivers less than asked for longer than its own trim can make
        up (a bridge deeper than its trim limit) gets a higher setpoint: the shortfall beyond
        a ±2 % band, against the asked flow lagged like the reading, is integrated (10 s)
        into a factor within −20 … +60 %."""
        last = self._want_lp if self._want_lp is not None else want
        lag = self._want_lp = last + (want - last) * min(1.0, dt_s / 1.5)
        if act and flow is not None and lag > 0.0:
            short = (lag - flow) / lag
            if abs(short) > MAKEUP_BAND:
                short -= MAKEUP_BAND if short > 0.0 else -MAKEUP_BAND
                self.makeup = max(-0.2, min(0.6, self.makeup + short * dt_s / MAKEUP_TIME_S))
        return self.makeup

    def _bank_trim(self, bank_kg: float | None, film: float, act: bool, dt_s: float) -> float:
        """Q_bank = K_b·e + I, |Q_bank| ≤ limit·Q_film; the integral stops at the limit
        (anti-windup). While it may not act (manual, stopped, bank reading bad) the last trim
        is held, and the integral is re-based on return so the trim does not jump."""
        c = self.config
        limit = c.bank_trim_limit_frac * film
        if not act or bank_kg is None or self.bank_sp_kg is None:
            self._acting = False
            return max(-limit, min(limit, self.trim_kg_h))
        error = self.bank_sp_kg - bank_kg
        p = c.bank_trim_kg_h_per_kg * error
        if not self._acting:
            if self._restarted:  # the feed restarts from zero: nothing to be bumpless to
                self.trim_integral_kg_h = 0.0
            else:  # back from manual: bumpless, the integral within the trim's authority
                held = max(-limit, min(limit, self.trim_kg_h))
                self.trim_integral_kg_h = max(-limit, min(limit, held - p))
            self._acting, self._restarted = True, False
        candidate = self.trim_integral_kg_h + p / c.bank_trim_time_s * dt_s
        if abs(p + candidate) <= limit or abs(candidate) < abs(self.trim_integral_kg_h):
            self.trim_integral_kg_h = candidate
        self.trim_kg_h = max(-limit, min(limit, p + self.trim_integral_kg_h))
        return self.trim_kg_h

    def _refill_factor(self, i: int, refilling: bool, hopper_kg: float | None) -> float:
        """(1 + k·fill_start)/(1 + k·fill) while feeder i refills, else 1."""
        if not refilling:
            self._fill0[i] = None
            return 1.0
        cap = self.capacity_kg[i]
        if hopper_kg is None or not cap > 0.0:
            return 1.0
        fill = hopper_kg / cap
        if self._fill0[i] is None:
            self._fill0[i] = fill
        k = self.config.feeder_fill_gain
        return (1.0 + k * self._fill0[i]) / (1.0 + k * fill)  # type: ignore[operator]


class SpeedPlan:
    """Feed first, then speed. A faster line draws more film at once, while the powder path
    brings more only after the conveyor and the feed lead: a speed increase is fed at once and
    passed to the drive T_conv + τ_f later (the bank meanwhile gains what it will then lend);
    a decrease goes to the drive at once."""

    __slots__ = ("hold_s", "reference_m_min", "_left_s")

    def __init__(self, hold_s: float, reference_m_min: float = 0.0) -> None:
        self.hold_s = hold_s
        self.reference_m_min = reference_m_min  # to the drive
        self._left_s: float | None = None

    def step(self, wanted_m_min: float, dt_s: float) -> float:
        """Return the speed the feed plans for; `reference_m_min` follows after the hold."""
        if wanted_m_min <= self.reference_m_min + 1e-6:
            self.reference_m_min, self._left_s = wanted_m_min, None
            return wanted_m_min
        if self._left_s is None:
            self._left_s = self.hold_s
        self._left_s -= dt_s
        if self._left_s <= 0.0:
            self.reference_m_min, self._left_s = wanted_m_min, None
        return wanted_m_min
