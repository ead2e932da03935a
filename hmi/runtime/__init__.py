"""The worker thread: fixed-period loop, clocks, command queue, published snapshots."""

from hmi.runtime.clock import Clock, RealClock, SimClock
from hmi.runtime.commands import (
    Command,
    InjectFault,
    SetMode,
    StartLine,
    StopLine,
    WriteSetpoint,
)
from hmi.runtime.loop import Runtime
from hmi.runtime.snapshot import Snapshot, TickStats
from hmi.runtime.trend import TrendBuffer

__all__ = [
    "Clock",
    "Command",
    "InjectFault",
    "RealClock",
    "Runtime",
    "SetMode",
    "SimClock",
    "Snapshot",
    "StartLine",
    "StopLine",
    "TickStats",
    "TrendBuffer",
    "WriteSetpoint",
]
