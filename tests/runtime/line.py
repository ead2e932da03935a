"""A Runtime on the emulated line on the simulated clock, with every tick's values recorded."""

from __future__ import annotations

import copy
import copyreg
import queue
import threading
from contextlib import contextmanager

from hmi.alarms import AlarmEngine, load_definitions
from hmi.control import make_controller
from hmi.hardware.config import EmulatedSection, ProfileConfig, ProfileSection, StartupSection
from hmi.hardware.emulated import EmulatedProfile
from hmi.plant import MATERIALS
from hmi.runtime import Runtime, SimClock

NOMINAL_BANK_KG = 3.0  # the emulated line's nominal bank (Equipment.bank_nominal_kg)


class Recorder:
    """A sample sink keeping (t_s, bank_mass_kg, line speed) of every tick."""

    def __init__(self) -> None:
        self.rows: list[tuple[float, float, float]] = []

    def offer(self, t_s, wall_time, values, quality) -> None:
        self.rows.append((t_s, values["bank_mass_kg"], values["line_speed_m_min"]))

    def bank_between(self, t0_s: float, t1_s: float) -> tuple[float, float]:
        banks = [b for t, b, _ in self.rows if t0_s <= t <= t1_s]
        return min(banks), max(banks)


def line_runtime(controller: str = "model", *, running: bool = True, sinks=(), **kwargs):
    """(runtime, profile, recorder): LFP 30 mg/cm² at 50 m/min, in equilibrium if running."""
    config = ProfileConfig(
        profile=ProfileSection(name="test line", driver="emulated"),
        startup=StartupSection(
            areal_mass_target_mg_cm2=30.0,
            line_speed_sp_m_min=50.0,
            formulation=MATERIALS["LFP"].fractions,
            running=running,
        ),
        emulated=EmulatedSection(material="LFP", seed=3),
    )
    profile = EmulatedProfile(config)
    recorder = Recorder()
    runtime = Runtime(
        profile,
        make_controller(controller, config.startup.formulation, config.line.gauge_distance_m),
        clock=SimClock(),
        running=running,
        trend_capacity=100,
        sinks=[recorder, *sinks],
        alarms=AlarmEngine(load_definitions()),
        **kwargs,
    )
    return runtime, profile, recorder


@contextmanager
def _fresh_sync_objects():
    """While deep-copying: a lock, condition or command queue is copied as a new, empty one
    (they cannot be copied; a simulated-clock runtime between ticks holds none of them)."""

    def fresh_queue(q: queue.SimpleQueue):
        assert q.empty(), "a runtime is copied between ticks, with no command waiting"
        return (queue.SimpleQueue, ())

    fresh = {
        type(threading.Lock()): lambda _: (threading.Lock, ()),
        type(threading.RLock()): lambda _: (threading.RLock, ()),
        threading.Condition: lambda _: (threading.Condition, ()),
        queue.SimpleQueue: fresh_queue,
    }
    copyreg.dispatch_table.update(fresh)
    try:
        yield
    finally:
        for kind in fresh:
            copyreg.dispatch_table.pop(kind, None)


def copy_line(runtime: Runtime, profile: EmulatedProfile, recorder: Recorder):
    """An independent copy of a (runtime, profile, recorder) on the simulated clock: it goes on
    exactly as the original would (plant, controller, RNG state and records copied), and
    nothing it does reaches the original. Lets tests share an expensive run-up."""
    assert isinstance(runtime.clock, SimClock), "a real-clock runtime has a thread to copy"
    with _fresh_sync_objects():
        return copy.deepcopy((runtime, profile, recorder))
