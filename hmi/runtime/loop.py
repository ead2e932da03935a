"""The control loop: read → control → write → publish, on absolute deadlines, in its own thread.

Only this thread touches the hardware profile and the controller. Everything else sends
commands through a thread-safe queue and reads the latest immutable snapshot. A fault in a tick
(driver timeout, NaN, controller exception) becomes bad quality, a held output and a message —
the loop never dies of it.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import numpy as np

from hmi.alarms.engine import AlarmEngine
from hmi.alarms.model import AlarmSummary
from hmi.control.base import ControlInputs, Controller, ControlResult
from hmi.core.heap import freeze_heap, thaw_heap
from hmi.core.priority import raise_this_thread
from hmi.core.process import Outputs, ProcessImage, Quality
from hmi.core.tags import TagKind, names
from hmi.hardware.base import HardwareProfile
from hmi.runtime import retain
from hmi.runtime.alarming import OverrunMonitor
from hmi.runtime.clock import Clock, RealClock
from hmi.runtime.commands import Command
from hmi.runtime.dispatch import CommandDispatch
from hmi.runtime.manual import ManualStation, SetpointRamps
from hmi.runtime.retain import RetainedState
from hmi.runtime.sequences import LineSequencer, Plan, SequenceConfig, sequence_config_for
from hmi.runtime.snapshot import Snapshot, TickStats, snapshot_from
from hmi.runtime.trend import TrendBuffer

DEFAULT_PERIOD_S = 0.01  # 100 Hz
_NO_ALARMS = AlarmSummary()
# CPython hands the GIL between threads every 5 ms by default, so a woken control thread may
# wait that long behind the UI thread's Python code (pyqtgraph paints in Python). A shorter
# interval bounds that wait; measured in `make bench` (trends animating).
GIL_SWITCH_INTERVAL_S = 0.0005


class SampleSink(Protocol):
    def offer(
        self, t_s: float, wall_time: float, values: Mapping[str, float], quality: Mapping[str, int]
    ) -> None: ...


class Runtime(RetainedState, CommandDispatch):
    def __init__(
        self,
        profile: HardwareProfile,
        controller: Controller,
        *,
        clock: Clock | None = None,
        period_s: float = DEFAULT_PERIOD_S,
        setpoints: Mapping[str, float] | None = None,
        running: bool = True,
        recipe_name: str = "",
        trend_tags: Sequence[str] | None = None,
        trend_period_s: float = 0.1,
        trend_capacity: int = 12_000,
        stats_window: int = 6_000,
        sinks: Iterable[SampleSink] = (),
        alarms: AlarmEngine | None = None,
        sequences: SequenceConfig | None = None,
        ramps: SetpointRamps | None = None,
        retained: retain.RetainedStoreLike | None = None,
    ) -> None:
        """`running`: whether the line runs at start when nothing is retained (tests, scenario
        runs); with a `retained` store the line itself says so at the first read (retain.py).
        `sequences`: the start/stop sequences' settings (default: from the controller's
        configuration). `ramps`: the setpoint ramps (default: line speed 2 m/min per s)."""
        if period_s <= 0:
            raise ValueError(f"period_s: {period_s} must be > 0")
        self.profile = profile
        self.controller = controller
        self.clock: Clock = clock or RealClock()
        self.period_s = period_s
        self.recipe_name = recipe_name
        self.recipe_version: int | None = None
        self._recipe_setpoints: dict[str, float] = {}  # what the loaded recipe set
        self._setpoints = {n: float("nan") for n in names(TagKind.SETPOINT)}
        self._setpoints.update(profile.initial_setpoints())
        self._setpoints.update(setpoints or {})
        self._running = running
        self._mode = "auto"
        control_config = getattr(controller, "config", None)
        formulation = dict(getattr(control_config, "formulation", {}) or {})
        self.sequencer = LineSequencer(
            sequences or sequence_config_for(control_config),
            formulation,
            running=running,
            trim_width_frac=getattr(control_config, "trim_width_frac", 0.03),
        )
        self._formulation = formulation
        self._plan = Plan(running)
        self.manual = ManualStation()
        self.ramps = ramps or SetpointRamps()
        self._working: dict[str, float] = {}
        self._retained_store = retained
        self._restored: retain.Restored | None = None
        self._restored_text = ""
        self._decided = retained is None  # the line's state at start is known
        self._dirty = False
        self._retained_key: tuple[object, ...] = ()
        if retained is not None:
            self._restore(retained)
        self._commands: queue.SimpleQueue[Command] = queue.SimpleQueue()
        self._messages: deque[str] = deque(maxlen=20)
        self._sinks = list(sinks)
        self.alarms = alarms  # evaluated every tick, in this thread
        self._overrun = OverrunMonitor()  # sustained overruns: a flag for the alarm engine
        self.overrun_log: deque[tuple[float, float]] = deque(maxlen=256)  # (clock s, late s)
        self._read_failed = False
        self._measured = names(TagKind.MEASURED) + names(TagKind.STATUS)

        # Trends sample at 10 Hz, not every tick: a screen shows at most ~1200 points across,
        # and every point copied and drawn is GIL time taken from this loop.
        self.trend = TrendBuffer(trend_tags or self._all_tags(), trend_capacity)
        self._trend_period_s = trend_period_s
        self._next_trend_t = 0.0
        self.reset_lateness_window(stats_window)
        self._ticks = 0
        self._overruns = 0
        self._faults = 0
        self._percentiles_ms = (0.0, 0.0, 0.0)  # p50, p99, max over the window
        # np.percentile imports numpy.ma the first time it sorts (np.unique): 20-40 ms of import,
        # with PySide's import hook reading source files, that stalled the control thread on its
        # first late tick (faulthandler dump in make bench-trends). Paid here, before the loop.
        np.percentile(np.array([0.0, 1.0]), (50, 99))
        self._last_result: ControlResult | None = None
        self._last_t_s: float | None = None
        self._t0: float | None = None
        self._k = 0  # index of the next deadline: t0 + k·period
        self._wall_t0 = time.time()

        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # the control thread asks for a real-time class on the real clock (priority.py)
        self.realtime_priority = True
        self.control_priority = "not started"  # what it got, in words
        self.heap_frozen = 0  # objects the collector leaves alone while the loop runs (heap.py)
        # the latest tick's snapshot parts, and the snapshot built from them (see `latest`)
        self._parts: tuple | None = None
        self._built: tuple[tuple, Snapshot] | None = None

    # ----- public, thread-safe -----
    def submit(self, command: Command) -> None:
        self._commands.put(command)

    def latest(self) -> Snapshot | None:
        """The latest tick's snapshot, built on the first call after that tick (any thread:
        the parts are one tuple replaced whole, so a reader never sees two ticks mixed)."""
        parts = self._parts
        if parts is None:
            return None
        built = self._built
        if built is not None and built[0] is parts:
            return built[1]
        snap = snapshot_from(parts)
        self._built = (parts, snap)
        return snap

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("runtime already started")
        self.profile.connect()
        self._stop.clear()
        if sys.getswitchinterval() > GIL_SWITCH_INTERVAL_S:
            sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
        self.heap_frozen = freeze_heap()  # no full collector pass over it while the loop runs
        self._thread = threading.Thread(
            target=self._control_thread, name="control-loop", daemon=True
        )
        self._thread.start()

    def _control_thread(self) -> None:
        # Only a thread that sleeps between ticks may run real-time: a simulated clock never does.
        if self.realtime_priority and isinstance(self.clock, RealClock):
            got = raise_this_thread()
            self.control_priority = got.text
            if not got.raised:
                self._note(f"Control loop at {got.text}")
        else:
            self.control_priority = "normal priority"
        self._run()

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None
            thaw_heap()
        self.profile.disconnect()

    @property
    def is_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # ----- synchronous driving, for the simulated clock (tests, scenario runs) -----
    def run_for(self, seconds: float) -> Snapshot | None:
        """Run the loop in the calling thread for `seconds` of runtime clock, then return."""
        if self._thread is not None:
            raise RuntimeError("run_for: runtime is running in its thread")
        if not self.profile.connected:
            self.profile.connect()
        self._run(until_s=seconds)
        return self.latest()

    # ----- the loop -----
    def _all_tags(self) -> tuple[str, ...]:
        return names(TagKind.MEASURED) + names(TagKind.OUTPUT) + names(TagKind.SETPOINT)

    def _run(self, until_s: float | None = None) -> None:
        clock, period = self.clock, self.period_s
        if self._t0 is None:
            self._t0 = clock.now()
        stop_at = None if until_s is None else clock.now() + until_s
        while not self._stop.is_set():
            deadline = self._t0 + self._k * period
            if stop_at is not None and deadline > stop_at + 1e-9:
                break
            clock.sleep_until(deadline)
            now = clock.now()
            late = now - deadline
            if late >= period:  # whole deadlines were missed: count them and do not replay them
                missed = int(late // period)
                self._overruns += missed
                self._k += missed
                self._overrun.missed(now - self._t0, missed)
                self.overrun_log.append((now, late))
            self._tick(now - self._t0, late)
            self._k += 1

    def _tick(self, t_s: float, late_s: float) -> None:
        self._lateness[self._ticks % len(self._lateness)] = late_s
        if late_s:
            self._late_seen = True
        self._ticks += 1
        if self._ticks % 50 == 0 or self._ticks == 1:  # percentiles cost ~0.1 ms: not every tick
            self._update_percentiles()
        self._drain_commands()
        dt = self.period_s if self._last_t_s is None else max(t_s - self._last_t_s, 1e-9)
        self._last_t_s = t_s

        image = self._read(t_s)
        if not self._decided and not self._read_failed and self._line_says(image):
            self._decide(image)
        last = self._last_result.conditions if self._last_result is not None else ()
        link_ok = not self._read_failed and "link_lost" not in last
        self._plan = plan = self.sequencer.plan(image, self._setpoints, last, dt, link_ok)
        self._running = plan.running
        while self.sequencer.notes:
            self._note(self.sequencer.notes.pop(0))
        result = self._control(image, dt, plan)
        outputs = dict(result.outputs)
        self.manual.apply(outputs, dt, plan.running)
        outputs.update(plan.outputs)  # a sequence's outputs over everything
        if self._decided:  # until the line has said whether it runs, nothing is written
            self._write(outputs)
        self._publish(t_s, image, result, outputs)
        self._retain()

    def _read(self, t_s: float) -> ProcessImage:
        try:
            image = self.profile.read(t_s)
            self._read_failed = False
            return image
        except Exception as exc:  # a lost link is bad quality, never a dead loop
            self._read_failed = True
            self._fault(f"read failed: {exc}")
            nan = float("nan")
            return ProcessImage(
                t_s, dict.fromkeys(self._measured, nan), dict.fromkeys(self._measured, Quality.BAD)
            )

    def _control(self, image: ProcessImage, dt: float, plan: Plan) -> ControlResult:
        working = self.ramps.step(self._setpoints, dt)
        if plan.speed_sp_m_min is not None:  # a sequence drives the speed
            working["line_speed_sp_m_min"] = plan.speed_sp_m_min
            self.ramps.follow("line_speed_sp_m_min", plan.speed_sp_m_min)
        self._working = {k: working[k] for k in self.ramps.rates}
        # until the outputs are back with the controller its feedback stays held: it must not
        # integrate against outputs it does not set (manual.py)
        mode = "manual" if self.manual.active or self.manual.transferring else self._mode
        inputs = ControlInputs(working, plan.running, mode, plan.feed_enabled)
        try:
            result = self.controller.step(image, inputs, dt)
        except Exception as exc:
            self._fault(f"controller {self.controller.name} failed: {exc}")
            result = self._last_result or ControlResult({}, {}, ("controller_fault",))
        self._last_result = result
        return result

    def _write(self, outputs: dict[str, float]) -> None:
        try:
            # setpoints ride along so a PLC can show and record them (a fieldbus profile
            # sends the tags its map names; the emulated line takes its commands only)
            self.profile.write(Outputs(self._setpoints | outputs))
        except Exception as exc:
            self._fault(f"write failed: {exc}")

    def _publish(
        self, t_s: float, image: ProcessImage, result: ControlResult, outputs: dict[str, float]
    ) -> None:
        values = dict(image.values)
        values.update(outputs)
        values.update(self._setpoints)
        wall = self._wall_t0 + t_s
        alarms = self._evaluate_alarms(t_s, wall, values, image, result)
        p50, p99, worst = self._percentiles_ms
        self._parts = (  # Snapshot's fields in order, TickStats' in place of timing
            self._ticks,
            t_s,
            wall,
            self._running,
            self._mode,
            self.recipe_name,
            values,
            quality if type(quality := image.quality) is dict else dict(quality),  # shared
            dict(result.corrections),
            self.period_s,
            self._ticks,
            self._overruns,
            p50,
            p99,
            worst,
            self._faults,
            tuple(self._messages),
            alarms,
            self.recipe_version,
            # modified: a recipe value not (or no longer) among the setpoints, at C speed
            not self._recipe_setpoints.items() <= self._setpoints.items(),
            self.sequencer.state(),
            self.manual.state(),
            self._working,  # a new dict every tick, never changed after
            self._restored_text,
        )
        if t_s >= self._next_trend_t - 1e-9:
            self.trend.append(t_s, values)
            self._next_trend_t = t_s + self._trend_period_s
        for sink in self._sinks:
            try:
                sink.offer(t_s, wall, values, image.quality)
            except Exception as exc:
                self._fault(f"sample sink failed: {exc}")

    def _evaluate_alarms(
        self,
        t_s: float,
        wall: float,
        values: dict[str, float],
        image: ProcessImage,
        result: ControlResult,
    ) -> AlarmSummary:
        engine = self.alarms
        if engine is None:
            return _NO_ALARMS
        flags: tuple[str, ...] = result.conditions + self._plan.conditions
        late = self._overrun.active(t_s)
        if late or self._read_failed:
            flags += ("overrun",) * late + ("link_lost",) * self._read_failed
        try:
            engine.evaluate(t_s, wall, values, image.quality, flags, self._running)
        except Exception as exc:  # an alarm bug must not stop the line
            self._fault(f"alarm evaluation failed: {exc}")
        return engine.summary()

    def _fault(self, message: str) -> None:
        self._faults += 1
        self._note(message)

    def _note(self, message: str) -> None:
        if not self._messages or self._messages[-1] != message:
            self._messages.append(message)

    def reset_lateness_window(self, ticks: int) -> None:
        """A fresh lateness window `ticks` long: the percentiles from then on (benchmarks
        measure exactly one window)."""
        self._lateness = np.zeros(ticks)
        self._late_seen = False  # a late tick since: only then are the percentiles sorted

    def _update_percentiles(self) -> None:
        if not self._late_seen:  # never late (a simulated clock): every figure is 0, no sort
            self._percentiles_ms = (0.0, 0.0, 0.0)
            return
        n = min(self._ticks, len(self._lateness))
        window_ms = self._lateness[:n] * 1000.0
        p50, p99 = np.percentile(window_ms, (50, 99))
        self._percentiles_ms = (float(p50), float(p99), float(window_ms.max()))

    def _timing(self) -> TickStats:
        p50, p99, worst = self._percentiles_ms
        return TickStats(self.period_s, self._ticks, self._overruns, p50, p99, worst, self._faults)
