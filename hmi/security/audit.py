"""The audit trail: an append-only, hash-chained record of who did what, when and why.

Each record's hash is sha256 over a canonical serialization of (previous record's hash, id,
time, user, role, action, details, reason); the first record chains to `GENESIS`. A record
edited or deleted in the database breaks the chain at that record; `audit_head` (written in the
same transaction as each record) holds the last id and hash, so a truncated tail shows too.
A reader with write access to the file could rewrite the whole chain: hmi.security.anchor keeps
the head outside the file (system log, anchor file) and a verify compares the two.

Every append is one `BEGIN IMMEDIATE` transaction on the store (WAL, synchronous FULL on this
connection): a record whose commit returned survives a killed process and a power cut, and a
half-written one is rolled back on the next open, so the chain is never left broken.
"""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from hmi.security.session import Session

GENESIS = "0" * 64
Clock = Callable[[], float]


class AuditError(RuntimeError):
    """The audit record could not be written; the action it describes was not carried out."""


@dataclass(frozen=True, slots=True)
class AuditRecord:
    id: int
    time: float
    user: str
    role: str
    action: str
    details: str  # canonical JSON object
    reason: str
    prev_hash: str
    hash: str

    @property
    def data(self) -> dict[str, object]:
        return json.loads(self.details)

    @property
    def outcome(self) -> str:
        return str(self.data.get("outcome", "ok"))


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    records: int
    head: str  # hash of the last good record
    bad_id: int | None = None
    problem: str = ""

    def __str__(self) -> str:
        if self.ok:
            return f"audit trail intact: {self.records} records, head {self.head}"
        if self.bad_id is None:
            return f"audit trail broken: {self.problem}"
        return f"audit trail broken at record {self.bad_id}: {self.problem}"


def _plain(value: object) -> object:
    """JSON-safe: NaN and infinities become strings, unknown objects their repr."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return repr(value)


def canonical_details(details: Mapping[str, object] | None) -> str:
    return json.dumps(
        _plain(dict(details or {})), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def time_text(t: float) -> str:
    """The time as it enters the hash: epoch seconds with six decimals."""
    return f"{t:.6f}"


def record_hash(
    prev_hash: str,
    record_id: int,
    t: float,
    user: str,
    role: str,
    action: str,
    details: str,
    reason: str,
) -> str:
    payload = [prev_hash, record_id, time_text(t), user, role, action, details, reason]
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_COLUMNS = "id, time, user, role, action, details, reason, prev_hash, hash"


class AuditTrail:
    """Appends and reads the trail through one connection (used from one thread at a time; a
    lock serialises callers that share it)."""

    def __init__(self, conn: sqlite3.Connection, clock: Clock = time.time) -> None:
        self.conn = conn
        self.clock = clock
        self._lock = threading.RLock()
        # A committed audit record must survive a power cut, not only a killed process.
        conn.execute("PRAGMA synchronous = FULL")

    def append(
        self,
        user: str,
        role: str,
        action: str,
        details: Mapping[str, object] | None = None,
        reason: str = "",
        *,
        apply: Callable[[], None] | None = None,
    ) -> AuditRecord:
        """Append one record and return it once committed. `apply`, if given, runs inside the
        same transaction first (a user change and its record commit together, or neither).
        Raises AuditError if the store refuses; whatever `apply` raises rolls back and
        propagates unchanged."""
        text = canonical_details(details)
        with self._lock:
            conn = self.conn
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise AuditError(f"audit trail: cannot write: {exc}") from exc
            try:
                if apply is not None:
                    apply()
                head = conn.execute("SELECT last_id, hash FROM audit_head").fetchone()
                last_id, prev = head if head else (0, GENESIS)
                record_id = int(last_id) + 1
                t = round(self.clock(), 6)
                digest = record_hash(prev, record_id, t, user, role, action, text, reason)
                row = (record_id, t, user, role, action, text, reason, prev, digest)
                conn.execute(f"INSERT INTO audit ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)", row)
                conn.execute(
                    "INSERT OR REPLACE INTO audit_head (one, last_id, hash) VALUES (1, ?, ?)",
                    (record_id, digest),
                )
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise AuditError(f"audit trail: cannot write: {exc}") from exc
            except BaseException:
                self._rollback()
                raise
        return AuditRecord(*row)

    def record(
        self,
        session: Session,
        action: str,
        details: Mapping[str, object] | None = None,
        reason: str = "",
        *,
        apply: Callable[[], None] | None = None,
    ) -> AuditRecord:
        """Append a record of `session` acting."""
        return self.append(session.user, session.role.label, action, details, reason, apply=apply)

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    # ----- reading -----
    def records(
        self,
        *,
        user: str | None = None,
        action: str | None = None,
        since: float | None = None,
        until: float | None = None,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> list[AuditRecord]:
        """Records matching every filter given; `action` matches exactly or as a prefix
        ending in a dot (``session`` matches ``session.login``)."""
        where, args = [], []
        if user:
            where.append("user = ?")
            args.append(user)
        if action:
            where.append("(action = ? OR action LIKE ? ESCAPE '\\')")
            escaped = action.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            args += [action, escaped + ".%"]
        if since is not None:
            where.append("time >= ?")
            args.append(since)
        if until is not None:
            where.append("time <= ?")
            args.append(until)
        sql = f"SELECT {_COLUMNS} FROM audit"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id DESC" if newest_first else " ORDER BY id"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self._lock:
            return [AuditRecord(*row) for row in self.conn.execute(sql, args)]

    def record_by_id(self, record_id: int) -> AuditRecord | None:
        with self._lock:
            row = self.conn.execute(
                f"SELECT {_COLUMNS} FROM audit WHERE id = ?", (record_id,)
            ).fetchone()
        return AuditRecord(*row) if row else None

    def head(self) -> tuple[int, str]:
        """(records, hash of the last one) as the head row holds them; (0, GENESIS) if empty."""
        with self._lock:
            row = self.conn.execute("SELECT last_id, hash FROM audit_head").fetchone()
        return (int(row[0]), str(row[1])) if row else (0, GENESIS)

    def last_id(self) -> int:
        with self._lock:
            row = self.conn.execute("SELECT max(id) FROM audit").fetchone()
        return int(row[0] or 0)

    def distinct(self, column: str) -> list[str]:
        if column not in ("user", "action", "role"):
            raise ValueError(f"column: {column!r} is not user, action or role")
        with self._lock:
            rows = self.conn.execute(f"SELECT DISTINCT {column} FROM audit ORDER BY 1")
            return [r[0] for r in rows]

    def _iter_all(self) -> Iterator[tuple]:
        cursor = self.conn.execute(f"SELECT {_COLUMNS} FROM audit ORDER BY id")
        while rows := cursor.fetchmany(1000):
            yield from rows

    def verify(self) -> Verification:
        """Walk the chain from the first record; report the first record that does not fit."""
        with self._lock:
            self.conn.execute("BEGIN")  # one consistent read snapshot
            try:
                return self._verify()
            except sqlite3.DatabaseError as exc:  # a table dropped, a damaged file
                return Verification(False, 0, GENESIS, None, f"cannot be read: {exc}")
            finally:
                self.conn.execute("ROLLBACK")

    def _verify(self) -> Verification:
        prev, expected_id, count = GENESIS, 1, 0
        for row in self._iter_all():
            record = AuditRecord(*row)
            if record.id != expected_id:
                return Verification(
                    False, count, prev, expected_id, f"missing (next record is {record.id})"
                )
            if record.prev_hash != prev:
                return Verification(False, count, prev, record.id, "previous hash mismatch")
            digest = record_hash(
                prev, record.id, record.time, record.user, record.role, record.action,
                record.details, record.reason,
            )  # fmt: skip
            if digest != record.hash:
                return Verification(False, count, prev, record.id, "hash mismatch (edited)")
            prev, expected_id, count = record.hash, expected_id + 1, count + 1
        head = self.conn.execute("SELECT last_id, hash FROM audit_head").fetchone()
        if head is None and count:
            return Verification(False, count, prev, count, "head record missing")
        if head is not None and (int(head[0]), head[1]) != (count, prev):
            missing = count + 1 if int(head[0]) > count else int(head[0])
            return Verification(False, count, prev, missing, "missing at the end (truncated)")
        return Verification(True, count, prev)
