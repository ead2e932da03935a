"""The Part 9 condition methods of the plant server — Acknowledge, TimedShelve, OneShotShelve,
Unshelve — on our ISA-18.2 engine, through the LineService as the panel's buttons go (its
permission check, its audit row, its command to the runtime).

Who may: an anonymous session acts as the Viewer "opcua-anonymous" and an authenticated one as
its own account, exactly as writes do (server.py); a refusal is BadUserAccessDenied, audited by
the service, and nothing is sent. Before the service is asked, the call is checked against what
the condition's events said (ConditionBook): an EventId it never issued is BadEventIdUnknown;
acknowledging an event whose alarm is acknowledged already is BadConditionBranchAlreadyAcked.

Shelving over OPC UA has no reason argument while the service requires one: the reason recorded
is the method's name. Our engine's shelves are all timed (at most MAX_SHELVE_S, a shift), so
OneShotShelve shelves for that longest time and the condition then shows TimedShelved.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hmi.hardware.opcua_adapter import STATUS, STATUS_GOOD
from hmi.runtime.service import MAX_SHELVE_S
from hmi.security.permissions import Action
from hmi.security.session import PermissionDenied

# the status codes a method call answers, from the adapter's one table (as the write guard's)
GOOD = STATUS_GOOD
BAD_USER_ACCESS_DENIED = STATUS["denied"]
BAD_EVENT_ID_UNKNOWN = STATUS["event_id_unknown"]
BAD_CONDITION_BRANCH_ALREADY_ACKED = STATUS["already_acked"]
BAD_CONDITION_ALREADY_SHELVED = STATUS["already_shelved"]
BAD_CONDITION_NOT_SHELVED = STATUS["not_shelved"]
BAD_SHELVING_TIME_OUT_OF_RANGE = STATUS["shelving_time"]
BAD_INVALID_ARGUMENT = STATUS["invalid_argument"]
BAD_INTERNAL_ERROR = STATUS["failed"]
BAD_NODE_ID_UNKNOWN = STATUS["node_id_unknown"]
BAD_METHOD_INVALID = STATUS["method_invalid"]

_KEPT_EVENT_IDS = 64  # per condition: EventIds of earlier stretches, answered "already acked"


@dataclass
class ConditionRecord:
    """What the last events of one condition said, and which EventIds it issued."""

    acked: bool = True
    shelved: bool = False
    unacked_event_ids: set[bytes] = field(default_factory=set)  # since it last went unacked
    earlier_event_ids: deque[bytes] = field(default_factory=lambda: deque(maxlen=_KEPT_EVENT_IDS))


class ConditionBook:
    """The plant server's memory of each condition's events (thread-safe: events are issued on
    the server's loop, methods run in its worker threads)."""

    def __init__(self, names: list[str]) -> None:
        self._records = {name: ConditionRecord() for name in names}
        self._lock = threading.Lock()

    def __contains__(self, name: object) -> bool:
        return name in self._records

    def issued(self, name: str, event_id: bytes, fields: Mapping[str, Any]) -> None:
        acked = bool(fields.get("AckedState/Id", True))
        shelving = fields.get("ShelvingState/CurrentState", "Unshelved")
        with self._lock:
            record = self._records[name]
            if record.acked and not acked:  # a new stretch to acknowledge begins
                record.earlier_event_ids.extend(record.unacked_event_ids)
                record.unacked_event_ids = set()
            record.unacked_event_ids.add(event_id)
            record.acked = acked
            record.shelved = str(getattr(shelving, "Text", shelving)) != "Unshelved"

    def acknowledgeable(self, name: str, event_id: bytes) -> int:
        """GOOD if acknowledging condition `name` by this EventId acknowledges something."""
        with self._lock:
            record = self._records[name]
            if event_id in record.earlier_event_ids:
                return BAD_CONDITION_BRANCH_ALREADY_ACKED
            if event_id not in record.unacked_event_ids:
                return BAD_EVENT_ID_UNKNOWN
            return BAD_CONDITION_BRANCH_ALREADY_ACKED if record.acked else GOOD

    def acknowledged(self, name: str) -> None:
        """The service took the acknowledgement: a second one is "already acked" at once,
        before the engine's next event says so."""
        with self._lock:
            self._records[name].acked = True

    def shelved(self, name: str) -> bool:
        with self._lock:
            return self._records[name].shelved


class ConditionMethods:
    """`call(condition, method, args, user)` -> status code: the hook of UaConditions."""

    def __init__(self, book: ConditionBook, service_for_user: Callable[[str | None], Any]) -> None:
        self.book = book
        self.service_for_user = service_for_user  # user name or None -> LineService as them

    def call(self, name: str, method: str, args: tuple[Any, ...], user: str | None) -> int:
        if name not in self.book:
            return BAD_NODE_ID_UNKNOWN
        handler = {
            "Acknowledge": self._acknowledge,
            "TimedShelve": self._timed_shelve,
            "OneShotShelve": self._one_shot_shelve,
            "Unshelve": self._unshelve,
        }.get(method)
        if handler is None:
            return BAD_METHOD_INVALID
        service = self.service_for_user(user)
        try:
            return handler(service, name, *args)
        except PermissionDenied:  # refused and audited by the service; nothing was sent
            return BAD_USER_ACCESS_DENIED
        except (TypeError, ValueError):
            return BAD_INVALID_ARGUMENT
        except Exception:  # the audit row could not be written: nothing was sent
            return BAD_INTERNAL_ERROR

    # Each handler asks the service first when the caller lacks the permission, so that the
    # refusal is audited as the panel's would be, whatever the arguments say.
    def _acknowledge(self, service: Any, name: str, event_id: Any, comment: Any) -> int:
        if not service.may(Action.ALARM_ACKNOWLEDGE):
            service.acknowledge_alarms([name], str(comment or ""))  # raises PermissionDenied
        if not isinstance(event_id, bytes | bytearray):
            return BAD_EVENT_ID_UNKNOWN
        status = self.book.acknowledgeable(name, bytes(event_id))
        if status != GOOD:
            return status
        service.acknowledge_alarms([name], str(comment or ""))
        self.book.acknowledged(name)
        return GOOD

    def _timed_shelve(self, service: Any, name: str, shelving_time_ms: Any) -> int:
        if not service.may(Action.ALARM_SHELVE):
            service.shelve_alarm(name, 1.0, "OPC UA TimedShelve")  # raises PermissionDenied
        if isinstance(shelving_time_ms, bool) or not isinstance(shelving_time_ms, int | float):
            return BAD_INVALID_ARGUMENT
        seconds = float(shelving_time_ms) / 1000.0
        if not 0.0 < seconds <= MAX_SHELVE_S:
            return BAD_SHELVING_TIME_OUT_OF_RANGE
        if self.book.shelved(name):
            return BAD_CONDITION_ALREADY_SHELVED
        service.shelve_alarm(name, seconds, "OPC UA TimedShelve")
        return GOOD

    def _one_shot_shelve(self, service: Any, name: str) -> int:
        if not service.may(Action.ALARM_SHELVE):
            service.shelve_alarm(name, MAX_SHELVE_S, "OPC UA OneShotShelve")  # raises
        if self.book.shelved(name):
            return BAD_CONDITION_ALREADY_SHELVED
        service.shelve_alarm(name, MAX_SHELVE_S, "OPC UA OneShotShelve (a shift at most)")
        return GOOD

    def _unshelve(self, service: Any, name: str) -> int:
        if not service.may(Action.ALARM_SHELVE):
            service.unshelve_alarm(name, "OPC UA Unshelve")  # raises PermissionDenied
        if not self.book.shelved(name):
            return BAD_CONDITION_NOT_SHELVED
        service.unshelve_alarm(name, "OPC UA Unshelve")
        return GOOD
