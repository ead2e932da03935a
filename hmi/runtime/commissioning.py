"""The commissioning service: what the Commissioning screen reads and the loop check it may do.

Reading (link state, statistics, the I/O list) is open to everyone who can see the panel.
Forcing one output for a loop check is allowed only to an Engineer or higher, only with the
line stopped, and every force and release is audited — checked here, whatever the UI shows.
The driver keeps the force under its own lock and drops it when the line is started.
"""

from __future__ import annotations

import math
from typing import Protocol

from hmi.core.tags import tag
from hmi.hardware.fieldbus import LinkDiagnostics
from hmi.runtime.service import LineService
from hmi.security.guard import authorize
from hmi.security.permissions import Action

STOPPED_BELOW_M_MIN = 0.5  # the drive has run down: nothing moves while a loop check runs


class Forceable(Protocol):
    def diagnostics(self) -> LinkDiagnostics: ...

    def force(self, tag: str, value: float) -> None: ...

    def release(self) -> None: ...


class LoopCheckRefused(ValueError):
    """A loop check that may not be done now (line running, not an output, no fieldbus)."""


class CommissioningService:
    def __init__(self, line: LineService, profile: object) -> None:
        self._line = line
        self._profile = profile if hasattr(profile, "diagnostics") else None
        self.profile_name = getattr(profile, "name", "")

    @property
    def has_fieldbus(self) -> bool:
        return self._profile is not None

    def diagnostics(self) -> LinkDiagnostics | None:
        return None if self._profile is None else self._profile.diagnostics()

    @property
    def control_priority(self) -> str:
        """The control thread's scheduling class, for the maintenance technician."""
        return self._line.control_priority

    def may_force(self) -> bool:
        return self._line.may(Action.IO_FORCE)

    def line_stopped(self) -> bool:
        snap = self._line.snapshot()
        if snap is None:
            return False
        running = snap.values.get("line_running", math.nan)
        speed = snap.values.get("line_speed_m_min", math.nan)
        return not snap.running and running == 0.0 and speed < STOPPED_BELOW_M_MIN

    def force_output(self, name: str, value: float, reason: str = "") -> float:
        """Hold output `name` at `value` (engineering units) for a loop check."""
        details: dict[str, object] = {"tag": name, "value": value, "unit": tag(name).unit}
        session = self._line.session
        authorize(self._line.audit, session, Action.IO_FORCE, details, reason)
        number = tag(name).check(value)
        if self._profile is None:
            raise LoopCheckRefused("this profile has no fieldbus outputs to force")
        if not self.line_stopped():
            raise LoopCheckRefused("loop check: stop the line first")
        try:
            self._profile.force(name, number)
        except ValueError as exc:
            raise LoopCheckRefused(str(exc)) from None
        if self._line.audit is not None:
            self._line.audit.record(session, Action.IO_FORCE, details, reason)
        return number

    def release_all(self, reason: str = "") -> None:
        session = self._line.session
        authorize(self._line.audit, session, Action.IO_FORCE, {"release": True}, reason)
        if self._profile is not None:
            self._profile.release()
        if self._line.audit is not None:
            self._line.audit.record(session, Action.IO_FORCE, {"release": True}, reason)
