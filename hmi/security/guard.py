"""The one permission check every service uses: allowed, or audited and refused."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from hmi.security.audit import AuditError, AuditTrail
from hmi.security.session import PermissionDenied, Session

log = logging.getLogger(__name__)


def authorize(
    audit: AuditTrail | None,
    session: Session,
    action: str,
    details: Mapping[str, object] | None = None,
    reason: str = "",
    *,
    record_as: str | None = None,
) -> None:
    """Return if `session` may perform `action`; otherwise record the refused attempt (outcome
    "denied", under `record_as` if given, e.g. ``setpoint.write`` for a per-tag action) and
    raise PermissionDenied. A refusal is never turned into anything else: if the
    record cannot be written, the error is logged and PermissionDenied is still raised."""
    if session.may(action):
        return
    if audit is not None:
        try:
            denied = {**(details or {}), "outcome": "denied"}
            audit.record(session, record_as or action, denied, reason)
        except AuditError as exc:
            log.error("could not record a refused %s by %s: %s", action, session.user, exc)
    raise PermissionDenied(session, action)
