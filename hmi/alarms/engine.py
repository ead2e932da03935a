"""The ISA-18.2 alarm state machine, evaluated in the runtime thread every tick. Qt-free.

Time is the runtime clock `t_s` (simulated in tests); events carry the wall time too, for the
journal. The engine never blocks: events go to a sink (the journal's bounded queue) and the
published summary is rebuilt only when something changed (`version`).

States (per alarm): normal → unacknowledged active → acknowledged active → normal; or
unacknowledged active → returned-to-normal unacknowledged → normal on acknowledge. A cleared
alarm that becomes active again is a new occurrence. A latching alarm stays unacknowledged
active after its condition returns until someone acknowledges it. Shelved (with expiry),
suppressed by design and out of service hold the alarm out of annunciation; when they end,
the alarm is evaluated afresh.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping

from hmi.alarms.conditions import Test, compile_test, current_limit
from hmi.alarms.definitions import AlarmDefinition, Condition
from hmi.alarms.model import AlarmEvent, AlarmState, AlarmStatus, AlarmSummary, Event
from hmi.core.tags import TagKind, names

S = AlarmState
EventSink = Callable[[AlarmEvent], None]
SETTLE_S = 180.0  # "line_starting" suppression: this long after the line starts running
# "grade_change" suppression: this long after a setpoint people enter (target, speed, width)
# changes — feeders, bank and the gauge reading follow a new grade through transients.
GRADE_CHANGE_S = 30.0


class _Alarm:
    __slots__ = (
        "d",
        "test",
        "state",
        "cond",
        "active",
        "since",
        "occurrence",
        "raised_wall",
        "value",
        "limit",
        "shelved_until",
        "shelved_until_wall",
        "user",
        "reason",
        "hold",
        "status",
        "sup_stopped",
        "sup_starting",
        "sup_grade",
        "sup_refill_tag",
        "sup_by",
        "sup_any",
        "sup_dynamic",
        "flag_test",
    )

    def __init__(self, d: AlarmDefinition) -> None:
        self.d = d
        self.test: Test = compile_test(d)
        self.flag_test = d.condition is Condition.FLAG  # its test is False without flags
        self.state = S.NORMAL
        self.cond = False  # raw condition at the last tick (drives the deadband)
        self.active = False  # condition after on/off delays
        self.since = math.nan  # when the raw condition last changed while a delay runs
        self.occurrence = 0
        self.raised_wall = math.nan
        self.value = math.nan
        self.limit = math.nan
        self.shelved_until = math.inf
        self.shelved_until_wall = math.nan
        self.user = ""
        self.reason = ""
        self.hold = ""  # "", "shelved", "suppressed", "oos": why it is not annunciated
        self.status: AlarmStatus | None = None  # published record, rebuilt after a change
        # suppress_when taken apart once, so the per-tick check is a few attribute reads
        when = d.suppress_when
        self.sup_any = bool(when)
        self.sup_stopped = "line_stopped" in when
        self.sup_starting = "line_starting" in when
        self.sup_grade = "grade_change" in when
        self.sup_refill_tag: str | None = d.refill_tag if "refilling" in when else None
        self.sup_by: tuple[_Alarm, ...] = ()  # the alarms named "alarm:<name>", see the engine
        self.sup_dynamic = self.sup_refill_tag is not None  # or sup_by, set by the engine


class AlarmEngine:
    def __init__(
        self,
        definitions: Iterable[AlarmDefinition],
        sink: EventSink | None = None,
        *,
        settle_s: float = SETTLE_S,
        grade_change_s: float = GRADE_CHANGE_S,
    ) -> None:
        alarms = [_Alarm(d) for d in definitions]
        # An alarm suppressed by another one is evaluated after it, in the same tick.
        self._alarms = sorted(
            alarms, key=lambda a: any(s[:6] == "alarm:" for s in a.d.suppress_when)
        )
        self._by_name = {a.d.name: a for a in self._alarms}
        if len(self._by_name) != len(self._alarms):
            raise ValueError("alarm names must be unique")
        for a in self._alarms:
            a.sup_by = tuple(self._by_name[s[6:]] for s in a.d.suppress_when if s[:6] == "alarm:")
            a.sup_dynamic = a.sup_dynamic or bool(a.sup_by)
        # a tick without flags whose flag alarms are all at rest needs only the others (each
        # flag alarm would be skipped in the loop below); the order of the rest is kept
        self._value_alarms = [a for a in self._alarms if not a.flag_test]
        self._flag_alarms = [a for a in self._alarms if a.flag_test]
        self._flags_at_rest = False  # unknown: the first tick looks at every alarm
        self._sinks: list[EventSink] = [sink] if sink else []
        self._settle_s = settle_s
        self._grade_change_s = grade_change_s
        self._setpoints = names(TagKind.SETPOINT)
        self._last_setpoints: list[float] = [math.nan] * len(self._setpoints)
        self._setpoint_nans = [math.nan] * len(self._setpoints)  # the default of each get
        self._changed_at = -math.inf
        self._started_at = math.nan  # runtime time the line last started running
        self._was_running = False
        self._t = 0.0
        self._wall = math.nan
        self._changing = False
        self._values: Mapping[str, float] = {}
        self.version = 0
        self.events_total = 0
        self._summary = AlarmSummary()

    # ----- setup -----
    def add_sink(self, sink: EventSink) -> None:
        self._sinks.append(sink)

    @property
    def definitions(self) -> tuple[AlarmDefinition, ...]:
        return tuple(a.d for a in self._alarms)

    def state(self, name: str) -> AlarmState:
        return self._by_name[name].state

    # ----- every tick -----
    def evaluate(
        self,
        t_s: float,
        wall_time: float,
        values: Mapping[str, float],
        quality: Mapping[str, int],
        flags: Collection[str],
        running: bool,
    ) -> bool:
        """Evaluate every alarm; return True if the published summary changed."""
        self._t, self._wall, self._values = t_s, wall_time, values
        if len(flags) > 8:  # an alarm flood: each flag alarm asks `in`, a set answers at once
            flags = frozenset(flags)
        version = self.version
        if running and not self._was_running:
            self._started_at = t_s
        self._was_running = running
        stopped = not running
        starting = running and t_s - self._started_at < self._settle_s
        last = self._last_setpoints
        # the setpoints in one C-level pass; most ticks they are the very objects of the last
        # tick, and the comparison per value below would change nothing (a NaN stays unseen)
        current = list(map(values.get, self._setpoints, self._setpoint_nans))
        if current != last:
            for i, x in enumerate(current):
                if x != last[i]:
                    if last[i] == last[i]:  # not the first value seen (NaN): a change
                        self._changed_at = t_s
                    last[i] = x
        self._changing = t_s - self._changed_at < self._grade_change_s
        changing = self._changing
        no_flags = not flags
        by_state = stopped or starting or changing  # else only refills and alarms suppress
        get = values.get
        everyone = not (no_flags and self._flags_at_rest)
        for a in self._alarms if everyone else self._value_alarms:
            # a flag alarm at rest in a tick without flags: every step below would be a no-op
            if no_flags and a.flag_test and not (a.cond or a.active or a.hold):
                continue
            # suppressed by design now? (inlined: this runs for every alarm every tick)
            sup = False
            if a.sup_any and (by_state or a.sup_dynamic):
                if (stopped and a.sup_stopped) or (starting and a.sup_starting):
                    sup = True
                elif changing and a.sup_grade:
                    sup = True
                elif a.sup_refill_tag is not None and get(a.sup_refill_tag, 0.0) >= 0.5:
                    sup = True
                else:
                    for other in a.sup_by:
                        if other.active:
                            sup = True  # a consequence of an alarm already annunciated
                            break
                if sup and not a.hold:
                    a.hold, a.state = "suppressed", S.SUPPRESSED
                    self._emit(a, Event.SUPPRESSED)
                    continue
            hold = a.hold
            if hold:
                if hold == "suppressed" and not sup:
                    self._release(a)
                    self._emit(a, Event.UNSUPPRESSED)
                elif hold == "shelved" and t_s >= a.shelved_until:
                    self._unshelve(a, "system", "shelf expired")
                if a.hold:
                    continue
            cond = a.test(values, quality, flags, t_s, a.cond)
            if cond != a.cond:
                a.cond = cond
                a.since = t_s
            if cond != a.active:
                delay = a.d.on_delay_s if cond else a.d.off_delay_s
                if t_s - a.since >= delay - 1e-9:
                    a.active = cond
                    self._raise(a) if cond else self._clear(a)
        if everyone:
            self._flags_at_rest = not any(a.cond or a.active or a.hold for a in self._flag_alarms)
        if self.version != version:
            self._summary = self._build()
        return self.version != version

    def summary(self) -> AlarmSummary:
        return self._summary

    # ----- operator actions (from runtime commands) -----
    def acknowledge(self, name: str, user: str, reason: str = "") -> bool:
        """Acknowledge one alarm; False if there was nothing to acknowledge."""
        a = self._by_name[name]
        if a.state not in (S.UNACK, S.RTN_UNACK):
            return False
        if a.state is S.RTN_UNACK or (a.d.latching and not a.active):
            a.state = S.NORMAL
        else:
            a.state = S.ACKED
        self._emit(a, Event.ACKNOWLEDGED, user, reason)
        self._summary = self._build()
        return True

    def shelve(self, name: str, user: str, duration_s: float, reason: str) -> None:
        if not duration_s > 0 or not math.isfinite(duration_s):
            raise ValueError(f"shelve {name}: duration must be a positive number of seconds")
        a = self._by_name[name]
        if a.hold == "oos":
            raise ValueError(f"shelve {name}: the alarm is out of service")
        a.hold, a.state = "shelved", S.SHELVED
        a.shelved_until = self._t + duration_s
        a.shelved_until_wall = self._wall + duration_s
        a.user, a.reason = user, reason
        self._emit(a, Event.SHELVED, user, reason)
        self._summary = self._build()

    def unshelve(self, name: str, user: str, reason: str = "") -> None:
        a = self._by_name[name]
        if a.hold == "shelved":
            self._unshelve(a, user, reason)
            self._summary = self._build()

    def out_of_service(self, name: str, user: str, reason: str) -> None:
        a = self._by_name[name]
        a.hold, a.state, a.user, a.reason = "oos", S.OUT_OF_SERVICE, user, reason
        self._emit(a, Event.OUT_OF_SERVICE, user, reason)
        self._summary = self._build()

    def return_to_service(self, name: str, user: str, reason: str = "") -> None:
        a = self._by_name[name]
        if a.hold == "oos":
            self._release(a)
            self._emit(a, Event.RETURNED_TO_SERVICE, user, reason)
            self._summary = self._build()

    # ----- internals -----
    def _unshelve(self, a: _Alarm, user: str, reason: str) -> None:
        self._release(a)
        a.shelved_until, a.shelved_until_wall = math.inf, math.nan
        self._emit(a, Event.UNSHELVED, user, reason)

    @staticmethod
    def _release(a: _Alarm) -> None:
        """Back to evaluation from scratch: a condition still present raises a new occurrence
        (after its on-delay)."""
        a.hold, a.state, a.cond, a.active, a.since = "", S.NORMAL, False, False, math.nan
        a.user = a.reason = ""

    def _raise(self, a: _Alarm) -> None:
        a.occurrence += 1
        a.raised_wall = self._wall
        a.state = S.UNACK
        self._emit(a, Event.RAISED)

    def _clear(self, a: _Alarm) -> None:
        if a.state is S.UNACK:
            if a.d.latching:
                self._emit(a, Event.CLEARED)  # stays annunciated until acknowledged
                return
            a.state = S.RTN_UNACK
        else:
            a.state = S.NORMAL
        self._emit(a, Event.CLEARED)

    def _emit(self, a: _Alarm, event: Event, user: str = "", reason: str = "") -> None:
        a.status = None
        d = a.d
        a.value = self._values.get(d.tag, math.nan)
        a.limit = current_limit(d, self._values)
        e = AlarmEvent(
            self._wall,
            self._t,
            d.name,
            d.tag,
            int(d.priority),
            event,
            a.state,
            a.value,
            a.limit,
            a.occurrence,
            user,
            reason,
        )
        self.version += 1
        self.events_total += 1
        for sink in self._sinks:
            sink(e)

    def _build(self) -> AlarmSummary:
        """The published summary: records are rebuilt only for alarms that changed, so a
        flood costs a sort, not a thousand new objects per tick."""
        self._flags_at_rest = False  # an operator's shelve or return may hold a flag alarm
        items = []
        for a in self._alarms:
            if a.state is S.NORMAL:
                continue
            if a.status is None:
                a.status = AlarmStatus(
                    a.d.name,
                    a.d.tag,
                    int(a.d.priority),
                    a.state,
                    a.d.message,
                    a.value,
                    a.limit,
                    a.d.unit,
                    a.raised_wall,
                    a.occurrence,
                    a.shelved_until_wall,
                    a.user,
                    a.reason,
                )
            items.append(a.status)
        items.sort(key=_urgency)
        return AlarmSummary(self.version, tuple(items), self.events_total)


def _urgency(s: AlarmStatus) -> tuple[int, float]:
    """Most urgent first: priority, then the newest raise."""
    raised = s.raised_wall
    return (s.priority, -raised if raised == raised else 0.0)
