"""Cutting the film into rolls (coils) and what each roll came out as.

A roll is the film between two cuts, counted in metres of film at the gauge from the start of
production: roll k holds [start_m, start_m + length) with length = the recipe's roll length
(or less, when an operator asks for a new roll; the cut is then at the metre the request was
seen). The winder sits after the gauge, so the metres at the gauge are the metres wound, one
transport delay later.

The tracker is told how far the film has come (`advance`), with the time and the totals that
grow with it (energy, powder fed, trim recycled). A cut that falls inside a step is placed at
its exact metre; the time and the totals of that step are split in proportion to the metres
on either side (exact for a step of constant speed, power and flow — the control tick). So a
roll's length is exactly the roll length whatever the speed did, and no metre, kWh or kg is
counted twice or lost between two rolls.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np

from hmi.quality.film import FilmFigures, FilmStats

DEFAULT_ROLL_LENGTH_M = 2000.0  # the recipe's default (hmi/recipes/model.py)


@dataclass(frozen=True, slots=True)
class RollRecord:
    """One roll, as it is stored (roll_store.py) and reported (report.py)."""

    number: int  # 1, 2, ... within the production run (the store gives the lasting id)
    start_wall: float
    end_wall: float
    start_t_s: float
    end_t_s: float
    recipe: str
    recipe_version: int | None
    start_m: float  # metres of film at the gauge since production started
    length_m: float
    width_mm: float  # electrode kept: the web width less the edge trim
    area_m2: float
    target_mg_cm2: float
    tolerance_pct: float
    mean_mg_cm2: float
    mean_error_pct: float
    md_2sigma_mg_cm2: float
    cd_2sigma_mg_cm2: float
    overall_2sigma_mg_cm2: float
    overall_2sigma_pct: float
    cp: float | None
    cpk: float | None
    pp: float | None
    ppk: float | None
    thickness_mean_um: float
    thickness_2sigma_um: float
    offspec_m: float
    offspec_ranges_m: tuple[tuple[float, float], ...]
    alarms: tuple[str, ...]  # alarms raised during the roll, by name
    energy_kwh: float
    energy_kwh_per_m2: float
    powder_kg: float
    trim_recycled_kg: float
    cut: str  # "length" (the recipe's roll length) or "operator" (a new roll asked for)
    scans: int  # zone profiles the CD figures and the capability rest on
    mean_samples: int  # width-mean readings the mean, MD and thickness figures rest on
    zone_2sigma_mg_cm2: tuple[float, ...] = ()
    cd_profile_mg_cm2: tuple[float, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class RollMap:
    """The CD × MD map of one roll: one row per scan, zones across (mg/cm²), at its metre."""

    positions_m: list[float] = field(default_factory=list)  # relative to the roll's start
    rows: list[np.ndarray] = field(default_factory=list)

    def as_array(self) -> np.ndarray:
        return np.array(self.rows) if self.rows else np.zeros((0, 0))


@dataclass
class _Open:
    number: int
    start_m: float
    start_t_s: float
    start_wall: float
    recipe: str
    recipe_version: int | None
    stats: FilmStats
    target: float
    width_mm: float
    map: RollMap = field(default_factory=RollMap)
    alarms: list[str] = field(default_factory=list)
    energy_kwh: float = 0.0
    powder_kg: float = 0.0
    trim_kg: float = 0.0


Finished = Callable[[RollRecord, RollMap], None]


def _r(x: float, digits: int = 4) -> float:
    return round(float(x), digits) if math.isfinite(x) else math.nan


def _ri(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


class RollTracker:
    """Folds the film into the roll under way; calls `finished` at each cut."""

    def __init__(
        self,
        roll_length_m: float,
        tolerance_pct: float,
        finished: Finished,
        *,
        start_m: float = 0.0,
        first_number: int = 1,
    ) -> None:
        if not roll_length_m > 0:
            raise ValueError(f"Roll length: {roll_length_m} m must be more than 0 m")
        self.roll_length_m = roll_length_m
        self.tolerance_pct = tolerance_pct
        self._finished = finished
        self.position_m = start_m
        self.t_s = 0.0
        self.wall = 0.0
        self._next = first_number
        self._roll: _Open | None = None
        self._context = ("", None, 0.0, 0.0)  # recipe, version, target, width
        self._new_roll_asked = False
        self._offspec = False
        self._started = False
        self.active_alarms: tuple[str, ...] = ()  # still active at a cut: the new roll's too

    # ----- what the line is making -----
    def set_context(
        self, recipe: str, version: int | None, target_mg_cm2: float, width_mm: float
    ) -> None:
        self._context = (recipe, version, target_mg_cm2, width_mm)
        if self._roll is not None:
            self._roll.target, self._roll.width_mm = target_mg_cm2, width_mm

    def set_roll_length(self, roll_length_m: float) -> None:
        """From the next cut on (a recipe loaded mid-roll cuts its own length from its start)."""
        if roll_length_m > 0:
            self.roll_length_m = roll_length_m

    def new_roll(self) -> None:
        """An operator's cut, made at the next advance."""
        self._new_roll_asked = True

    @property
    def current(self) -> _Open | None:
        return self._roll

    # ----- the film moving on -----
    def judge(self, mean_mg_cm2: float) -> None:
        """The width-mean reading that judges the metres advanced from now on: off-spec when
        its error is beyond the tolerance (a NaN reading judges nothing off-spec)."""
        target = self._context[2]
        self._offspec = (
            math.isfinite(mean_mg_cm2)
            and target > 0
            and abs((mean_mg_cm2 / target - 1.0) * 100.0) > self.tolerance_pct
        )

    def advance(
        self,
        t_s: float,
        wall: float,
        position_m: float,
        *,
        energy_kwh: float = 0.0,
        powder_kg: float = 0.0,
        trim_kg: float = 0.0,
    ) -> None:
        """The film has come to `position_m` at `t_s`; the totals grew by these amounts."""
        if not self._started:  # the first roll starts at the first time we are told
            self._started = True
            self.t_s, self.wall = t_s, wall
        t0, w0, p0 = self.t_s, self.wall, self.position_m
        if self._roll is None:
            self._open(p0, t0, w0)
        if self._new_roll_asked and position_m > p0:
            self._new_roll_asked = False
            self._close(p0, t0, w0, "operator")
            self._open(p0, t0, w0)
        step = position_m - p0
        done = 0.0  # fraction of this step already given to a roll
        while step > 0:
            assert self._roll is not None
            end = self._roll.start_m + self.roll_length_m
            if position_m < end - 1e-9:
                break
            frac = (end - p0) / step
            self._piece(frac - done, p0 + done * step, end, energy_kwh, powder_kg, trim_kg)
            done = frac
            t_cut, w_cut = t0 + frac * (t_s - t0), w0 + frac * (wall - w0)
            self._close(end, t_cut, w_cut, "length")
            self._open(end, t_cut, w_cut)
        if step > 0:
            self._piece(1.0 - done, p0 + done * step, position_m, energy_kwh, powder_kg, trim_kg)
        else:  # a standing web: its heat and flows still belong to the roll under way
            self._piece(1.0, p0, p0, energy_kwh, powder_kg, trim_kg)
        self.t_s, self.wall = t_s, wall
        self.position_m = max(position_m, p0)

    def _piece(
        self, share: float, a_m: float, b_m: float, energy: float, powder: float, trim: float
    ) -> None:
        roll = self._roll
        if roll is None or share <= 0:
            return
        roll.energy_kwh += share * energy
        roll.powder_kg += share * powder
        roll.trim_kg += share * trim
        if self._offspec and b_m > a_m:
            roll.stats.mark_offspec(a_m, b_m)

    # ----- what the gauge saw -----
    def add_mean(self, mean_mg_cm2: float, thickness_um: float) -> None:
        """A width-mean reading of the film now at the gauge, into the roll under way."""
        if self._roll is not None:
            self._roll.stats.add_mean(mean_mg_cm2, self._roll.target, thickness_um)

    def add_zones(self, position_m: float, zones: np.ndarray) -> None:
        roll = self._roll
        if roll is None:
            return
        roll.stats.add_zones(zones, roll.target)
        roll.map.positions_m.append(position_m - roll.start_m)
        roll.map.rows.append(np.asarray(zones, dtype=float))

    def alarm_raised(self, name: str) -> None:
        if self._roll is not None and name not in self._roll.alarms:
            self._roll.alarms.append(name)

    def finish(self, cut: str = "end of run") -> None:
        """Close the roll under way where the film is now (a run's end: the part roll)."""
        if self._roll is not None and self.position_m > self._roll.start_m:
            self._close(self.position_m, self.t_s, self.wall, cut)

    # ----- cuts -----
    def _open(self, start_m: float, t_s: float, wall: float) -> None:
        recipe, version, target, width = self._context
        stats = FilmStats(self.tolerance_pct, origin_m=start_m)
        self._roll = _Open(self._next, start_m, t_s, wall, recipe, version, stats, target, width)
        self._roll.alarms.extend(self.active_alarms)
        self._next += 1

    def _close(self, end_m: float, t_s: float, wall: float, cut: str) -> None:
        roll = self._roll
        assert roll is not None
        length = end_m - roll.start_m
        f: FilmFigures = roll.stats.figures()
        c = f.capability
        area = length * roll.width_mm / 1000.0
        record = RollRecord(
            number=roll.number,
            start_wall=roll.start_wall,
            end_wall=wall,
            start_t_s=_r(roll.start_t_s, 3),
            end_t_s=_r(t_s, 3),
            recipe=roll.recipe,
            recipe_version=roll.recipe_version,
            start_m=_r(roll.start_m, 3),
            length_m=_r(length, 3),
            width_mm=roll.width_mm,
            area_m2=_r(area, 3),
            target_mg_cm2=roll.target,
            tolerance_pct=self.tolerance_pct,
            mean_mg_cm2=_r(f.mean_mg_cm2),
            mean_error_pct=_r(f.mean_error_pct),
            md_2sigma_mg_cm2=_r(f.md_2sigma_mg_cm2),
            cd_2sigma_mg_cm2=_r(f.cd_2sigma_mg_cm2),
            overall_2sigma_mg_cm2=_r(f.overall_2sigma_mg_cm2),
            overall_2sigma_pct=_r(f.overall_2sigma_pct),
            cp=_ri(c.cp),
            cpk=_ri(c.cpk),
            pp=_ri(c.pp),
            ppk=_ri(c.ppk),
            thickness_mean_um=_r(f.thickness_mean_um, 3),
            thickness_2sigma_um=_r(f.thickness_2sigma_um, 3),
            offspec_m=_r(f.offspec_m, 3),
            offspec_ranges_m=f.offspec_ranges_m,
            alarms=tuple(roll.alarms),
            energy_kwh=_r(roll.energy_kwh, 4),
            energy_kwh_per_m2=_r(roll.energy_kwh / area, 5) if area > 0 else math.nan,
            powder_kg=_r(roll.powder_kg, 3),
            trim_recycled_kg=_r(roll.trim_kg, 3),
            cut=cut,
            scans=f.scans,
            mean_samples=f.mean_samples,
            zone_2sigma_mg_cm2=tuple(_r(x) for x in f.zone_2sigma_mg_cm2),
            cd_profile_mg_cm2=tuple(_r(x) for x in f.cd_profile_mg_cm2),
        )
        self._roll = None
        self._finished(record, roll.map)
