"""Our ISA-18.2 alarm states as OPC UA Alarms & Conditions (Part 9) events of AlarmConditionType:
one event per transition, with the condition's state fields.

Mapping (ISA-18.2 -> Part 9): UNACK = Active, not Acked; ACKED = Active, Acked; RTN_UNACK =
inactive, not Acked; SHELVED -> ShelvingState "Shelved" (TimedShelved); SUPPRESSED ->
SuppressedState; OUT_OF_SERVICE -> OutOfServiceState; NORMAL -> inactive, Acked, Retain false.
Priority -> Severity (1..1000): critical 900, high 700, medium 500, low 300.

What asyncua 2.1.0 does not give us (docs/opcua.md): condition instances in the address space,
ConditionRefresh, and the Acknowledge / Shelve methods; acknowledging stays on the panel."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from hmi.alarms.model import AlarmState, AlarmStatus, AlarmSummary

SEVERITY = {1: 900, 2: 700, 3: 500, 4: 300}
_ACTIVE = (AlarmState.UNACK, AlarmState.ACKED)
_UNACKED = (AlarmState.UNACK, AlarmState.RTN_UNACK)


def event_fields(alarm: AlarmStatus) -> dict[str, Any]:
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
        "ShelvingState": "TimedShelved" if shelved else "Unshelved",
        "SuppressedOrShelved": shelved or state is AlarmState.SUPPRESSED,
    }


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

    def offer(self, summary: AlarmSummary, values: Mapping[str, float]) -> None:
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
                self._send(alarm)
        for name, before in self._last.items():
            if name not in now:
                self._send(_normal(before))
        self._last = now

    def _send(self, alarm: AlarmStatus) -> None:
        self.emit(event_fields(alarm))
        self.emitted += 1
