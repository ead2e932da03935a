"""Set-up model of the powder-fed nip, grade changes and the off-spec count.

Intake: the nip draws a film whose width-mean areal mass is proportional to the mean unloaded
gap S̄ and to how full the bank is,

    m = c · φ(B) · S̄,     φ(B) = 1 − exp(−B / B_c)              (mg/cm², µm, kg)

c the intake per µm of gap at a full bank (powder bulk density × intake coefficient). The
set-up inverts it for the target: S = m* / (c·φ(B)). With the measured bank in φ this is a
feedforward: a bank that grows (the mixer still discharging the old grade) draws more, and the
gap closes as it does. c starts from the first reading, c0 = m0 / (φ(B0)·S̄0), and is then
adapted from the mass balance (massbalance.py) once per roll revolution,

    c ← c · (1 + λ·(m_mb / m̂_block − 1))

so a denser powder, a gap that is not where the model thinks, or a bank law that is a little
off are absorbed within a few revolutions, without waiting for the gauge. One block moves c at
most 3 %, and only while every feeder's flow has been weighed for two mixer residence times:
after a refill the mixer holds powder whose flow was not weighed, and a disagreement is then
taken as an error of the modelled hold-up instead (massbalance.py).

Grade change: when the target changes the set-up target ramps to it over `ramp_s` (the gap
follows at its rate limit), the gauge loop's mismatch is rescaled to the new grade (a relative
error carries over) and the gauge is given two scans of grace for the film of both grades
under it. The off-spec count judges each scan against the target in force when that film was
made at the nip (targets tracked by web position) and adds the web length of the scans
outside tolerance.
"""

from __future__ import annotations

from math import exp

ADAPT_STEP_LIMIT = 0.03  # one revolution block moves the intake estimate at most 3 %


class IntakeModel:
    __slots__ = ("bank_scale_kg", "c0", "c")

    def __init__(self, bank_scale_kg: float) -> None:
        self.bank_scale_kg = bank_scale_kg
        self.c0 = self.c = 0.0

    def phi(self, bank_kg: float) -> float:
        """φ(B) = 1 − exp(−B/B_c), the share of a full bank's intake (0 for an empty bank)."""
        return 1.0 - exp(-bank_kg / self.bank_scale_kg) if bank_kg > 0.0 else 0.0

    def calibrate(self, areal_mass_mg_cm2: float, bank_kg: float, gap_um: float) -> None:
        """c0 = m0 / (φ(B0)·S̄0)."""
        denominator = self.phi(bank_kg) * gap_um
        self.c0 = self.c = areal_mass_mg_cm2 / denominator if denominator > 0.0 else 0.0

    def rebase(self, areal_mass_mg_cm2: float, bank_kg: float, gap_um: float, limit: float) -> None:
        """c = m / (φ(B)·S̄), within ±`limit` (a share) of the present c: the intake that makes
        the model say `areal_mass_mg_cm2` at this gap and bank (a link that returns)."""
        denominator = self.phi(bank_kg) * gap_um
        if denominator > 0.0 and areal_mass_mg_cm2 > 0.0 and self.c > 0.0:
            wanted = areal_mass_mg_cm2 / denominator
            self.c = max(self.c * (1.0 - limit), min(self.c * (1.0 + limit), wanted))

    def areal_mass(self, gap_um: float, bank_kg: float) -> float:
        """m̂ = c·φ(B)·S̄."""
        return self.c * self.phi(bank_kg) * gap_um

    def gap(self, areal_mass_mg_cm2: float, bank_kg: float, commissioned: bool = False) -> float:
        """S = m / (c·φ(B)); with `commissioned`, the first calibration's c0 instead of c."""
        k = (self.c0 if commissioned else self.c) * self.phi(bank_kg)
        return areal_mass_mg_cm2 / k if k > 0.0 else 0.0

    def adapt(self, measured_mg_cm2: float, modelled_mg_cm2: float, gain: float) -> None:
        """c ← c·(1 + λ·(measured/modelled − 1)), one step at most ±3 % (the intake does not
        change faster; a block that says more is partly a bad flow reading)."""
        if modelled_mg_cm2 > 0.0 and measured_mg_cm2 > 0.0:
            step = gain * (measured_mg_cm2 / modelled_mg_cm2 - 1.0)
            self.c *= 1.0 + max(-ADAPT_STEP_LIMIT, min(ADAPT_STEP_LIMIT, step))


class GradeTracker:
    """The set-up target with its ramp, and the off-spec count by web position."""

    __slots__ = (
        "ramp_s", "target", "setup_target", "changed", "offspec_m", "grade_offspec_m",
        "_from", "_ramp_left_s", "_marks",
    )  # fmt: skip

    def __init__(self, ramp_s: float) -> None:
        self.ramp_s = ramp_s
        self.target: float | None = None
        self.setup_target = 0.0
        self.changed = False  # a new target this step
        self.offspec_m = 0.0
        self.grade_offspec_m = 0.0
        self._from = 0.0
        self._ramp_left_s = 0.0
        self._marks: list[tuple[float, float]] = []  # (web position at the nip, target)

    def start(self, target: float, from_mg_cm2: float, position_m: float) -> None:
        """Begin at `from_mg_cm2` (what the line makes now) and ramp to `target`."""
        self.target = target
        self._marks = [(-1e12, target)]
        self._from = from_mg_cm2
        self.setup_target = from_mg_cm2
        self._ramp_left_s = self.ramp_s if from_mg_cm2 != target else 0.0

    def step(self, target: float, position_m: float, dt_s: float) -> float:
        """Follow the target; return the set-up target (ramping after a change)."""
        self.changed = target != self.target
        if self.changed:
            self._from = self.setup_target
            self.target = target
            self._ramp_left_s = self.ramp_s
            self._marks.append((position_m, target))
            del self._marks[:-8]
            self.grade_offspec_m = 0.0
        if self._ramp_left_s > 0.0:
            self._ramp_left_s = max(0.0, self._ramp_left_s - dt_s)
            share = 1.0 - self._ramp_left_s / self.ramp_s if self.ramp_s > 0.0 else 1.0
            self.setup_target = self._from + (target - self._from) * share
        else:
            self.setup_target = target
        return self.setup_target

    def target_at(self, position_m: float) -> float:
        """The target in force when the nip made the film at `position_m`."""
        for at, value in reversed(self._marks):
            if position_m >= at:
                return value
        return self._marks[0][1]

    def judge(self, reading: float, film_at_m: float, length_m: float, tolerance_pct: float):
        """Count `length_m` of film as off-spec if the scan misses its target by more than
        the tolerance."""
        target = self.target_at(film_at_m)
        if target > 0.0 and abs(reading / target - 1.0) * 100.0 > tolerance_pct:
            self.offspec_m += length_m
            self.grade_offspec_m += length_m
