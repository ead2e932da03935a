"""The security service: who is logged in at the panel, login and lockout, auto-logout,
first-run set-up, electronic signatures, and the permission check other services call.

Time comes from an injectable clock (epoch seconds), so lockout and inactivity are tested on
a simulated clock. Everything here runs on the UI / service thread, never in the control loop.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher

from hmi.core.roles import Role
from hmi.history.store import connect, database_path
from hmi.security.accounts import Accounts
from hmi.security.anchor import AuditAnchor, anchor_path
from hmi.security.audit import AuditRecord, AuditTrail, Verification
from hmi.security.export import export_csv
from hmi.security.guard import authorize
from hmi.security.login_check import AccountLocked, LoginFailed, PendingLogin, Verdict
from hmi.security.passwords import PasswordPolicy, make_hasher
from hmi.security.permissions import Action
from hmi.security.session import VIEWER, Session
from hmi.security.signatures import (  # noqa: F401 (re-exported: callers import them here)
    SIGNATURE_LIFETIME_S,
    Signature,
    SignatureIssuer,
    SignatureRefused,
)
from hmi.security.users import SecuritySettings, User, UserStore

Clock = Callable[[], float]
# One answer for every refused login: an unknown name, a wrong password, a locked or a disabled
# account all read the same, so the panel does not tell a guesser which accounts exist.
WRONG = "Login refused: wrong name or password, or account locked or disabled"
UNKNOWN_USER = "(unknown)"  # what the trail keeps of a name that is no account: maybe a password


class SecurityService(SignatureIssuer):
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
