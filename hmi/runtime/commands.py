"""Commands sent to the runtime thread. Plain frozen data: picklable, so a runtime hosted in a
child process could take the same commands through a pipe."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Mode = Literal["auto", "manual"]


@dataclass(frozen=True, slots=True)
class StartLine:
    user: str


StopKind = Literal["normal", "quick", "emergency"]


@dataclass(frozen=True, slots=True)
class StopLine:
    """normal: feed off, run on to draw the bank down, rolls stop, gap to park; quick: feed
    and drive off, gap held, mixer to scrap; emergency: as quick with the gap to park."""

    user: str
    kind: StopKind = "normal"


@dataclass(frozen=True, slots=True)
class WriteSetpoint:
    tag: str
    value: float
    user: str


@dataclass(frozen=True, slots=True)
class SetMode:
    mode: Mode
    user: str


@dataclass(frozen=True, slots=True)
class SetManualGap:
    """Manual mode: the gap actuator setpoint of one side ("os" or "ds")."""

    side: str
    gap_um: float
    user: str


@dataclass(frozen=True, slots=True)
class SetManualFeed:
    """Manual mode: the total feed, split as the feeders were last commanded."""

    total_kg_h: float
    user: str


@dataclass(frozen=True, slots=True)
class InjectFault:
    """A disturbance or fault on the line, e.g. ("gauge_fault", {"mode": "nan", ...}).
    Only a profile that can simulate faults (the emulated line) accepts it."""

    kind: str
    params: dict[str, object]
    user: str


@dataclass(frozen=True, slots=True)
class AcknowledgeAlarms:
    """Acknowledge these alarms (one, or all the operator sees)."""

    names: tuple[str, ...]
    user: str


@dataclass(frozen=True, slots=True)
class ShelveAlarm:
    name: str
    duration_s: float
    reason: str
    user: str


@dataclass(frozen=True, slots=True)
class UnshelveAlarm:
    name: str
    user: str


@dataclass(frozen=True, slots=True)
class SetAlarmInService:
    """Take an alarm out of service (in_service False) or return it (True)."""

    name: str
    in_service: bool
    reason: str
    user: str


@dataclass(frozen=True, slots=True)
class LoadRecipe:
    """Every setpoint of a recipe version, applied together in one tick (all or none)."""

    name: str
    version: int
    hash: str
    setpoints: tuple[tuple[str, float], ...]
    formulation: tuple[tuple[str, float], ...]
    user: str


@dataclass(frozen=True, slots=True)
class ResolveCondition:
    """An engineer resolved a condition the controller latches (e.g. the gauge disagreeing
    with the mass balance: the gauge was checked), so it may clear."""

    condition: str
    reason: str
    user: str


AlarmCommand = AcknowledgeAlarms | ShelveAlarm | UnshelveAlarm | SetAlarmInService

Command = (
    StartLine
    | StopLine
    | WriteSetpoint
    | SetMode
    | SetManualGap
    | SetManualFeed
    | InjectFault
    | LoadRecipe
    | ResolveCondition
    | AlarmCommand
)
