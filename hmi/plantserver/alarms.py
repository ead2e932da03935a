"""Our ISA-18.2 alarm states as OPC UA Alarms & Conditions (Part 9): the state fields of one
AlarmConditionType condition per alarm definition, and one event per transition.

Mapping (ISA-18.2 -> Part 9): UNACK = Active, not Acked; ACKED = Active, Acked; RTN_UNACK =
inactive, not Acked; SHELVED -> ShelvingState/CurrentState TimedShelved (our shelves are all
timed); SUPPRESSED -> SuppressedState; OUT_OF_SERVICE -> OutOfServiceState; NORMAL -> inactive,
Acked, Retain false. EnabledState is always Enabled (out of service is its own state here).
Priority -> Severity (1..1000): critical 900, high 700, medium 500, low 300.

The condition instances, ConditionRefresh and the Acknowledge / shelving methods are in
conditions.py (the methods go through the LineService, as the panel's buttons do)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from typing import Any

from hmi.alarms.definitions import AlarmDefinition
from hmi.alarms.model import AlarmState, AlarmStatus, AlarmSummary

SEVERITY = {1: 900, 2: 700, 3: 500, 4: 300}
_ACTIVE = (AlarmState.UNACK, AlarmState.ACKED)
_UNACKED = (AlarmState.UNACK, AlarmState.RTN_UNACK)


def event_fields(alarm: AlarmStatus, now_wall: float | None = None) -> dict[str, Any]:
    """The Part 9 fields of `alarm` (names as browse paths); `now_wall` (epoch s) for the
    time left on a shelf (ShelvingState/UnshelveTime, ms)."""
    state = alarm.state
    active, acked = state in _ACTIVE, state not in _UNACKED
    shelved = state is AlarmState.SHELVED
    return {
        "ConditionName": alarm.name,
        "SourceName": alarm.tag or alarm.name,
        "Severity": SEVERITY.get(alarm.priority, 500),
        "Message": alarm.message,
        "Retain": state is not AlarmState.NORMAL,
        "ActiveState": "Active" if active else "Inactive",
        "ActiveState/Id": active,
        "AckedState": "Acknowledged" if acked else "Unacknowledged",
        "AckedState/Id": acked,
        "SuppressedState": "Suppressed" if state is AlarmState.SUPPRESSED else "Unsuppressed",
        "SuppressedState/Id": state is AlarmState.SUPPRESSED,
        "OutOfServiceState": "Out of Service"
        if state is AlarmState.OUT_OF_SERVICE
        else "In Service",
        "OutOfServiceState/Id": state is AlarmState.OUT_OF_SERVICE,
        "ShelvingState/CurrentState": "TimedShelved" if shelved else "Unshelved",
        "ShelvingState/UnshelveTime": unshelve_time_ms(alarm, now_wall),
        "SuppressedOrShelved": shelved or state is AlarmState.SUPPRESSED,
        "EnabledState": "Enabled",
        "EnabledState/Id": True,
        "ClientUserId": alarm.user,  # who acted last on it, and why (the journal has it all)
        "Comment": alarm.reason,
    }


def unshelve_time_ms(alarm: AlarmStatus, now_wall: float | None = None) -> float:
    """ShelvingState/UnshelveTime: the time left on the shelf at `now_wall` (epoch s; None:
    now), ms; 0 when not shelved."""
    if alarm.state is not AlarmState.SHELVED:
        return 0.0
    left_s = alarm.shelved_until_wall - (time.time() if now_wall is None else now_wall)
    return max(0.0, left_s) * 1000.0 if math.isfinite(left_s) else 0.0


def normal_status(definition: AlarmDefinition) -> AlarmStatus:
    """A defined alarm that is normal (what its condition shows before any transition)."""
    return AlarmStatus(definition.name, definition.tag, int(definition.priority),
                       AlarmState.NORMAL, definition.message, math.nan, math.nan,
                       definition.unit, math.nan, 0)  # fmt: skip


def _normal(previous: AlarmStatus) -> AlarmStatus:
    fields = {f: getattr(previous, f) for f in AlarmStatus.__slots__}  # type: ignore[attr-defined]
    return AlarmStatus(**(fields | {"state": AlarmState.NORMAL}))


class AlarmPublisher:
    """Compares each summary with the last and emits one event per alarm that changed."""

    def __init__(self, emit: Callable[[Mapping[str, Any]], None]) -> None:
        self.emit = emit
        self._version = -1
        self._last: dict[str, AlarmStatus] = {}
        self.emitted = 0

    def offer(self, summary: AlarmSummary, values: Mapping[str, float],
              now_wall: float | None = None) -> None:  # fmt: skip
        """`now_wall`: the engine's wall clock (the snapshot's) for the time left on shelves."""
        if summary.version == self._version:
            return
        self._version = summary.version
        now = {a.name: a for a in summary.alarms}
        for name, alarm in now.items():
            before = self._last.get(name)
            if (
                before is None
                or before.state != alarm.state
                or before.occurrence != alarm.occurrence
            ):
                self._send(alarm, now_wall)
        for name, before in self._last.items():
            if name not in now:
                self._send(_normal(before), now_wall)
        self._last = now

    def unshelve_times(self, now_wall: float) -> dict[str, float]:
        """ShelvingState/UnshelveTime (ms) of each alarm shelved now, counted down to
        `now_wall` (Part 9: the time remaining; an event gives it only at a transition)."""
        return {name: unshelve_time_ms(alarm, now_wall) for name, alarm in self._last.items()
                if alarm.state is AlarmState.SHELVED}  # fmt: skip

    def _send(self, alarm: AlarmStatus, now_wall: float | None = None) -> None:
        self.emit(event_fields(alarm, now_wall))
        self.emitted += 1
