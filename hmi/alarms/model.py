"""Plain data the alarm engine hands out: states, journal events, and the published summary.

All frozen and picklable: events go to the journal's writer thread, the summary rides in the
runtime snapshot to the UI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class AlarmState(StrEnum):
    """ISA-18.2 alarm states (and the three ways an alarm is kept from annunciating)."""

    NORMAL = "normal"
    UNACK = "unacknowledged"  # active, unacknowledged
    ACKED = "acknowledged"  # active, acknowledged
    RTN_UNACK = "returned_unacknowledged"  # returned to normal, unacknowledged
    SHELVED = "shelved"
    SUPPRESSED = "suppressed"  # by design (e.g. line stopped)
    OUT_OF_SERVICE = "out_of_service"


class Event(StrEnum):
    RAISED = "raised"  # a new occurrence
    CLEARED = "cleared"  # condition returned to normal
    ACKNOWLEDGED = "acknowledged"
    SHELVED = "shelved"
    UNSHELVED = "unshelved"  # by a user, or the shelf expired (user "system")
    SUPPRESSED = "suppressed"
    UNSUPPRESSED = "unsuppressed"
    OUT_OF_SERVICE = "out_of_service"
    RETURNED_TO_SERVICE = "returned_to_service"


@dataclass(frozen=True, slots=True)
class AlarmEvent:
    """One journal row: a state transition or an operator action."""

    wall_time: float  # epoch seconds
    t_s: float  # runtime clock
    alarm: str
    tag: str
    priority: int
    event: Event
    state: AlarmState  # state after the event
    value: float
    limit: float
    occurrence: int  # 1, 2, ... per alarm: a cleared alarm raised again is a new occurrence
    user: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class AlarmStatus:
    """One alarm that is not normal, as published to the UI."""

    name: str
    tag: str
    priority: int
    state: AlarmState
    message: str
    value: float  # at the last transition; the live value is in the snapshot
    limit: float
    unit: str
    raised_wall: float  # wall time of the occurrence's raise (nan if never raised)
    occurrence: int
    shelved_until_wall: float = float("nan")
    user: str = ""
    reason: str = ""

    @property
    def annunciated(self) -> bool:
        return self.state in (AlarmState.UNACK, AlarmState.ACKED, AlarmState.RTN_UNACK)

    @property
    def unacknowledged(self) -> bool:
        return self.state in (AlarmState.UNACK, AlarmState.RTN_UNACK)


@dataclass(frozen=True, slots=True)
class AlarmSummary:
    """Everything not normal, most urgent first (priority, then newest raise first)."""

    version: int = 0
    alarms: tuple[AlarmStatus, ...] = field(default=())
    events_total: int = 0  # transitions and actions since start (journal rows offered)

    def counts(self, *, unacknowledged_only: bool = False) -> dict[int, int]:
        out = {1: 0, 2: 0, 3: 0, 4: 0}
        for a in self.alarms:
            if a.annunciated and (a.unacknowledged or not unacknowledged_only):
                out[a.priority] = out.get(a.priority, 0) + 1
        return out

    @property
    def active(self) -> tuple[AlarmStatus, ...]:
        return tuple(a for a in self.alarms if a.annunciated)

    def top_unacknowledged(self) -> AlarmStatus | None:
        for a in self.alarms:  # already sorted most urgent first
            if a.unacknowledged:
                return a
        return None
