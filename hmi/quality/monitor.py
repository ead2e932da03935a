"""The quality monitor: a runtime sample sink that turns the gauge's scans into the Quality
screen's map and statistics, cuts rolls and keeps the session's headline totals.

Runs in the control thread (`offer`, every tick): the per-tick path is a few float operations
(speed, power and flows integrated); the work of a scan (statistics, a new view) happens once
per gauge pass (8 s by default). The UI and the plant server read `latest()`: an immutable
`QualityView`, replaced whole, never changed.

A metre of film is judged by the latest completed scan (the gauge's held reading), so off-spec
metres run from the scan that found them to the next scan. Metres are counted from the line
speed at the gauge (film at the gauge; the winder sees the same metres one delay later).
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from hmi.core.cd_profile import read_profile, scans_completed
from hmi.core.tags import FEEDERS, SIDES
from hmi.quality.capability import CapabilityAccumulator
from hmi.quality.film import FilmFigures, Moments
from hmi.quality.kpis import CellAssumption, Kpi, SessionFigures, headline
from hmi.quality.rolls import DEFAULT_ROLL_LENGTH_M, RollMap, RollRecord, RollTracker

MAP_ROWS = 240  # scans kept for the screen's map (32 min at 8 s a pass)
LAST_ROLLS = 12
GAP_SAMPLE_S = 0.1  # gap error sampled at 10 Hz for the accuracy figure
_FEED_KEYS = tuple(f"feeder_{f}_flow_kg_h" for f in FEEDERS)
_GAP_KEYS = tuple((s, f"gap_{s}_um", f"gap_{s}_sp_um") for s in SIDES)
_NAN = math.nan


@dataclass(frozen=True, slots=True)
class RecipeFacts:
    """What the monitor needs of the recipe in force."""

    roll_length_m: float = DEFAULT_ROLL_LENGTH_M
    material: str = "LFP"
    active_frac: float = 0.95


@dataclass(frozen=True, slots=True)
class QualityView:
    scans: int = 0
    has_profile: bool = False
    positions_m: tuple[float, ...] = ()  # metre of each map row (film at the gauge)
    rows: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # scans × zones, mg/cm²
    scan_means: tuple[float, ...] = ()
    profile: tuple[float, ...] = ()  # latest scan, OS → DS
    zone_2sigma: tuple[float, ...] = ()  # current roll
    target_mg_cm2: float = math.nan
    tolerance_pct: float = math.nan
    roll_number: int = 0
    roll_start_m: float = 0.0
    roll_length_m: float = DEFAULT_ROLL_LENGTH_M
    roll_figures: FilmFigures | None = None
    last_rolls: tuple[RollRecord, ...] = ()
    kpis: tuple[Kpi, ...] = ()
    position_m: float = 0.0


class QualityMonitor:
    def __init__(
        self,
        *,
        roll_finished: Callable[[RollRecord, RollMap], None] | None = None,
        recipe: Callable[[], tuple[str, int | None]] | None = None,
        recipe_facts: Callable[[str, int | None], RecipeFacts] | None = None,
        alarms: Callable[[], object] | None = None,
        roll_length_m: float = DEFAULT_ROLL_LENGTH_M,
        tolerance_pct: float = 1.5,
        trim_width_frac: float = 0.03,
        cell: CellAssumption | None = None,
    ) -> None:
        """`trim_width_frac`: the edge trim's share of the web width; a roll's width and area
        are the electrode kept after it (as the emulated line's energy per m² counts them).
        `cell`: the profile's cell for the headline figures (None: the recipe material's)."""
        self.cell = cell
        self._roll_finished = roll_finished
        self._kept = 1.0 - trim_width_frac
        self._recipe = recipe or (lambda: ("", None))
        self._recipe_facts = recipe_facts or (lambda name, version: RecipeFacts(roll_length_m))
        self._alarms = alarms
        self.tracker = RollTracker(roll_length_m, tolerance_pct, self._finished)
        self._facts = RecipeFacts(roll_length_m)
        self._recipe_key: tuple[str, int | None] | None = None
        self._context: tuple[float, float, float] = (math.nan, math.nan, math.nan)
        self._last_t: float | None = None
        self._scans: int | None = None
        self._summary: object = None
        self._active: set[str] = set()
        self._positions: deque[float] = deque(maxlen=MAP_ROWS)
        self._rows: deque[np.ndarray] = deque(maxlen=MAP_ROWS)
        self._means: deque[float] = deque(maxlen=MAP_ROWS)
        self._last_rolls: deque[RollRecord] = deque(maxlen=LAST_ROLLS)
        self._new_roll = threading.Event()
        # session totals (headline figures)
        self.running_s = 0.0
        self.energy_kwh = 0.0
        self.powder_kg = 0.0
        self.trim_kg = 0.0
        self.offspec_m = 0.0
        self._session_mean = Moments()
        self._session_cap = CapabilityAccumulator()
        self._gap = {s: Moments() for s in SIDES}
        self._next_gap_t = 0.0
        self._view = QualityView()

    # ----- any thread -----
    def latest(self) -> QualityView:
        return self._view

    def request_new_roll(self) -> None:
        """Cut a new roll at the next tick (the service checks who may, see service.py)."""
        self._new_roll.set()

    # ----- control thread -----
    def offer(
        self, t_s: float, wall_time: float, values: Mapping[str, float], quality: Mapping[str, int]
    ) -> None:
        dt = 0.0 if self._last_t is None else max(0.0, t_s - self._last_t)
        self._last_t = t_s
        self._follow_recipe(values)
        self._follow_alarms()
        if self._new_roll.is_set():
            self._new_roll.clear()
            self.tracker.new_roll()
        speed = values.get("line_speed_m_min", math.nan)
        metres = speed / 60.0 * dt if math.isfinite(speed) and speed > 0 else 0.0
        power = values.get("line_power_kw", math.nan)
        energy = power * dt / 3600.0 if math.isfinite(power) and power > 0 else 0.0
        feed = 0.0
        for key in _FEED_KEYS:
            feed += values.get(key, 0.0)
        powder = feed * dt / 3600.0 if math.isfinite(feed) and feed > 0 else 0.0
        trim_flow = values.get("recycle_flow_kg_h", math.nan)
        trim = trim_flow * dt / 3600.0 if math.isfinite(trim_flow) and trim_flow > 0 else 0.0
        self.energy_kwh += energy
        self.powder_kg += powder
        self.trim_kg += trim
        if metres > 0:
            self.running_s += dt
            if t_s >= self._next_gap_t:
                self._next_gap_t = t_s + GAP_SAMPLE_S
                for side, gap_key, sp_key in _GAP_KEYS:
                    err = values.get(gap_key, _NAN) - values.get(sp_key, _NAN)
                    if math.isfinite(err):
                        self._gap[side].add(err)
        tracker = self.tracker
        tracker.advance(t_s, wall_time, tracker.position_m + metres, energy_kwh=energy,
                        powder_kg=powder, trim_kg=trim)  # fmt: skip
        scans = scans_completed(values)
        if scans is not None and scans != self._scans:
            first = self._scans is None
            self._scans = scans
            if not first:
                self._scan(values)

    def _follow_recipe(self, values: Mapping[str, float]) -> None:
        key = self._recipe()
        if key != self._recipe_key:
            self._recipe_key = key
            self._facts = self._recipe_facts(*key)
            self.tracker.set_roll_length(self._facts.roll_length_m)
        ctx = (
            values.get("areal_mass_target_mg_cm2", math.nan),
            values.get("web_width_mm", math.nan),
            values.get("areal_mass_tolerance_pct", math.nan),
        )
        if ctx != self._context:
            self._context = ctx
            target, width, tol = ctx
            if math.isfinite(tol) and tol > 0:
                self.tracker.tolerance_pct = tol
            kept = width * self._kept if math.isfinite(width) else 0.0
            self.tracker.set_context(key[0], key[1], target, kept)

    def _follow_alarms(self) -> None:
        if self._alarms is None:
            return
        summary = self._alarms()
        if summary is self._summary:  # the same object until something changes
            return
        self._summary = summary
        active = {a.name for a in getattr(summary, "active", ())}
        for name in sorted(active - self._active):
            self.tracker.alarm_raised(name)
        self._active = active
        self.tracker.active_alarms = tuple(sorted(active))

    def _finished(self, record: RollRecord, roll_map: RollMap) -> None:
        self._last_rolls.appendleft(record)
        self.offspec_m += record.offspec_m
        if self._roll_finished is not None:
            self._roll_finished(record, roll_map)

    def _scan(self, values: Mapping[str, float]) -> None:
        tracker = self.tracker
        mean = values.get("areal_mass_mg_cm2", math.nan)
        thickness = values.get("thickness_um", math.nan)
        zones = read_profile(values)
        position = tracker.position_m
        tracker.judge(mean)
        tracker.add_mean(mean, thickness)
        target = self._context[0]
        if math.isfinite(mean):
            self._session_mean.add(mean)
        if zones is not None:
            tracker.add_zones(position, zones)
            if np.isfinite(zones).all() and target > 0:
                self._session_cap.add_scan((zones / target - 1.0) * 100.0)
            self._positions.append(position)
            self._rows.append(zones)
            self._means.append(mean)
        self._publish(zones)

    def figures(self) -> SessionFigures:
        cap = self._session_cap.result(self.tracker.tolerance_pct)
        roll = self.tracker.current
        offspec = self.offspec_m + (roll.stats.offspec_m if roll is not None else 0.0)
        width = self._context[1] * self._kept
        return SessionFigures(
            running_h=self.running_s / 3600.0,
            length_m=self.tracker.position_m,
            area_m2=self.tracker.position_m * (width / 1000.0 if math.isfinite(width) else 0.0),
            energy_kwh=self.energy_kwh,
            powder_kg=self.powder_kg,
            trim_kg=self.trim_kg,
            offspec_m=offspec,
            mean_mg_cm2=self._session_mean.mean if self._session_mean.n else math.nan,
            active_frac=self._facts.active_frac,
            material=self._facts.material,
            gap_3sigma_um={
                s: abs(m.mean) + 3.0 * m.std() if m.n else math.nan for s, m in self._gap.items()
            },
            areal_mass_2sigma_pct=2.0 * cap.sigma_overall_pct,
            cpk=cap.cpk,
            width_mm=width if math.isfinite(width) else 0.0,
        )

    def _publish(self, zones: np.ndarray | None) -> None:
        roll = self.tracker.current
        figures = roll.stats.figures() if roll is not None else None
        self._view = QualityView(
            scans=self._scans or 0,
            has_profile=zones is not None,
            positions_m=tuple(self._positions),
            rows=np.array(self._rows) if self._rows else np.zeros((0, 0)),
            scan_means=tuple(self._means),
            profile=tuple(float(x) for x in zones) if zones is not None else (),
            zone_2sigma=figures.zone_2sigma_mg_cm2 if figures else (),
            target_mg_cm2=self._context[0],
            tolerance_pct=self.tracker.tolerance_pct,
            roll_number=roll.number if roll is not None else 0,
            roll_start_m=roll.start_m if roll is not None else 0.0,
            roll_length_m=self.tracker.roll_length_m,
            roll_figures=figures,
            last_rolls=tuple(self._last_rolls),
            kpis=tuple(headline(self.figures(), self.cell)),
            position_m=self.tracker.position_m,
        )
