"""Access control and the audit trail: users, roles, permissions, sessions, signatures.

Qt-free. Stores its tables in the embedded store of hmi.history (the layer below).
"""

from hmi.security.accounts import AccountError, Accounts
from hmi.security.audit import AuditError, AuditRecord, AuditTrail, Verification
from hmi.security.guard import authorize
from hmi.security.passwords import PasswordPolicy, PolicyError, make_hasher, parse_role
from hmi.security.permissions import PERMISSIONS, Action, Permission, allowed, setpoint_action
from hmi.security.service import (
    AccountLocked,
    LoginFailed,
    SecurityService,
    Signature,
    SignatureRefused,
    open_security,
)
from hmi.security.session import VIEWER, FixedSession, PermissionDenied, Session, SessionSource
from hmi.security.users import SecuritySettings, User, UserStore

__all__ = [
    "PERMISSIONS",
    "VIEWER",
    "AccountError",
    "AccountLocked",
    "Accounts",
    "Action",
    "AuditError",
    "AuditRecord",
    "AuditTrail",
    "FixedSession",
    "LoginFailed",
    "PasswordPolicy",
    "Permission",
    "PermissionDenied",
    "PolicyError",
    "SecurityService",
    "SecuritySettings",
    "Session",
    "SessionSource",
    "Signature",
    "SignatureRefused",
    "User",
    "UserStore",
    "Verification",
    "allowed",
    "authorize",
    "make_hasher",
    "open_security",
    "parse_role",
    "setpoint_action",
]
