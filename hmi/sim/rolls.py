"""The rolls of a scenario run: the same roll tracker as the app (hmi/quality/rolls.py), fed
from the same samples as the run's statistics (the plant's true state at the gauge), so a
roll's figures and the run's agree over the same film.

Per sample (10 Hz): the sample's width mean judges the stretch since the previous sample (as
the run statistics do), then the film advances to the sample's metre and the sample's values
go into the roll under way; energy, powder fed and trim recycled are the measured line power
and flows over the sample's interval. The part roll at the end of the run is closed as
"end of run" so the rolls cover the whole film.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from hmi.core.tags import FEEDERS
from hmi.quality.rolls import RollMap, RollRecord, RollTracker

_OMIT = ("zone_2sigma_mg_cm2", "cd_profile_mg_cm2")  # per-zone lists: in the store, not JSON


class RunRolls:
    def __init__(
        self,
        roll_length_m: float,
        tolerance_pct: float,
        recipe: str,
        width_mm: float,
        trim_width_frac: float = 0.03,
    ):
        self.records: list[RollRecord] = []
        self.tracker = RollTracker(roll_length_m, tolerance_pct, self._finished)
        self._recipe, self._width = recipe, width_mm
        self._kept = 1.0 - trim_width_frac  # a roll is the electrode kept after the edge trim
        self._last_t: float | None = None

    def _finished(self, record: RollRecord, roll_map: RollMap) -> None:
        self.records.append(record)

    def sample(
        self,
        t_s: float,
        position_m: float,
        target: float,
        values: Mapping[str, float],
        mean: float | None = None,
        thickness_um: float = math.nan,
        zones: np.ndarray | None = None,
    ) -> None:
        dt = 0.0 if self._last_t is None else t_s - self._last_t
        self._last_t = t_s
        tracker = self.tracker
        width = values.get("web_width_mm", self._width) * self._kept
        tracker.set_context(self._recipe, None, target, width)
        if mean is not None:
            tracker.judge(mean)
        power = max(0.0, values.get("line_power_kw", 0.0))
        feed = sum(max(0.0, values.get(f"feeder_{f}_flow_kg_h", 0.0)) for f in FEEDERS)
        trim = max(0.0, values.get("recycle_flow_kg_h", 0.0))
        tracker.advance(t_s, t_s, max(position_m, tracker.position_m),
                        energy_kwh=power * dt / 3600, powder_kg=feed * dt / 3600,
                        trim_kg=trim * dt / 3600)  # fmt: skip
        if mean is not None:
            tracker.add_mean(mean, thickness_um)
        if zones is not None:
            tracker.add_zones(position_m, zones)

    def summary(self) -> list[dict[str, object]]:
        self.tracker.finish()
        out = []
        for r in self.records:
            row = {k: v for k, v in r.as_dict().items() if k not in _OMIT}
            out.append({k: _json(v) for k, v in row.items()})
        return out


def _json(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, tuple):
        return [_json(v) for v in value]
    return value
