"""The worker thread: fixed-period loop, clocks, command queue, published snapshots."""

from hmi.runtime.clock import Clock, RealClock, SimClock
from hmi.runtime.commands import (
    AcknowledgeAlarms,
    Command,
    InjectFault,
    ResolveCondition,
    SetAlarmInService,
    SetManualFeed,
    SetManualGap,
    SetMode,
    ShelveAlarm,
    StartLine,
    StopLine,
    UnshelveAlarm,
    WriteSetpoint,
)
from hmi.runtime.loop import Runtime
from hmi.runtime.snapshot import Snapshot, TickStats
from hmi.runtime.trend import TrendBuffer

__all__ = [
    "AcknowledgeAlarms",
    "Clock",
    "Command",
    "InjectFault",
    "RealClock",
    "ResolveCondition",
    "Runtime",
    "SetAlarmInService",
    "SetManualFeed",
    "SetManualGap",
    "SetMode",
    "ShelveAlarm",
    "SimClock",
    "Snapshot",
    "StartLine",
    "StopLine",
    "TickStats",
    "TrendBuffer",
    "UnshelveAlarm",
    "WriteSetpoint",
]
