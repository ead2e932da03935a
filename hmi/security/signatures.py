"""Electronic signatures: a user re-enters the password for one action on one target; the
service issues a one-time token, audited, that the acting service redeems (once, soon, by
the same user, for that action and target). A mixin of SecurityService, which it needs for
the users, the audit trail, the hasher, the clock and the failure count."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from hmi.core.roles import Role
from hmi.security.audit import AuditError
from hmi.security.login_check import AccountLocked, LoginFailed
from hmi.security.passwords import verify_password
from hmi.security.permissions import permission
from hmi.security.session import Session

SIGNATURE_LIFETIME_S = 120.0  # a signature is given for the action about to be done, now


class SignatureRefused(PermissionError):
    """A signature that was not issued for this action on this target, by this user, or that
    was used already or has expired; the action is not carried out."""


@dataclass(frozen=True, slots=True)
class Signature:
    """An electronic signature: who signed which action on which target (an alarm's name, a
    recipe version's hash), meaning what, its audit record, and the one-time token the
    security service issued it under. Only `SecurityService.redeem` makes it count."""

    user: str
    role: Role
    action: str
    target: str
    meaning: str
    reason: str
    time: float
    record_id: int
    token: str


class SignatureIssuer:
    # ----- electronic signature -----
    def sign(
        self,
        session: Session,
        action: str,
        password: str,
        reason: str,
        *,
        target: str,
        details: Mapping[str, object] | None = None,
    ) -> Signature:
        """Sign a critical action on one target: the acting user re-enters their password and
        gives a reason; the `signature` record carries the meaning. The signature is good for
        that action on that target, once, for SIGNATURE_LIFETIME_S, by that user; the service
        that carries the action out redeems it and records the action itself. Failures count
        toward lockout."""
        meaning = permission(action).signature
        if meaning is None:
            raise ValueError(f"{action}: is not an action that is signed")
        if not str(target).strip():
            raise ValueError(f"{action}: a signature needs the thing it signs for")
        self.authorize(session, action, {**(details or {}), "target": target}, reason)
        if not reason.strip():
            raise ValueError(f"{action}: a signature needs a reason")
        now = self.clock()
        user = self.users.get(session.user)
        if user is None or user.disabled:
            self._record_failure(session.user, "signature.failed", "no such active user")
            raise LoginFailed(f"{session.user!r} cannot sign")
        if user.locked(now):
            self._record_failure(user.name, "signature.failed", "locked")
            raise AccountLocked(user.name, user.locked_until)
        if not verify_password(self.hasher, user.password_hash, password):
            self.wrong_password(user, now, "signature.failed", signing=action)
            raise LoginFailed("Wrong password: not signed")
        record = self.audit.record(
            session,
            "signature",
            {
                **(details or {}),
                "for": action,
                "target": target,
                "meaning": meaning,
                "signed_by": user.name,
            },
            reason,
            apply=lambda: self.users.update(user.name, failed_attempts=0),
        )
        self.touch()
        token = secrets.token_hex(16)
        signature = Signature(
            user.name, user.role, action, target, meaning, reason, record.time, record.id, token
        )
        self._issued[token] = signature
        return signature

    def redeem(
        self, signature: Signature | None, session: Session, action: str, target: str
    ) -> Signature:
        """Check `signature` for `action` on `target` by `session` and use it up. Raises
        SignatureRefused (audited) unless this service issued exactly it, unused and in time."""
        now = self.clock()
        for token, issued in list(self._issued.items()):  # forget the expired ones
            if now - issued.time > SIGNATURE_LIFETIME_S:
                del self._issued[token]
        problem = self._signature_problem(signature, session, action, target, now)
        if problem:
            details = {"for": action, "target": target, "why": problem, "outcome": "denied"}
            try:
                self.audit.record(session, "signature.refused", details)
            except AuditError:
                pass  # refused all the same
            raise SignatureRefused(f"{action} on {target}: signature refused: {problem}")
        assert signature is not None
        del self._issued[signature.token]
        return signature

    def _signature_problem(
        self, signature: Signature | None, session: Session, action: str, target: str, now: float
    ) -> str:
        if signature is None:
            return "no signature given"
        issued = self._issued.get(signature.token)
        if issued is None:
            used = now - signature.time <= SIGNATURE_LIFETIME_S
            return "already used or not issued here" if used else "expired or not issued here"
        if issued != signature:
            return "altered after it was issued"
        if signature.action != action or signature.target != target:
            return f"it was given for {signature.action} on {signature.target}"
        if signature.user.lower() != session.user.lower():
            return f"it was given by {signature.user}, not by {session.user}"
        return ""
