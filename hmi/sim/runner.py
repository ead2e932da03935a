"""Run a scenario: the emulated line, the runtime and a controller on the simulated clock.

The same Runtime and controller code as the app; only the clock differs. Events act at their
time between ticks: plant disturbances through the plant's `disturb` facade, setpoint events
as commands (as an operator would enter them), a communication loss through the emulated link.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Mapping

from hmi.alarms import AlarmEngine, load_definitions
from hmi.alarms.report import AlarmReport
from hmi.control import DEFAULT_CONTROLLER, make_controller
from hmi.hardware.config import (
    EmulatedSection,
    LineSection,
    ProfileConfig,
    ProfileSection,
    StartupSection,
)
from hmi.hardware.emulated import EmulatedProfile
from hmi.plant import MATERIALS, Equipment, Line
from hmi.runtime import (
    Clock,
    InjectFault,
    Runtime,
    SimClock,
    StartLine,
    StopLine,
    WriteSetpoint,
)
from hmi.sim.rolls import RunRolls
from hmi.sim.scenario import Event, Scenario
from hmi.sim.startup import StartupTracker
from hmi.sim.stats import SIDES, RunStatistics, Sample, TargetTrack

SAMPLE_EVERY_TICKS = 10  # product statistics at 10 Hz
ZONES_EVERY_SAMPLES = 10  # CD profile at 1 Hz
SETPOINT_EVENTS = {
    "speed_change": ("line_speed_sp_m_min", "line_speed_m_min"),
    "grade_change": ("areal_mass_target_mg_cm2", "areal_mass_mg_cm2"),
}

Progress = Callable[[float], None]
_ROLL_FIELDS = ("roll_expansion_per_k", "roll_diameter_mm")
_GAP_REF = tuple((s, f"gap_{s}_ref_um") for s in SIDES)  # names made once, not per sample


def profile_config(scenario: Scenario) -> ProfileConfig:
    recipe = scenario.recipe
    material = MATERIALS[recipe.material]
    # the controller knows the machine a scenario overrides (same field names as the plant's;
    # the thermal gap coefficient is the rolls' −α·D)
    known = {k: v for k, v in scenario.equipment.items() if k in LineSection.model_fields}
    rolls = {k: v for k, v in scenario.equipment.items() if k in _ROLL_FIELDS}
    if rolls:
        known["thermal_gap_um_per_k"] = Equipment(**rolls).thermal_gap_um_per_k
    line = LineSection(**known)
    return ProfileConfig(
        profile=ProfileSection(name=f"scenario: {scenario.scenario.name}", driver="emulated"),
        startup=StartupSection(
            recipe_name=recipe.name or scenario.scenario.name,
            areal_mass_target_mg_cm2=recipe.areal_mass_mg_cm2,
            line_speed_sp_m_min=recipe.line_speed_m_min,
            web_width_mm=recipe.width_mm,
            running=True,
            formulation=recipe.formulation or material.fractions,
        ),
        line=line,
        emulated=EmulatedSection(
            material=recipe.material, seed=scenario.scenario.seed, equipment=scenario.equipment
        ),
    )


class _Collector:
    """A runtime sample sink that reads the plant's true state every few ticks."""

    def __init__(
        self,
        profile: EmulatedProfile,
        stats: RunStatistics,
        track: TargetTrack,
        startup: StartupTracker,
        rolls: RunRolls | None = None,
    ):
        self.line = profile.line
        self.rolls = rolls
        self.stats = stats
        self.track = track
        self.startup = startup
        self._last_position_m = -1.0
        self.gauge_distance_m = profile.equipment.gauge_distance_m
        self._ticks = 0

    def offer(self, t_s: float, wall_time: float, values: Mapping[str, float], quality) -> None:
        self._ticks += 1
        if self._ticks % SAMPLE_EVERY_TICKS:
            return
        line = self.line
        self.track.set(line.web_position_m, values["areal_mass_target_mg_cm2"])
        gauge_pos = line.web_position_m - self.gauge_distance_m
        with_zones = (self._ticks // SAMPLE_EVERY_TICKS) % ZONES_EVERY_SAMPLES == 0
        target = self.track.at(gauge_pos)
        error_pct = (line.true_areal_mass_at_gauge_mg_cm2 / target - 1.0) * 100.0
        self.startup.add(t_s, gauge_pos, error_pct, line.bank_mass_kg)
        moved = line.web_position_m != self._last_position_m
        self._last_position_m = line.web_position_m
        if not moved:  # a standing web makes no product: its film is not judged again
            if self.rolls is not None:  # its heat still belongs to the roll under way
                self.rolls.sample(t_s, gauge_pos, target, values)
            return
        zones = line.true_gauge_zones_mg_cm2() if with_zones else None
        if self.rolls is not None:
            self.rolls.sample(t_s, gauge_pos, target, values,
                              line.true_areal_mass_at_gauge_mg_cm2,
                              line.true_thickness_at_gauge_um, zones)  # fmt: skip
        self.stats.add(
            Sample(
                t_s=t_s,
                gauge_position_m=gauge_pos,
                target=target,
                mean_mg_cm2=line.true_areal_mass_at_gauge_mg_cm2,
                zones_mg_cm2=zones,
                thickness_um=line.true_thickness_at_gauge_um,
                gap_error_um={
                    s: line.effective_gap_um[s] - values.get(ref, math.nan) for s, ref in _GAP_REF
                },
            )
        )


def _apply(event: Event, runtime: Runtime, startup: StartupTracker, line: Line) -> None:
    kind = event.type
    if kind == "line_stop":
        runtime.submit(StopLine("scenario", event.kind))  # type: ignore[union-attr]
    elif kind == "line_start":
        runtime.submit(StartLine("scenario"))
        startup.start(event.at_s, line.web_position_m)
    elif kind in SETPOINT_EVENTS:
        tag, field_name = SETPOINT_EVENTS[kind]
        runtime.submit(WriteSetpoint(tag, getattr(event, field_name), user="scenario"))
    else:  # through the runtime's queue, as an engineer's injection from a screen would go
        params = event.model_dump(exclude={"type", "at_s"})
        runtime.submit(InjectFault(kind, params, user="scenario"))


def _alarms_to(report: AlarmReport, rolls: RunRolls) -> Callable[[object], None]:
    """Alarm events to the run's alarm report, and each raise to the roll it happened in."""

    def offer(event) -> None:  # type: ignore[no-untyped-def]
        report.offer(event)
        if str(event.event) == "raised":
            rolls.tracker.alarm_raised(event.alarm)

    return offer


def run_scenario(
    scenario: Scenario,
    controller: str = DEFAULT_CONTROLLER,
    progress: Progress | None = None,
    clock: Clock | None = None,
) -> dict[str, object]:
    """Run the scenario to its end and return the statistics (see hmi.sim.stats). `clock`
    defaults to the simulated one; a RealClock runs it in real time (benchmarks/fieldbus.py
    compares that with the same run over the wire)."""
    config = profile_config(scenario)
    profile = EmulatedProfile(config)
    cold = scenario.scenario.start == "stopped"
    if cold:
        profile.start_cold()
    track = TargetTrack()
    track.set(-1e9, scenario.recipe.areal_mass_mg_cm2)
    events = scenario.timeline()
    stats = RunStatistics(
        startup_s=scenario.scenario.startup_s,
        tolerance_pct=scenario.recipe.tolerance_pct,
        settle_band_pct=scenario.scenario.settle_band_pct or scenario.recipe.tolerance_pct / 3,
        scan_time_s=getattr(profile.equipment, "gauge_scan_time_s", 8.0),
        event_times_s=[e.at_s for e in events],
        segment_times_s=[e.at_s for e in events if e.type in SETPOINT_EVENTS],
    )
    startup = StartupTracker(scenario.recipe.tolerance_pct)
    rolls = RunRolls(
        scenario.recipe.roll_length_m,
        scenario.recipe.tolerance_pct,
        scenario.recipe.name or scenario.scenario.name,
        scenario.recipe.width_mm,
        config.line.trim_width_frac,
    )
    alarm_report = AlarmReport()
    runtime = Runtime(
        profile,
        make_controller(
            controller,
            config.startup.formulation,
            config.line.gauge_distance_m,
            config.line.model_dump(),
        ),
        clock=clock if clock is not None else SimClock(),
        recipe_name=scenario.scenario.name,
        trend_capacity=1000,
        trend_period_s=math.inf,  # nobody reads a scenario run's live trends: one row at t=0
        sinks=[_Collector(profile, stats, track, startup, rolls)],
        running=not cold,
        alarms=AlarmEngine(load_definitions(), _alarms_to(alarm_report, rolls)),
    )
    duration = scenario.scenario.duration_s
    started = time.perf_counter()
    now = 0.0
    for at_s in [e.at_s for e in events] + [duration]:
        while now < at_s - 1e-9:  # in slices, so the progress bar moves
            step = min(at_s - now, max(duration / 100, 1.0))
            runtime.run_for(step)
            now += step
            if progress:
                progress(now / duration)
        for event in [e for e in events if e.at_s == at_s]:
            _apply(event, runtime, startup, profile.line)
    elapsed = time.perf_counter() - started
    snap = runtime.latest()
    line = profile.line
    area = getattr(line, "electrode_area_m2", 0.0)
    return {
        "scenario": scenario.scenario.name,
        "controller": controller,
        "seed": scenario.scenario.seed,
        "duration_s": duration,
        **stats.summary(duration),
        **startup.summary(),
        "powder_scrap_kg": round(line.scrap_powder_kg, 2),
        # energy while the web moves per m² made; a standing line's heat apart (standby)
        "energy_kwh_per_m2": round(line.energy_kwh_per_m2, 6) if area > 0 else None,
        "standby_energy_kwh": round(line.standby_kwh, 3),
        "sim_speed_x_realtime": round(duration / elapsed, 1),
        "loop_faults": snap.timing.faults if snap else None,
        **alarm_report.summary(),
        "roll_length_m": scenario.recipe.roll_length_m,
        "rolls": rolls.summary(),
    }


def terminal_progress(stream=sys.stderr) -> Progress | None:
    """A one-line progress bar on a terminal; nothing when output is not a terminal."""
    if not stream.isatty():
        return None

    def show(fraction: float) -> None:
        filled = int(fraction * 40)
        stream.write(f"\r[{'#' * filled}{'.' * (40 - filled)}] {fraction * 100:5.1f} %")
        if fraction >= 1:
            stream.write("\n")
        stream.flush()

    return show
