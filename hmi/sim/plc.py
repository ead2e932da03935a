"""The line PLC simulator: the emulated plant, scanned in real time, behind a Modbus TCP
server, a Modbus RTU slave or an OPC UA server with the map of the profile it is given
(hmi/sim/plc_wire.py).

It behaves as the PLC program docs/fieldbus.md asks of a real one:
- every scan it publishes the measured tags and counts `plc_heartbeat` up;
- it takes the outputs the HMI writes and commands the plant with them;
- once the HMI's watchdog has moved, a watchdog frozen for `heartbeat.timeout_s` puts the
  plant in the profile's safe state (HMI writes are ignored) until the watchdog moves again.
Before the HMI has ever been seen, the plant holds its start-up commands.

With a scenario it plays the plant events in real time and keeps the same product statistics
as `hmi sim run` (setpoint events are the HMI's to enter; the PLC tracks the target the HMI
writes to it).
"""

from __future__ import annotations

import sys
import threading
import time

from hmi.core.priority import SIMULATOR, raise_this_thread
from hmi.core.process import Outputs
from hmi.core.tags import FEEDERS, SIDES
from hmi.hardware.base import CommunicationError
from hmi.hardware.config import ProfileConfig
from hmi.hardware.emulated import EmulatedProfile
from hmi.hardware.fieldbus import HMI_WATCHDOG, PLC_HEARTBEAT
from hmi.hardware.modbus_settings import ModbusSettings
from hmi.hardware.opcua_settings import OpcUaSettings
from hmi.sim.plc_wire import wire_for
from hmi.sim.runner import SETPOINT_EVENTS, _Collector
from hmi.sim.scenario import Scenario
from hmi.sim.startup import StartupTracker
from hmi.sim.stats import RunStatistics, TargetTrack

__all__ = ["PlcSimulator"]


class PlcSimulator:
    def __init__(
        self,
        config: ProfileConfig,
        settings: ModbusSettings | OpcUaSettings,
        *,
        plant_config: ProfileConfig | None = None,
        scenario: Scenario | None = None,
        period_s: float = 0.01,
    ) -> None:
        self.settings = settings
        self.plant = EmulatedProfile(plant_config or config)
        self.plant.connect()
        self.period_s = period_s
        self.wire = wire_for(settings)
        self.endpoint = self.wire.endpoint
        self._reads, self._writes = self.wire.reads, self.wire.writes
        self.freeze_heartbeat = False  # fault injection: a PLC whose program stopped scanning
        self.safe_state_active = False
        self.scans = 0
        self.scan_errors = 0
        self.safe_state_seen = 0  # times the PLC went to its safe state (frozen watchdog)
        self._was_safe = False
        self._heartbeat = 0
        self._watchdog: float | None = None
        self._watchdog_changed_s: float | None = None
        self._t0 = 0.0
        self._stopped_at: float | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._seed_outputs(config)
        self.scenario = scenario
        self._events = list(scenario.timeline()) if scenario else []
        self.stats: RunStatistics | None = None
        if scenario is not None:
            self._track = TargetTrack()
            self._track.set(-1e9, scenario.recipe.areal_mass_mg_cm2)
            self.stats = RunStatistics(
                startup_s=scenario.scenario.startup_s,
                tolerance_pct=scenario.recipe.tolerance_pct,
                settle_band_pct=scenario.scenario.settle_band_pct
                or scenario.recipe.tolerance_pct / 3,
                scan_time_s=getattr(self.plant.equipment, "gauge_scan_time_s", 8.0),
                event_times_s=[e.at_s for e in self._events],
                segment_times_s=[e.at_s for e in self._events if e.type in SETPOINT_EVENTS],
            )
            self.startup = StartupTracker(scenario.recipe.tolerance_pct)
            self._collector = _Collector(self.plant, self.stats, self._track, self.startup)

    # ----- life cycle -----
    def start(self) -> None:
        self.wire.start()
        self._t0 = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="plc-scan", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5.0)
        self._stopped_at = time.monotonic()
        self.wire.stop()

    @property
    def started_at(self) -> float:
        """time.monotonic() when the scans started: the scenario's zero."""
        return self._t0

    def elapsed_s(self) -> float:
        return (self._stopped_at or time.monotonic()) - self._t0

    # ----- the PLC program -----
    def _seed_outputs(self, config: ProfileConfig) -> None:
        """Output registers start at what the plant is doing, as a PLC keeps its last values."""
        values = self._commanded() | {
            "areal_mass_target_mg_cm2": config.startup.areal_mass_target_mg_cm2,
        }
        values |= {f"gap_{s}_ref_um": self.plant.line.steady_gap_um for s in SIDES}
        for name in self._writes:
            if name in values:
                self._put(name, values[name])

    def _commanded(self) -> dict[str, float]:
        c = self.plant.commands
        values = {f"feeder_{f}_sp_kg_h": c.feeder_sp_kg_h[f] for f in FEEDERS}
        values |= {f"gap_{s}_sp_um": c.gap_sp_um[s] for s in SIDES}
        values |= {"line_speed_out_m_min": c.line_speed_sp_m_min, "line_run_cmd": float(c.run)}
        return values

    def _put(self, name: str, value: float) -> None:
        self.wire.put(name, value)

    def _get(self, name: str) -> float:
        return self.wire.get(name)

    def _run(self) -> None:
        raise_this_thread(SIMULATOR)  # a PLC's scan is its real-time task (priority.py)
        k = 0
        while not self._stop.is_set():
            deadline = self._t0 + k * self.period_s
            delay = deadline - time.monotonic()
            if delay > 0:
                self._stop.wait(delay)
            try:  # plant time on the scan grid: the plant steps in whole 10 ms, as in-process
                self.scan(k * self.period_s)
            except Exception as exc:  # a PLC keeps scanning; say what went wrong, once
                self.scan_errors += 1
                if self.scan_errors == 1:
                    print(f"hmi plc serve: scan failed: {exc!r}", file=sys.stderr, flush=True)
            k = max(k + 1, int((time.monotonic() - self._t0) / self.period_s))

    def scan(self, t_s: float) -> None:
        self._play_events(t_s)
        try:
            image = self.plant.read(t_s)
        except CommunicationError:
            image = None
        if image is not None:
            for name in self._reads:
                value = image.values.get(name, float("nan"))
                if value == value:  # a NaN instrument keeps its register (and goes stale)
                    self._put(name, value)
        if not self.freeze_heartbeat:
            self._heartbeat = (self._heartbeat + 1) & 0xFFFF
            self._put(PLC_HEARTBEAT, self._heartbeat)
        wanted = {name: self._get(name) for name in self._writes}
        self.safe_state_active = self._watchdog_frozen(t_s)
        self.safe_state_seen += self.safe_state_active and not self._was_safe
        self._was_safe = self.safe_state_active
        if self.safe_state_active:  # commands hold, the safe ones apply; the rest is info
            wanted = wanted | self._commanded() | dict(self.settings.safe_state)
        self.plant.write(Outputs(wanted))
        self.wire.end_scan()
        if self.stats is not None:
            self._collector.offer(t_s, time.time(), wanted, {})
        self.scans += 1

    def _watchdog_frozen(self, t_s: float) -> bool:
        if self.freeze_heartbeat:
            return self.safe_state_active  # a stopped PLC program changes nothing
        watchdog = self._get(HMI_WATCHDOG)
        if self._watchdog is None:
            self._watchdog = watchdog
        elif watchdog != self._watchdog:
            self._watchdog, self._watchdog_changed_s = watchdog, t_s
        if self._watchdog_changed_s is None:  # no HMI seen yet: hold the start-up commands
            return False
        return t_s - self._watchdog_changed_s > self.settings.heartbeat.timeout_s

    def _play_events(self, t_s: float) -> None:
        while self._events and self._events[0].at_s <= t_s:
            event = self._events.pop(0)
            if event.type in SETPOINT_EVENTS or event.type == "comm_loss":
                continue  # the HMI enters setpoints; the wire's own faults are the test's
            self.plant.inject(event.type, event.model_dump(exclude={"type", "at_s"}))

    def report(self) -> dict[str, object]:
        """The scenario statistics (the same fields as `hmi sim run`); call after stop()."""
        if self.stats is None or self.scenario is None:
            return {"scans": self.scans}
        line = self.plant.line
        area = getattr(line, "electrode_area_m2", 0.0)
        duration = min(self.elapsed_s(), self.scenario.scenario.duration_s)
        return {
            "scenario": self.scenario.scenario.name,
            "seed": self.scenario.scenario.seed,
            "duration_s": round(duration, 1),
            "over": self.endpoint,
            **self.stats.summary(duration),
            "energy_kwh_per_m2": round(line.energy_kwh / area, 6) if area > 0 else None,
            "plc_scans": self.scans,
            "plc_scan_errors": self.scan_errors,
            "plc_safe_state_seen": self.safe_state_seen,
        }
