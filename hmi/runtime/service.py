"""The line service: what the UI (or any client) calls to act on the line.

Every call is checked here against the permission table for the acting session — and
writability and range — before a command is queued, so a caller that lacks the permission is
refused whatever the UI shows. Refused attempts and carried-out actions are written to the
audit trail here, on the caller's thread (the UI / service thread), never in the control loop.
The runtime checks the range again when it applies the command (defence in depth across a
process boundary).

Order of a call: permission (refusal audited) -> validation -> audit record -> command queued.
A command is queued only once its record is committed; if the trail cannot be written the
command is not sent (AuditError) — except Stop, which is always sent first.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from hmi.alarms.journal import AlarmJournal, JournalRow
from hmi.core.tags import TagKind, tag
from hmi.recipes.service import RecipeService
from hmi.recipes.store import RecipeVersion
from hmi.runtime.commands import (
    AcknowledgeAlarms,
    Command,
    InjectFault,
    Mode,
    ResolveCondition,
    SetAlarmInService,
    SetManualFeed,
    SetManualGap,
    SetMode,
    ShelveAlarm,
    StartLine,
    StopKind,
    StopLine,
    UnshelveAlarm,
    WriteSetpoint,
)
from hmi.runtime.recipe_load import load_command
from hmi.runtime.snapshot import Snapshot
from hmi.security.audit import AuditError, AuditTrail
from hmi.security.guard import authorize
from hmi.security.permissions import Action, setpoint_action
from hmi.security.service import Signature, SignatureRefused
from hmi.security.session import FixedSession, Session, SessionSource

log = logging.getLogger(__name__)

MAX_SHELVE_S = 8 * 3600.0  # a shelf lasts at most a shift; then the alarm comes back
LARGE_CHANGE_FRAC = 0.1  # a setpoint change beyond 10 % of the present value asks to confirm


class ConfirmationNeeded(ValueError):
    """A large setpoint change: ask the operator (the message is the question), then call
    again with confirmed=True. Nothing was sent or recorded."""


class RuntimeLike(Protocol):
    def latest(self) -> Snapshot | None: ...

    def submit(self, command: Command) -> None: ...


class SignatureVerifier(Protocol):
    """Who issued the signatures (the SecurityService): checks one and uses it up."""

    def redeem(
        self, signature: Signature | None, session: Session, action: str, target: str
    ) -> Signature: ...


class LineService:
    def __init__(
        self,
        runtime: RuntimeLike,
        session: Session | SessionSource,
        *,
        audit: AuditTrail | None = None,
        journal: AlarmJournal | None = None,
        signatures: SignatureVerifier | None = None,
        confirm_large_changes: bool = False,
    ) -> None:
        """`session`: a fixed Session (tests, tools) or a source of the current one (the
        panel's SecurityService). `audit`: where actions are recorded (None: not recorded,
        for tests and tools that have no store). `signatures`: the issuer that verifies
        electronic signatures (None: every signed action is refused). `confirm_large_changes`:
        a setpoint change beyond LARGE_CHANGE_FRAC needs confirmed=True (ConfirmationNeeded
        otherwise); off until the panel's confirm dialog is wired."""
        self._runtime = runtime
        self._sessions = FixedSession(session) if isinstance(session, Session) else session
        self.audit = audit
        self.journal = journal  # the alarm journal, for the history view (None: not kept)
        self._signatures = signatures
        self.confirm_large_changes = confirm_large_changes

    @property
    def session(self) -> Session:
        """Who is acting now."""
        return self._sessions.current

    def snapshot(self) -> Snapshot | None:
        return self._runtime.latest()

    @property
    def control_priority(self) -> str:
        """What the control thread runs at, in words (hmi/core/priority.py)."""
        return getattr(self._runtime, "control_priority", "")

    # ----- what the UI may offer -----
    def may(self, action: str) -> bool:
        return self.session.may(action)

    def may_write(self, name: str) -> bool:
        return self.session.may(setpoint_action(name))

    # ----- actions -----
    def start(self, reason: str = "") -> None:
        session = self._check(Action.LINE_START, {}, reason)
        self._record(session, Action.LINE_START, {}, reason)
        self._runtime.submit(StartLine(session.user))

    def stop(self, reason: str = "", kind: StopKind = "normal") -> None:
        """normal: feed off, run on to draw the bank down, rolls stop, gap to park; quick:
        feed and drive off at once, gap held, the mixer to scrap; emergency: as quick with
        the gap opened to park."""
        # Stopping is never refused to an operator, and never waits for the trail; a viewer
        # must use the hardwired stop.
        if kind not in ("normal", "quick", "emergency"):
            raise ValueError(f"stop: {kind!r} is not one of normal, quick, emergency")
        details = {"kind": kind}
        session = self._check(Action.LINE_STOP, details, reason)
        self._runtime.submit(StopLine(session.user, kind))
        try:
            self._record(session, Action.LINE_STOP, details, reason)
        except AuditError as exc:
            log.error("line stopped by %s but not recorded: %s", session.user, exc)

    def set_mode(self, mode: Mode, reason: str = "") -> None:
        if mode not in ("auto", "manual"):
            raise ValueError(f"mode: {mode!r} is not one of auto, manual")
        session = self._check(Action.LINE_MODE, {"new": mode}, reason)
        snapshot = self._runtime.latest()
        old = snapshot.mode if snapshot is not None else None
        self._record(session, Action.LINE_MODE, {"old": old, "new": mode}, reason)
        self._runtime.submit(SetMode(mode, session.user))

    def set_manual_gap(self, side: str, gap_um: float, reason: str = "") -> float:
        """Manual mode: the gap actuator setpoint of one side (µm), checked and audited."""
        if side not in ("os", "ds"):
            raise ValueError(f"side: {side!r} is not os (operator side) or ds (drive side)")
        name = f"gap_{side}_sp_um"
        details: dict[str, object] = {"tag": name, "new": gap_um, "unit": "µm"}
        session = self._check(Action.LINE_MANUAL, details, reason)
        number = tag(name).check(gap_um)
        self._need_manual()
        snapshot = self._runtime.latest()
        old = snapshot.value(name) if snapshot is not None else math.nan
        details.update(old=old if math.isfinite(old) else None, new=number)
        self._record(session, Action.LINE_MANUAL, details, reason)
        self._runtime.submit(SetManualGap(side, number, session.user))
        return number

    def set_manual_feed(self, total_kg_h: float, reason: str = "") -> float:
        """Manual mode: the total feed (kg/h), split as the feeders were last commanded."""
        details: dict[str, object] = {"tag": "feed_total_sp_kg_h", "new": total_kg_h}
        session = self._check(Action.LINE_MANUAL, details, reason)
        number = tag("feed_total_sp_kg_h").check(total_kg_h)
        self._need_manual()
        details.update(new=number, unit="kg/h")
        self._record(session, Action.LINE_MANUAL, details, reason)
        self._runtime.submit(SetManualFeed(number, session.user))
        return number

    def needs_confirmation(self, name: str, value: float) -> str:
        """The question to ask before this change ("" when none is needed)."""
        snapshot = self._runtime.latest()
        old = snapshot.value(name) if snapshot is not None else math.nan
        if not math.isfinite(old) or not math.isfinite(value):
            return ""
        definition = tag(name)
        scale = abs(old) if old != 0.0 else definition.high - definition.low
        if abs(value - old) <= LARGE_CHANGE_FRAC * scale:
            return ""
        unit = f" {definition.unit}" if definition.unit else ""
        return (
            f"{definition.description}: {old:g} → {value:g}{unit} is a large change "
            f"(more than {LARGE_CHANGE_FRAC:.0%}). Confirm?"
        )

    def write_setpoint(
        self, name: str, value: float, reason: str = "", confirmed: bool = False
    ) -> float:
        """Validate and send a setpoint; returns the value sent. Raises KeyError for an unknown
        tag, PermissionDenied for a role that may not write it, TagRangeError out of range.
        The record holds old -> new with the unit; old is the latest snapshot's value."""
        definition = tag(name)
        if definition.kind is not TagKind.SETPOINT or definition.write_role is None:
            raise ValueError(f"{name}: is not a writable setpoint")
        details: dict[str, object] = {"tag": name, "new": value, "unit": definition.unit}
        session = self._check(setpoint_action(name), details, reason, Action.SETPOINT_WRITE)
        number = definition.check(value)
        question = self.needs_confirmation(name, number) if self.confirm_large_changes else ""
        if question and not confirmed:
            raise ConfirmationNeeded(question)
        snapshot = self._runtime.latest()
        old = snapshot.value(name) if snapshot is not None else math.nan
        details.update(old=old if math.isfinite(old) else None, new=number)
        self._record(session, Action.SETPOINT_WRITE, details, reason)
        self._runtime.submit(WriteSetpoint(name, number, session.user))
        return number

    def inject_fault(self, kind: str, *, reason: str = "", **params: object) -> None:
        """Inject a disturbance on the emulated line (training, commissioning checks)."""
        details = {"kind": kind, "params": dict(params)}
        session = self._check(Action.FAULT_INJECT, details, reason)
        self._record(session, Action.FAULT_INJECT, details, reason)
        self._runtime.submit(InjectFault(kind, dict(params), session.user))

    # ----- recipes -----
    def load_recipe(self, recipes: RecipeService, name: str, version: int) -> RecipeVersion:
        """Load an approved recipe version: checked (permission, state, machine limits),
        audited with its hash and production record, then one command for all setpoints."""
        session = self.session
        v = recipes.loadable(session, name, version)
        snapshot = self._runtime.latest()
        wall = snapshot.wall_time if snapshot is not None else time.time()
        recipes.record_load(session, v, wall)
        self._runtime.submit(load_command(v, session.user))
        return v

    def resolve_condition(self, condition: str, reason: str) -> None:
        """Resolve a condition the controller latches until an engineer has looked (e.g.
        "gauge_mass_balance_disagree": the gauge was checked or recalibrated). Engineer or
        higher (the controller-tuning permission); a reason, saying what was done, is
        required and audited."""
        details = {"condition": condition}
        session = self._check(Action.TUNING_EDIT, details, reason)
        if not reason.strip():
            raise ValueError("resolving a condition needs a reason (what was checked or done)")
        self._record(session, Action.TUNING_EDIT, details, reason)
        self._runtime.submit(ResolveCondition(condition, reason, session.user))

    # ----- alarms -----
    def acknowledge_alarms(self, names: Sequence[str], reason: str = "") -> None:
        """Acknowledge these alarms (one, or every one the operator sees)."""
        names = tuple(names)
        if not names:
            return
        details = {"alarms": list(names)}
        session = self._check(Action.ALARM_ACKNOWLEDGE, details, reason)
        self._record(session, Action.ALARM_ACKNOWLEDGE, details, reason)
        self._runtime.submit(AcknowledgeAlarms(names, session.user))

    def shelve_alarm(self, name: str, duration_s: float, reason: str) -> None:
        """Shelve an alarm for `duration_s` (at most MAX_SHELVE_S); a reason is required."""
        details = {"alarm": name, "duration_s": duration_s}
        session = self._check(Action.ALARM_SHELVE, details, reason)
        if not reason.strip():
            raise ValueError("shelving an alarm needs a reason")
        if not 0 < duration_s <= MAX_SHELVE_S:
            raise ValueError(f"shelve duration must be in 0 < s <= {MAX_SHELVE_S:g}")
        self._record(session, Action.ALARM_SHELVE, details, reason)
        self._runtime.submit(ShelveAlarm(name, float(duration_s), reason, session.user))

    def unshelve_alarm(self, name: str, reason: str = "") -> None:
        details = {"alarm": name, "unshelve": True}
        session = self._check(Action.ALARM_SHELVE, details, reason)
        self._record(session, Action.ALARM_SHELVE, details, reason)
        self._runtime.submit(UnshelveAlarm(name, session.user))

    def set_alarm_in_service(
        self, name: str, in_service: bool, signature: Signature | None, reason: str = ""
    ) -> None:
        """Take an alarm out of service (needs the acting user's electronic signature for
        alarm.out_of_service on this alarm, from SecurityService.sign) or return it. Each is
        recorded; taking out of service refers to the signature's own record."""
        details: dict[str, object] = {"alarm": name, "in_service": in_service}
        session = self._check(Action.ALARM_OUT_OF_SERVICE, details, reason)
        if not in_service:
            signed = self._redeem(signature, session, Action.ALARM_OUT_OF_SERVICE, name)
            reason = reason or signed.reason
            details.update(signature_record=signed.record_id, signed_by=signed.user)
        self._record(session, Action.ALARM_OUT_OF_SERVICE, details, reason)
        self._runtime.submit(SetAlarmInService(name, in_service, reason, session.user))

    def alarm_history(self, **filters: Any) -> list[JournalRow]:
        """Journal rows (see AlarmJournal.query); empty when no journal is kept."""
        return [] if self.journal is None else self.journal.query(**filters)

    # ----- internals -----
    def _need_manual(self) -> None:
        snapshot = self._runtime.latest()
        if snapshot is not None and snapshot.mode != "manual":
            raise ValueError("manual gap and feed: switch the line to manual first")

    def _redeem(
        self, signature: Signature | None, session: Session, action: str, target: str
    ) -> Signature:
        if self._signatures is None:
            raise SignatureRefused(f"{action} on {target}: no signature issuer on this service")
        return self._signatures.redeem(signature, session, action, target)

    def _check(
        self,
        action: str,
        details: Mapping[str, object],
        reason: str,
        record_as: str | None = None,
    ) -> Session:
        session = self.session  # one session for the check, the record and the command
        authorize(self.audit, session, action, details, reason, record_as=record_as)
        return session

    def _record(
        self, session: Session, action: str, details: Mapping[str, object], reason: str
    ) -> None:
        if self.audit is not None:
            self.audit.record(session, action, details, reason)
