"""The runtime's side of alarms: the flags it adds to the controller's, and alarm commands."""

from __future__ import annotations

from collections import deque

from hmi.alarms.engine import AlarmEngine
from hmi.runtime.commands import (
    AcknowledgeAlarms,
    AlarmCommand,
    SetAlarmInService,
    ShelveAlarm,
    UnshelveAlarm,
)


def apply_alarm_command(engine: AlarmEngine | None, command: AlarmCommand) -> str:
    """Apply `command` to `engine`; return the message for the runtime's message list."""
    if engine is None:
        return "rejected: no alarm engine"
    try:
        match command:
            case AcknowledgeAlarms(names=names, user=user):
                done = sum(engine.acknowledge(n, user) for n in names)
                return f"{done} alarm(s) acknowledged by {user}"
            case ShelveAlarm(name=name, duration_s=duration, reason=reason, user=user):
                engine.shelve(name, user, duration, reason)
                return f"alarm {name} shelved for {duration:g} s by {user}"
            case UnshelveAlarm(name=name, user=user):
                engine.unshelve(name, user)
                return f"alarm {name} unshelved by {user}"
            case SetAlarmInService(name=name, in_service=True, reason=reason, user=user):
                engine.return_to_service(name, user, reason)
                return f"alarm {name} returned to service by {user}"
            case SetAlarmInService(name=name, reason=reason, user=user):
                engine.out_of_service(name, user, reason)
                return f"alarm {name} taken out of service by {user}"
    except (KeyError, ValueError) as exc:
        return f"rejected: {exc}"
    return f"rejected: unknown alarm command {command!r}"


class OverrunMonitor:
    """The runtime's "overrun" flag: sustained missed deadlines, not one late tick (start-up,
    a GC pause). Set while at least `count` deadlines were missed within `window_s`."""

    def __init__(self, count: int = 5, window_s: float = 10.0) -> None:
        self._times: deque[float] = deque(maxlen=count)
        self._window_s = window_s

    def missed(self, t_s: float, deadlines: int) -> None:
        for _ in range(min(deadlines, self._times.maxlen or 1)):
            self._times.append(t_s)

    def active(self, t_s: float) -> bool:
        times = self._times
        return len(times) == times.maxlen and t_s - times[0] <= self._window_s
