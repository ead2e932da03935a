"""The emulated line as a hardware profile: wraps the plant model, steps it once per read."""

from __future__ import annotations

import dataclasses
from math import isfinite

from hmi.core.cd_profile import profile_values
from hmi.core.process import Outputs, ProcessImage, Quality
from hmi.core.tags import FEEDERS, SIDES
from hmi.hardware.base import CommunicationError, HardwareProfile
from hmi.hardware.config import STARTUP_SETPOINTS, ProfileConfig, ProfileError
from hmi.plant import MATERIALS, Equipment, Line, LineCommands

# Setpoint tag -> the equipment field the emulated line applies it to (a recipe's settings).
PROCESS_SETTINGS = {
    "roll_temperature_sp_c": "roll_temperature_c",
    "densify_line_load_sp_kn_mm": "densify_line_load_kn_mm",
    "laminate_line_load_sp_kn_mm": "laminate_line_load_kn_mm",
    "laminate_temperature_sp_c": "laminate_temperature_c",
    "hopper_refill_request_sp_frac": "hopper_refill_request_frac",
    "hopper_refill_complete_sp_frac": "hopper_refill_complete_frac",
}
_SETTING_TAGS = tuple(PROCESS_SETTINGS)
_FEEDER_SP = tuple((f, f"feeder_{f}_sp_kg_h") for f in FEEDERS)  # names made once, not a tick
_GAP_SP = tuple((s, f"gap_{s}_sp_um") for s in SIDES)
MAX_SUBSTEP_S = 0.01  # the plant integrates in steps no longer than this, whatever the tick


class EmulatedProfile(HardwareProfile):
    def __init__(self, config: ProfileConfig) -> None:
        self.name = config.profile.name
        self._config = config
        self._profile_key: tuple[int, str | None] | None = None
        self._profile: dict[str, float] = {}
        self._profile_finite = True
        # all-good quality of one read's keys (the plant's, always the same, + the profile's),
        # copied per read: a copy of a dict of that shape is cheaper than building it anew
        self._all_good: dict[str, Quality] = {}
        self._all_good_for: tuple[object, int] | None = None
        known = {f.name for f in dataclasses.fields(Equipment)}
        unknown = sorted(set(config.emulated.equipment) - known)
        if unknown:
            raise ProfileError(
                f"emulated.equipment: unknown field(s) {', '.join(unknown)}; "
                f"known: {', '.join(sorted(known))}"
            )
        # The emulated machine is as wide as the film and its gauge where the profile says,
        # unless the equipment section deliberately says otherwise (a set-up error to train on).
        geometry = {
            "width_mm": config.startup.web_width_mm,
            "gauge_distance_m": config.line.gauge_distance_m,
        }
        self.equipment = Equipment(**(geometry | config.emulated.equipment))
        self._last_settings: dict[str, float] = {}
        self._last_setting_values: tuple[object, ...] | None = None  # as written last time
        self._eq: Equipment | None = None  # the line's equipment after the last settings
        self.material = MATERIALS[config.emulated.material]
        start = config.startup
        self.line = Line.at_steady_state(
            self.material,
            self.equipment,
            areal_mass_mg_cm2=start.areal_mass_target_mg_cm2,
            line_speed_m_min=start.line_speed_sp_m_min if start.running else 0.0,
            seed=config.emulated.seed,
        )
        self.line.running = start.running  # what the first read says of the drive
        self._commands = LineCommands(
            feeder_sp_kg_h=dict(self.line.steady_feed_kg_h),
            gap_sp_um={s: self.line.steady_gap_um for s in SIDES},
            line_speed_sp_m_min=start.line_speed_sp_m_min if start.running else 0.0,
            run=start.running,
        )
        self._connected = False
        self._last_t_s: float | None = None
        self._link_down_until_s = -1.0

    def connect(self) -> None:
        self._connected = True

    def disconnect(self) -> None:
        self._connected = False

    @property
    def connected(self) -> bool:
        return self._connected

    @property
    def commands(self) -> LineCommands:
        """What the plant is being told to do now (the PLC simulator serves these)."""
        return self._commands

    def initial_setpoints(self) -> dict[str, float]:
        start = {name: getattr(self._config.startup, name) for name in STARTUP_SETPOINTS}
        eq = self.equipment
        return start | {tag: getattr(eq, field) for tag, field in PROCESS_SETTINGS.items()}

    def comm_loss(self, duration_s: float) -> None:
        """Drop the link for `duration_s` from the last read. The emulated PLC's defined safe
        state on a lost link is hold: gaps, feed rates and speed keep their last commands."""
        if duration_s <= 0:
            raise ValueError(f"duration_s: {duration_s} must be > 0")
        self._link_down_until_s = (self._last_t_s or 0.0) + duration_s

    def inject(self, kind: str, params: dict[str, object]) -> None:
        """Apply a disturbance by its scenario name: the link's own faults here, the line's
        physics through the plant's `disturb` facade."""
        if kind == "comm_loss":
            self.comm_loss(**params)
            return
        method = getattr(self.line.disturb, kind, None)
        if kind.startswith("_") or not callable(method):
            raise ValueError(f"no disturbance named {kind!r}")
        method(**params)

    def _link_down(self) -> bool:
        return self._last_t_s is not None and self._last_t_s < self._link_down_until_s

    def read(self, t_s: float) -> ProcessImage:
        if not self._connected:
            raise CommunicationError(f"{self.name}: not connected")
        self._advance(t_s)  # the line runs on whether or not we can see it
        if self._link_down():
            raise CommunicationError(f"{self.name}: link timeout")
        values = self.line.measurements()
        finite = all(map(isfinite, values.values()))  # at C speed; the profile's below, once
        # the gauge's CD profile rides along under its own keys (hmi/core/cd_profile.py): the
        # profile of the last completed pass, built once per pass (as the scan mean is held)
        gauge = self.line.gauge
        key = (gauge.scans_completed, gauge.fault_mode)
        if key != self._profile_key:
            self._profile_key = key
            self._profile = profile_values(gauge.profile_mg_cm2, gauge.scans_completed)
            self._profile_finite = all(map(isfinite, self._profile.values()))
        values.update(self._profile)
        # a value the instrument could not give (NaN from a faulted gauge) is bad, as a PLC
        # driver would flag it; everything else the emulated link delivers is good
        if finite and self._profile_finite:  # the common case
            layout = (self._profile, len(values))  # the same keys (the plant's are fixed)
            if layout != self._all_good_for:
                self._all_good = dict.fromkeys(values, Quality.GOOD)
                self._all_good_for = layout
            quality = self._all_good  # shared: an image's maps are read-only (Mapping)
        else:
            quality = {k: Quality.GOOD if isfinite(v) else Quality.BAD for k, v in values.items()}
        return ProcessImage(t_s, values, quality)

    def _advance(self, t_s: float) -> None:
        if self._last_t_s is not None:
            remaining = t_s - self._last_t_s
            while remaining > 1e-12:
                dt = min(MAX_SUBSTEP_S, remaining)
                self.line.step(dt, self._commands)
                remaining -= dt
        self._last_t_s = t_s

    def write(self, outputs: Outputs) -> None:
        if not self._connected or self._link_down():
            raise CommunicationError(f"{self.name}: link timeout")
        v = outputs.values
        # the setting tags as last written, onto the same equipment: nothing below would change
        # (a recipe's settings change a few times a shift, the write comes every tick)
        written = tuple(map(v.get, _SETTING_TAGS))
        if written != self._last_setting_values or self.line.equipment is not self._eq:
            settings = {f: v[t] for t, f in PROCESS_SETTINGS.items() if t in v and isfinite(v[t])}
            # the same settings onto the same equipment object again change nothing: skip them
            if settings and (
                settings != self._last_settings or self.line.equipment is not self._eq
            ):
                self.line.set_process_settings(**settings)
                self._last_settings, self._eq = settings, self.line.equipment
            self._last_setting_values = written
        old = self._commands
        feeds, gaps = old.feeder_sp_kg_h, old.gap_sp_um
        self._commands = LineCommands(  # by position: keywords cost ~0.15 µs a tick
            {f: v.get(name, feeds[f]) for f, name in _FEEDER_SP},  # feeder_sp_kg_h
            {s: v.get(name, gaps[s]) for s, name in _GAP_SP},  # gap_sp_um
            v.get("line_speed_out_m_min", old.line_speed_sp_m_min),
            bool(v.get("line_run_cmd", float(old.run))),
            bool(v.get("mixer_divert_cmd", float(old.divert))),
        )

    def start_cold(self) -> None:
        """Make the emulated line a cold one (stopped; feeders, mixer, conveyor and bank empty;
        gaps parked; rolls at temperature): a scenario that starts from cold."""
        self.line = Line(self.material, self.equipment, self._config.emulated.seed)
        self._profile_key = None  # a new gauge: its passes count from 0 again
        park = self.equipment.gap_initial_um
        self._commands = LineCommands(
            feeder_sp_kg_h=dict.fromkeys(FEEDERS, 0.0),
            gap_sp_um=dict.fromkeys(SIDES, park),
            line_speed_sp_m_min=0.0,
            run=False,
        )
