"""The gauge against the raw mass balance: a disagreement the controller's adaptation cannot
hide (issue 9, item 4).

The controller adapts its intake c and the gauge loop's mismatch d̂ until the gauge reads the
target, so a gauge that reads 2 % low is soon followed: the model and the gauge agree again,
and the film is 2 % heavy. The mass balance itself (massbalance.py: the film drawn per roll
revolution from the weighed feeder flows, the recycled trim and the bank, m_mb) does not
depend on c or d̂. Taken to the gauge the way the Smith predictor takes the model — written at
the nip by web position, read back L metres later, averaged over a scan — it says what the
gauge should read if both are right:

    ŷ_mb  = mean over the last T_scan of m_mb(x − L)
    e_k   = 100 · (y_k − ŷ_mb) / m*                            % of target, per believed scan
    D     ← D + λ_D · (e_k − D)                                the disagreement, filtered

While the flows are in doubt (a refill, a bad flow reading: feed.py `weighed_s`), on a scan of
mixed grades, while the web stands or shortly after a lost link, nothing is learned. When |D|
stays beyond `limit_pct` for `delay_s` the check latches "gauge_mass_balance_disagree": the
condition stays, whatever D does next (the controller adapting, the fault going), until an
engineer resolves it (`resolve`: the gauge was checked and found right, or recalibrated).
"""

from __future__ import annotations

from hmi.control.deadtime import SmithPredictor

CONDITION = "gauge_mass_balance_disagree"


class GaugeBalanceCheck:
    __slots__ = (
        "limit_pct", "delay_s", "gain", "smith", "block_mg_cm2", "disagreement_pct", "latched",
        "_over_s", "_holdoff_s",
    )  # fmt: skip

    def __init__(
        self,
        *,
        gauge_distance_m: float,
        scan_time_s: float,
        initial_mg_cm2: float,
        gain: float,
        limit_pct: float,
        delay_s: float,
    ) -> None:
        self.limit_pct = limit_pct
        self.delay_s = delay_s
        self.gain = gain  # λ_D, share of a scan's disagreement taken
        self.smith = SmithPredictor(gauge_distance_m, scan_time_s, gain, initial_mg_cm2)
        self.block_mg_cm2 = initial_mg_cm2  # the last revolution's m_mb (held between blocks)
        self.disagreement_pct = 0.0  # D
        self.latched = False
        self._over_s = 0.0
        self._holdoff_s = 0.0

    def advance(self, dx_m: float, dt_s: float, block_mg_cm2: float | None) -> None:
        """The web moved `dx_m`; `block_mg_cm2` is a revolution block that just closed (or
        None: the last one holds). Also counts how long |D| has been beyond the limit."""
        if block_mg_cm2 is not None and block_mg_cm2 > 0.0:
            self.block_mg_cm2 = block_mg_cm2
        self.smith.advance(dx_m, dt_s, self.block_mg_cm2)
        self._holdoff_s = max(0.0, self._holdoff_s - dt_s)
        if abs(self.disagreement_pct) > self.limit_pct:
            self._over_s += dt_s
            if self._over_s >= self.delay_s:
                self.latched = True
        else:
            self._over_s = 0.0

    def expected_mg_cm2(self) -> float:
        """ŷ_mb: what the gauge should read by the mass balance."""
        return self.smith.window.average()

    def on_scan(self, reading_mg_cm2: float, target_mg_cm2: float, usable: bool) -> None:
        """A believed scan: D ← D + λ_D·(e − D), unless the mass balance cannot say."""
        if not usable or self._holdoff_s > 0.0 or not target_mg_cm2 > 0.0:
            return
        error = (reading_mg_cm2 - self.expected_mg_cm2()) / target_mg_cm2 * 100.0
        self.disagreement_pct += self.gain * (error - self.disagreement_pct)

    def hold_off(self, seconds: float) -> None:
        """Learn nothing for `seconds` (the web on its way holds film the check did not see)."""
        self._holdoff_s = max(self._holdoff_s, seconds)

    def resolve(self) -> None:
        """An engineer resolved it: the latch opens; D is kept and judged afresh."""
        self.latched = False
        self._over_s = 0.0

    @property
    def condition(self) -> str:
        return CONDITION if self.latched else ""
