"""The gap setpoint per side: the reference plus the compensations, limited.

Every slow tick the controller plans, per side s,

    base_s = S + o_s + comp_s,      comp_s = thermal + tilt_s + gaugemeter_s

(S the common set-up, o_s the side's offset at start); every tick the eccentricity is added,

    sp_s = clamp(base_s + ecc(θ), gap_min, gap_max), moved at most gap_rate·dt from the last,

and the reference the material should see is published from the setpoint actually sent:
ref_s = sp_s − comp_s − ecc. So a limited setpoint limits the reference too: the model's areal
mass (which uses the reference) knows the gap it really gets.
"""

from __future__ import annotations

from hmi.control.config import LineControllerConfig


class GapSetpoints:
    __slots__ = (
        "config", "offsets_um", "ref_um", "sp_um", "base_um", "comp_um", "common_um",
        "recovery_rate_um_s", "recovery_left_s",
    )  # fmt: skip

    def __init__(self, config: LineControllerConfig) -> None:
        self.config = config
        self.offsets_um = [0.0, 0.0]
        self.ref_um = [0.0, 0.0]
        self.sp_um = [0.0, 0.0]
        self.base_um = [0.0, 0.0]  # sp before the eccentricity compensation and limits
        self.comp_um = [0.0, 0.0]  # thermal + tilt + gaugemeter per side
        self.common_um = 0.0  # the common set-up last planned
        self.recovery_rate_um_s: float | None = None  # slew of the set-up while recovering
        self.recovery_left_s = 0.0  # ... at least this much longer

    def start(self, positions_um: list[float], thermal_um: float) -> float:
        """Bumpless: the setpoints stay where the actuators are; the material sees the
        positions plus the rolls' thermal growth. Returns the mean effective gap."""
        effective = [p + thermal_um for p in positions_um]
        mean = 0.5 * (effective[0] + effective[1])
        self.offsets_um = [e - mean for e in effective]
        self.ref_um = effective
        self.sp_um = list(positions_um)
        self.base_um = list(positions_um)
        self.comp_um = [-thermal_um, -thermal_um]
        self.common_um = mean
        return mean

    @property
    def mean_ref_um(self) -> float:
        return 0.5 * (self.ref_um[0] + self.ref_um[1])

    def recover(self, rate_um_s: float | None, time_s: float = 0.0) -> None:
        """Slew the common set-up at `rate_um_s` for at least `time_s` and until it has caught
        up (a lost link returned); None ends it (an operator's new grade goes at full rate)."""
        self.recovery_rate_um_s = rate_um_s
        self.recovery_left_s = time_s if rate_um_s is not None else 0.0

    def plan(
        self, common_um: float, compensations_um: tuple[float, float], dt_s: float = 0.0
    ) -> float:
        """The slow part: the common set-up and each side's compensations. While recovering
        from a lost link the common set-up moves from the last one at most
        `recovery_rate_um_s`·dt. Returns the common set-up used."""
        rate = self.recovery_rate_um_s
        if rate is not None:
            last, step = self.common_um, rate * dt_s
            limited = last + min(step, max(-step, common_um - last))
            self.recovery_left_s -= dt_s
            if self.recovery_left_s <= 0.0 and abs(common_um - limited) < 1e-9:
                self.recovery_rate_um_s = None  # caught up: the normal rate from here
            common_um = limited
        self.common_um = common_um
        for i in (0, 1):
            self.comp_um[i] = compensations_um[i]
            self.base_um[i] = common_um + self.offsets_um[i] + compensations_um[i]
        return common_um

    def step(self, ecc_um: float, dt_s: float) -> None:
        """The fast part: add the eccentricity, limit range and rate, publish the reference."""
        c = self.config
        max_move = c.gap_rate_um_s * dt_s
        lo, hi = c.gap_min_um, c.gap_max_um
        sp_um, ref_um, base_um, comp_um = self.sp_um, self.ref_um, self.base_um, self.comp_um
        down = -max_move
        for i in (0, 1):
            # min(hi, max(lo, x)) written out (every tick): max(lo, x) is x only if x > lo,
            # min(hi, y) is y only if y < hi — NaN included
            wanted = base_um[i] + ecc_um
            wanted = wanted if wanted > lo else lo
            wanted = wanted if wanted < hi else hi
            last = sp_um[i]
            move = wanted - last
            move = move if move > down else down
            sp = last + (move if move < max_move else max_move)
            sp_um[i] = sp
            ref_um[i] = sp - comp_um[i] - ecc_um
