"""Anchoring the audit trail outside its database.

The hash chain shows an edited or deleted record, but someone with the database file could
truncate the trail or rewrite the whole chain consistently. So the head (last id and hash) is
also written outside the file — to the system log (syslog, where the machine has one) and to an
append-only anchor file (`HMI_AUDIT_ANCHOR`, default `audit-anchor.log` beside the store; put
it on another volume or a log host for a stronger anchor) — on every `hmi audit verify` and
every hour while the HMI runs. A verify then compares the trail with every anchor: fewer
records than anchored is a truncation, another hash at an anchored id is a re-chained trail.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from hmi.core.files import make_private
from hmi.security.audit import AuditTrail

log = logging.getLogger(__name__)
ANCHOR_ENV = "HMI_AUDIT_ANCHOR"
ANCHOR_FILENAME = "audit-anchor.log"
ANCHOR_INTERVAL_S = 3600.0
SYSLOG_SOCKETS = ("/dev/log", "/var/run/syslog")


@dataclass(frozen=True, slots=True)
class Anchor:
    time: float
    records: int
    head: str


def anchor_path(data_dir: Path) -> Path:
    return Path(os.environ.get(ANCHOR_ENV) or Path(data_dir) / ANCHOR_FILENAME)


class AuditAnchor:
    def __init__(self, path: Path, *, syslog: bool = True) -> None:
        self.path = Path(path)
        self._syslog = _syslog_logger() if syslog else None

    def all(self) -> list[Anchor]:
        """Every anchor in the file, oldest first (none if it does not exist yet)."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except OSError:
            return []
        anchors = []
        for line in lines:
            parts = line.split()
            if len(parts) == 3 and parts[1].isdigit():
                try:
                    anchors.append(Anchor(float(parts[0]), int(parts[1]), parts[2]))
                except ValueError:
                    continue
        return anchors

    def write(self, records: int, head: str, now: float | None = None) -> Anchor:
        anchor = Anchor(time.time() if now is None else now, records, head)
        if not self.path.exists():
            make_private(self.path)
        with self.path.open("a", encoding="utf-8") as f:
            f.write(f"{anchor.time:.3f} {anchor.records} {anchor.head}\n")
            f.flush()
            os.fsync(f.fileno())
        if self._syslog is not None:
            self._syslog.info("dry-electrode-hmi audit head: records=%d hash=%s", records, head)
        return anchor

    def problem(self, trail: AuditTrail) -> str:
        """'' if the trail holds every anchored record with its anchored hash; else what is
        wrong. Every anchor counts, not only the last: an anchor written after someone
        rewrote the file does not make the rewrite pass."""
        have = trail.last_id()
        seen: dict[int, str] = {}
        for anchor in self.all():
            if anchor.records == 0 or seen.get(anchor.records) == anchor.head:
                continue
            seen[anchor.records] = anchor.head
            stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(anchor.time))
            if have < anchor.records:
                return (
                    f"truncated: the trail ends at record {have}, the anchor of {stamp} saw "
                    f"{anchor.records} records"
                )
            record = trail.record_by_id(anchor.records)
            if record is None or record.hash != anchor.head:
                return (
                    f"re-chained: record {anchor.records} does not carry the hash anchored at "
                    f"{stamp}"
                )
        return ""

    def now(self, trail: AuditTrail) -> Anchor:
        """Anchor the trail's present head (hourly, while the HMI runs)."""
        records, head = trail.head()
        return self.write(records, head)


def _syslog_logger() -> logging.Logger | None:
    for address in SYSLOG_SOCKETS:
        if os.path.exists(address):
            logger = logging.getLogger("hmi.audit.anchor.syslog")
            if not logger.handlers:
                try:
                    logger.addHandler(logging.handlers.SysLogHandler(address=address))
                except OSError:
                    return None
                logger.setLevel(logging.INFO)
                logger.propagate = False
            return logger
    return None


class HourlyAnchor:
    """Anchors the trail's head every `interval_s` on a thread of its own (own connection)."""

    def __init__(self, db_path: Path, anchor: AuditAnchor, interval_s: float = ANCHOR_INTERVAL_S):
        self._db_path = Path(db_path)
        self._anchor = anchor
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="audit-anchor", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        from hmi.history.store import connect

        conn = connect(self._db_path)
        try:
            trail = AuditTrail(conn)
            while True:
                try:
                    self._anchor.now(trail)
                except Exception as exc:  # an anchor that cannot be written must not kill the HMI
                    log.error("audit anchor not written: %s", exc)
                if self._stop.wait(self._interval_s):
                    return
        finally:
            conn.close()

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5.0)
