"""The line service: what the UI (or any client) calls to act on the line.

Every call is checked here — role, writability and range — before a command is queued, so a
caller that lacks the permission is refused whatever the UI shows. The runtime checks the range
again when it applies the command (defence in depth across a process boundary).
"""

from __future__ import annotations

from hmi.core.roles import Role
from hmi.core.tags import TagKind, tag
from hmi.runtime.commands import InjectFault, Mode, SetMode, StartLine, StopLine, WriteSetpoint
from hmi.runtime.loop import Runtime
from hmi.runtime.snapshot import Snapshot
from hmi.security.session import Session


class LineService:
    def __init__(self, runtime: Runtime, session: Session) -> None:
        self._runtime = runtime
        self.session = session

    def snapshot(self) -> Snapshot | None:
        return self._runtime.latest()

    def start(self) -> None:
        self.session.require(Role.OPERATOR, "start line")
        self._runtime.submit(StartLine(self.session.user))

    def stop(self) -> None:
        # Stopping is never refused to an operator; a viewer must use the hardwired stop.
        self.session.require(Role.OPERATOR, "stop line")
        self._runtime.submit(StopLine(self.session.user))

    def set_mode(self, mode: Mode) -> None:
        if mode not in ("auto", "manual"):
            raise ValueError(f"mode: {mode!r} is not one of auto, manual")
        self.session.require(Role.OPERATOR, "change mode")
        self._runtime.submit(SetMode(mode, self.session.user))

    def write_setpoint(self, name: str, value: float) -> float:
        """Validate and send a setpoint; returns the value sent. Raises KeyError for an unknown
        tag, PermissionDenied for a role that may not write it, TagRangeError out of range."""
        definition = tag(name)
        if definition.kind is not TagKind.SETPOINT or definition.write_role is None:
            raise ValueError(f"{name}: is not a writable setpoint")
        self.session.require(definition.write_role, f"write {name}")
        number = definition.check(value)
        self._runtime.submit(WriteSetpoint(name, number, self.session.user))
        return number

    def inject_fault(self, kind: str, **params: object) -> None:
        """Inject a disturbance on the emulated line (training, commissioning checks)."""
        self.session.require(Role.ENGINEER, f"inject {kind}")
        self._runtime.submit(InjectFault(kind, dict(params), self.session.user))
