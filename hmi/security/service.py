"""The security service: who is logged in at the panel, login and lockout, auto-logout,
first-run set-up, electronic signatures, and the permission check other services call.

Time comes from an injectable clock (epoch seconds), so lockout and inactivity are tested on
a simulated clock. Everything here runs on the UI / service thread, never in the control loop.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher

from hmi.core.roles import Role
from hmi.history.store import connect, database_path
from hmi.security.accounts import Accounts
from hmi.security.anchor import AuditAnchor, anchor_path
from hmi.security.audit import AuditError, AuditRecord, AuditTrail, Verification
from hmi.security.export import export_csv
from hmi.security.guard import authorize
from hmi.security.login_check import PendingLogin, Verdict
from hmi.security.passwords import PasswordPolicy, make_hasher, verify_password
from hmi.security.permissions import Action, permission
from hmi.security.session import VIEWER, Session
from hmi.security.users import SecuritySettings, User, UserStore

Clock = Callable[[], float]
# One answer for every refused login: an unknown name, a wrong password, a locked or a disabled
# account all read the same, so the panel does not tell a guesser which accounts exist.
WRONG = "Login refused: wrong name or password, or account locked or disabled"
UNKNOWN_USER = "(unknown)"  # what the trail keeps of a name that is no account: maybe a password
SIGNATURE_LIFETIME_S = 120.0  # a signature is given for the action about to be done, now


class LoginFailed(Exception):
    """Login or signature refused; the message is fit to show at the panel."""


class AccountLocked(LoginFailed):
    def __init__(self, name: str, until: float) -> None:
        self.until = until
        stamp = time.strftime("%H:%M:%S", time.localtime(until))
        super().__init__(f"Account {name!r} is locked after failed attempts until {stamp}")


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


class SecurityService:
    def __init__(
        self,
        users: UserStore,
        audit: AuditTrail,
        *,
        clock: Clock = time.time,
        hasher: PasswordHasher | None = None,
        anchor: AuditAnchor | None = None,
    ) -> None:
        self.users = users
        self.audit = audit
        self.anchor = anchor
        self.clock = clock
        self.hasher = hasher or make_hasher()
        self.settings: SecuritySettings = users.settings()
        self._current = VIEWER
        self._last_activity = clock()
        self._dummy_hash: str | None = None
        self._issued: dict[str, Signature] = {}  # token -> signature not used yet
        self._seen_version: int | None = None
        self.accounts = Accounts(self)

    # ----- who is acting -----
    @property
    def current(self) -> Session:
        """Who is acting. An account disabled, removed, locked or given another role by anyone
        else (`hmi users`, another panel) since the login ends the session here."""
        if self._current.logged_in:
            self._follow_account()
        return self._current

    def _follow_account(self) -> None:
        # data_version moves only when another connection commits: one cheap query per call
        version = self.users.conn.execute("PRAGMA data_version").fetchone()[0]
        if version == self._seen_version:
            return
        self._seen_version = version
        session = self._current
        user = self.users.get(session.user)
        if user is None or user.disabled:
            self.logout("account disabled" if user else "account removed")
        elif user.locked(self.clock()):
            self.logout("account locked")
        elif user.role is not session.role:
            self.logout("role changed")

    @property
    def policy(self) -> PasswordPolicy:
        return PasswordPolicy(self.settings.password_min_length)

    def authorize(
        self,
        session: Session,
        action: str,
        details: Mapping[str, object] | None = None,
        reason: str = "",
    ) -> None:
        """Return if `session` may do `action`, else audit the attempt and raise
        PermissionDenied. Services without a home yet (recipes, alarms) call this."""
        authorize(self.audit, session, action, details, reason)

    def require(self, action: str, details: Mapping[str, object] | None = None) -> Session:
        """The panel's current session, if it may do `action` (else audited and refused)."""
        session = self._current
        self.authorize(session, action, details)
        return session

    # ----- first start -----
    def needs_first_admin(self) -> bool:
        """True on an empty store: the first user, an Administrator, must be created."""
        return self.users.count() == 0

    def create_first_admin(self, name: str, password: str) -> Session:
        """Create the first Administrator on an empty store and log them in."""
        self.accounts.add_first_admin(name, password)
        return self._start(self.users.get(name), previous=self._current)  # type: ignore[arg-type]

    # ----- login, logout, activity -----
    def login(self, name: str, password: str) -> Session:
        """Log `name` in at the panel (switching from whoever is logged in). Raises
        LoginFailed with one answer for every refusal; every attempt is audited. The password
        is checked against a hash in every case, so no answer comes faster than another.
        The panel runs the same three steps with `pending.check()` on a worker thread."""
        pending = self.begin_login(name, password)
        return self.finish_login(pending, pending.check())

    def begin_login(self, name: str, password: str) -> PendingLogin:
        """Step 1 (quick, reads the store): the account and the hash to check against."""
        self.settings = self.users.settings()
        user = self.users.get(name.strip())
        stored = self._dummy() if user is None else user.password_hash
        rehash = user is not None and self.hasher.check_needs_rehash(user.password_hash)
        return PendingLogin(name.strip(), user, stored, password, self.hasher, rehash)

    def finish_login(self, pending: PendingLogin, verdict: Verdict) -> Session:
        """Step 3 (quick, writes the store and the audit): act on step 2's verdict."""
        now = self.clock()
        user = pending.user
        if user is None:
            self._record_failure(UNKNOWN_USER, "session.login_failed", "unknown user")
            raise LoginFailed(WRONG)
        right = verdict.right
        if user.locked(now):
            self._record_failure(user.name, "session.login_failed", "locked")
            raise LoginFailed(WRONG)
        if not right:
            try:
                self.wrong_password(user, now, "session.login_failed")
            except AccountLocked:
                pass  # the trail says so; the panel answers as for any wrong password
            raise LoginFailed(WRONG)
        if user.disabled:
            self._record_failure(user.name, "session.login_failed", "disabled")
            raise LoginFailed(WRONG)
        changes: dict[str, object] = {}
        if verdict.new_hash is not None:  # hashed again with today's parameters
            changes["password_hash"] = verdict.new_hash
        return self._start(user, previous=self._current, **changes)

    def _start(self, user: User, previous: Session, **changes: object) -> Session:
        now = self.clock()
        if previous.logged_in:
            self.audit.record(previous, "session.logout", {}, "user switch")
        session = Session(user.name, user.role)
        fields = {"failed_attempts": 0, "locked_until": 0.0, "last_login": now, **changes}
        self.audit.record(
            session, "session.login", {}, apply=lambda: self.users.update(user.name, **fields)
        )
        self._current = session
        self._seen_version = None
        self._last_activity = now
        return session

    def logout(self, reason: str = "") -> None:
        """Back to Viewer. `reason`: empty for a user's own logout, "inactivity" etc."""
        session = self._current
        if not session.logged_in:
            return
        self._current = VIEWER
        self.audit.record(session, "session.logout", {}, reason)

    def touch(self) -> None:
        """Input at the panel: restarts the inactivity timer."""
        self._last_activity = self.clock()

    def idle_s(self) -> float:
        return self.clock() - self._last_activity

    def check_inactivity(self) -> bool:
        """Log out after the configured inactivity; True if it just did."""
        limit = self.settings.auto_logout_s
        if not self._current.logged_in or limit <= 0 or self.idle_s() < limit:
            return False
        self.logout("inactivity")
        return True

    def login_names(self) -> list[str]:
        """Enabled accounts, for the quick user switch at the panel."""
        return [u.name for u in self.users.all() if not u.disabled]

    # ----- the trail, for the Audit screen -----
    def audit_records(self, session: Session, **filters: Any) -> list[AuditRecord]:
        """Records matching `filters` (see AuditTrail.records); needs ``audit.view``."""
        self.authorize(session, Action.AUDIT_VIEW)
        return self.audit.records(**filters)

    def verify_audit(self, session: Session) -> Verification:
        self.authorize(session, Action.AUDIT_VIEW)
        return self.verify_anchored()

    def verify_anchored(self) -> Verification:
        """Walk the chain, compare it with the last anchor kept outside the database, and
        anchor the head when both agree (hmi.security.anchor)."""
        result = self.audit.verify()
        if not result.ok or self.anchor is None:
            return result
        problem = self.anchor.problem(self.audit)
        if problem:
            return Verification(False, result.records, result.head, None, problem)
        self.anchor.write(result.records, result.head, self.clock())
        return result

    def export_audit(self, session: Session, path: Path, **filters: Any) -> int:
        """Write the matching records to a CSV file; needs ``audit.export``; audited."""
        self.authorize(session, Action.AUDIT_EXPORT, {"file": str(path)})
        count = export_csv(self.audit.records(**filters), path)
        self.audit.record(session, Action.AUDIT_EXPORT, {"file": str(path), "records": count})
        return count

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

    # ----- failures and lockout -----
    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self.hasher.hash("not a password of anyone")
        return self._dummy_hash

    def _record_failure(self, name: str, action: str, why: str, **details: object) -> None:
        self.audit.append(
            name[:64], Role.VIEWER.label, action, {"why": why, "outcome": "failed", **details}
        )

    def wrong_password(self, user: User, now: float, action: str, **details: object) -> None:
        """Count a wrong password for `user` (audited); lock at the limit and raise
        AccountLocked then (logging the panel out if it is them)."""
        expired = 0 < user.locked_until <= now  # a lock that ran out starts a fresh count
        failed = (0 if expired else user.failed_attempts) + 1
        limit = self.settings.max_failed_attempts
        until = now + self.settings.lockout_s if failed >= limit else 0.0
        self.audit.append(
            user.name,
            Role.VIEWER.label,
            action,
            {"why": "wrong password", "attempt": failed, "locked": bool(until), **details}
            | {"outcome": "failed"},
            apply=lambda: self.users.update(user.name, failed_attempts=failed, locked_until=until),
        )
        if until:
            if self._current.user == user.name and self._current.logged_in:
                self.logout("account locked")
            raise AccountLocked(user.name, until)

    def close(self) -> None:
        self.audit.conn.close()


def open_security(
    data_dir: Path, *, clock: Clock = time.time, hasher: PasswordHasher | None = None
) -> SecurityService:
    """The security service of `data_dir`'s store (its own connection, migrated)."""
    conn = connect(database_path(data_dir))
    return SecurityService(
        UserStore(conn),
        AuditTrail(conn, clock),
        clock=clock,
        hasher=hasher,
        anchor=AuditAnchor(anchor_path(data_dir)),
    )
