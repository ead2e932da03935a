"""`hmi users ...` and `hmi audit ...`: administration for headless installs, without Qt.

The command line acts as an Administrator named ``<os user>@cli``: whoever can run it on the
machine can already read and write the data directory. Every change it makes is audited.
Passwords come from a prompt (getpass, asked twice) or, when stdin is not a terminal, from its
first line: ``echo "$PW" | hmi users add ann --role operator``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import re
import sys
import time
from pathlib import Path
from typing import TextIO

from argon2 import PasswordHasher

from hmi.core.roles import Role
from hmi.history.store import StoreError
from hmi.security.accounts import AccountError
from hmi.security.audit import AuditError
from hmi.security.export import export_csv, local_time
from hmi.security.passwords import PolicyError, parse_role
from hmi.security.service import SecurityService, open_security
from hmi.security.session import Session
from hmi.security.users import SecuritySettings

ROLE_NAMES = [r.label.lower() for r in Role if r is not Role.VIEWER]
SETTINGS = {
    "max_failed_attempts": "consecutive failed logins that lock an account",
    "lockout_s": "seconds a locked account stays locked",
    "auto_logout_s": "seconds without input before the panel logs out (0: never)",
    "password_min_length": "minimum password length",
}


def _data_dir_option(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: given after the subcommand it wins, otherwise the top-level value stays.
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="where the embedded store lives (as for the window)",
    )


def _command(sub, name: str, help_text: str, *, reason: bool = True) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_text, description=help_text)
    _data_dir_option(parser)
    if reason:
        parser.add_argument("--reason", default="", help="why, recorded in the audit trail")
    return parser


def add_parsers(commands) -> None:
    """Add the `users` and `audit` subcommands to the top-level subparsers."""
    users = commands.add_parser("users", help="add, list, disable user accounts (headless)")
    sub = users.add_subparsers(dest="users_command", metavar="", required=True)
    add = _command(sub, "add", "add a user; the password is prompted or read from stdin")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLE_NAMES, help="the user's role")
    _command(sub, "list", "list the users, their role and status", reason=False)
    for name, text in (
        ("disable", "disable a user (they can no longer log in)"),
        ("enable", "enable a user again and clear a lockout"),
        ("passwd", "set a user's password (prompted or from stdin); clears a lockout"),
    ):
        _command(sub, name, text).add_argument("name")
    role = _command(sub, "role", "change a user's role")
    role.add_argument("name")
    role.add_argument("role", choices=ROLE_NAMES)
    settings = _command(sub, "settings", "show the security settings, or change them")
    for key, text in SETTINGS.items():
        settings.add_argument(f"--{key.replace('_', '-')}", dest=key, metavar="N", help=text)

    audit = commands.add_parser("audit", help="verify or export the audit trail (headless)")
    sub = audit.add_subparsers(dest="audit_command", metavar="", required=True)
    verify_help = "check the hash chain; exit 1 naming the first bad record"
    _command(sub, "verify", verify_help, reason=False)
    export = _command(sub, "export", "export the audit trail (CSV)", reason=False)
    export.add_argument("--csv", metavar="FILE", required=True, help="CSV file to write")
    show = _command(sub, "list", "print the latest records", reason=False)
    show.add_argument("--last", type=int, default=50, metavar="N", help="how many (default 50)")
    for parser in (export, show):
        parser.add_argument("--user", help="only this user's records")
        parser.add_argument("--action", help="only this action (or prefix: session, user)")
        parser.add_argument("--since", help="from: ISO date/time or age like 8h, 7d")
        parser.add_argument("--until", help="to: ISO date/time")


def cli_session() -> Session:
    try:
        who = getpass.getuser()
    except Exception:  # no user name in the environment (containers)
        who = "unknown"
    return Session(f"{who}@cli", Role.ADMINISTRATOR)


def read_password(stdin: TextIO, confirm: bool = True) -> str:
    if stdin.isatty():
        first = getpass.getpass("Password: ")
        if confirm and getpass.getpass("Repeat password: ") != first:
            raise PolicyError("the passwords differ")
        return first
    line = stdin.readline()
    return line[:-1] if line.endswith("\n") else line


def parse_time(text: str | None, now: float) -> float | None:
    """'2026-05-01', '2026-05-01T08:00' (local time) or an age: '30m', '8h', '7d'."""
    if not text:
        return None
    age = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([smhd])", text.strip())
    if age:
        return now - float(age[1]) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[age[2]]
    try:
        return dt.datetime.fromisoformat(text).timestamp()
    except ValueError:
        raise PolicyError(f"{text!r} is not a date/time (2026-05-01T08:00) or age (8h)") from None


def run(
    args: argparse.Namespace,
    data_dir: Path,
    *,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
    hasher: PasswordHasher | None = None,
) -> int:
    """Run `hmi users ...` / `hmi audit ...`; 0 ok, 1 audit trail broken, 2 refused."""
    stdin, out, err = stdin or sys.stdin, out or sys.stdout, err or sys.stderr
    prog = f"hmi {args.command} {getattr(args, f'{args.command}_command')}"
    try:
        security = open_security(data_dir, hasher=hasher)
    except (StoreError, OSError) as exc:
        print(f"{prog}: {exc}", file=err)
        return 2
    try:
        if args.command == "audit":
            return _audit(security, args, out, err, prog)
        return _users(security, args, stdin, out)
    except (PolicyError, AccountError, AuditError, KeyError, ValueError, OSError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"{prog}: {message}", file=err)
        return 2
    finally:
        security.close()


def _users(security: SecurityService, args: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    accounts, session, command = security.accounts, cli_session(), args.users_command
    if command == "add":
        role = parse_role(args.role)
        accounts.add(session, args.name, role, read_password(stdin), args.reason)
        print(f"added {args.name} ({role.label})", file=out)
    elif command == "list":
        now = time.time()
        print(f"{'NAME':<20} {'ROLE':<14} {'STATUS':<9} LAST LOGIN", file=out)
        for u in accounts.list(session):
            last = local_time(u.last_login)[:19] if u.last_login else "never"
            print(f"{u.name:<20} {u.role.label:<14} {u.status(now):<9} {last}", file=out)
    elif command == "disable":
        accounts.disable(session, args.name, args.reason)
        print(f"disabled {args.name}", file=out)
    elif command == "enable":
        accounts.enable(session, args.name, args.reason)
        print(f"enabled {args.name}", file=out)
    elif command == "passwd":
        accounts.set_password(session, args.name, read_password(stdin), args.reason)
        print(f"password of {args.name} changed", file=out)
    elif command == "role":
        accounts.set_role(session, args.name, parse_role(args.role), args.reason)
        print(f"{args.name} is now {parse_role(args.role).label}", file=out)
    elif command == "settings":
        changes = {k: getattr(args, k) for k in SETTINGS if getattr(args, k) is not None}
        if changes:
            accounts.update_settings(session, args.reason, **changes)
        current: SecuritySettings = accounts.settings()
        for key in SETTINGS:
            print(f"{key:<22} {getattr(current, key)}", file=out)
    return 0


def _audit(
    security: SecurityService, args: argparse.Namespace, out: TextIO, err: TextIO, prog: str
) -> int:
    trail, command = security.audit, args.audit_command
    if command == "verify":
        result = security.verify_anchored()
        print(f"{prog}: {result}", file=out if result.ok else err)
        return 0 if result.ok else 1
    now = time.time()
    filters = dict(
        user=args.user,
        action=args.action,
        since=parse_time(args.since, now),
        until=parse_time(args.until, now),
    )
    if command == "export":
        path = Path(args.csv)
        count = export_csv(trail.records(**filters), path)
        trail.record(cli_session(), "audit.export", {"file": str(path), "records": count})
        print(f"exported {count} records to {path}", file=out)
        return 0
    records = trail.records(**filters, limit=args.last, newest_first=True)
    for r in reversed(records):
        line = f"{r.id:>6} {local_time(r.time)[:19]} {r.user:<16} {r.role:<13} {r.action:<22}"
        print(f"{line} {r.details} {r.reason}".rstrip(), file=out)
    return 0
