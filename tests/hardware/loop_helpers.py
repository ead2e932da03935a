"""The HMI runtime on a fieldbus profile, real clock, with the alarm engine: what the panel runs."""

from __future__ import annotations

import time
from contextlib import contextmanager

from hmi.alarms import AlarmEngine, load_definitions
from hmi.alarms.model import AlarmState
from hmi.control import DEFAULT_CONTROLLER, make_controller
from hmi.hardware.modbus import ModbusProfile
from hmi.runtime import RealClock, Runtime


class CallTimer:
    """Longest time the control thread spent inside the profile's read() / write()."""

    def __init__(self, profile: ModbusProfile) -> None:
        self.longest_s = 0.0
        for name in ("read", "write"):
            setattr(profile, name, self._timed(getattr(profile, name)))

    def _timed(self, method):
        def call(*args):
            started = time.perf_counter()
            try:
                return method(*args)
            finally:
                self.longest_s = max(self.longest_s, time.perf_counter() - started)

        return call


@contextmanager
def hmi_loop(config, settings, profile_class=ModbusProfile):
    profile = profile_class(config, settings)
    timer = CallTimer(profile)
    runtime = Runtime(
        profile,
        make_controller(
            DEFAULT_CONTROLLER,
            config.startup.formulation,
            config.line.gauge_distance_m,
            config.line.model_dump(),
        ),
        clock=RealClock(),
        running=config.startup.running,
        alarms=AlarmEngine(load_definitions()),
    )
    runtime.start()
    try:
        yield runtime, profile, timer
    finally:
        runtime.stop()


def comm_loss_alarm(runtime: Runtime) -> AlarmState:
    snap = runtime.latest()
    if snap is None:
        return AlarmState.NORMAL
    for alarm in snap.alarms.alarms:
        if alarm.name == "communication_loss":
            return alarm.state
    return AlarmState.NORMAL


def link_good(runtime: Runtime) -> bool:
    snap = runtime.latest()
    return snap is not None and snap.quality.get("areal_mass_mg_cm2") == 0 and snap.tick > 0
