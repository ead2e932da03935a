"""The audit trail anchored outside its database (issue 9, item 12): a trail truncated or
re-chained by someone with the file fails `hmi audit verify` against the anchor; a missing
audit table is a clean failure, not a traceback."""

from __future__ import annotations

import sqlite3

from hmi.app import main
from hmi.core.roles import Role
from hmi.history.store import database_path
from hmi.security import Session, make_hasher, open_security
from hmi.security.anchor import ANCHOR_FILENAME
from hmi.security.audit import GENESIS, record_hash

ANN = Session("ann", Role.OPERATOR)


def _trail_with(data_dir, n: int):
    security = open_security(data_dir, hasher=make_hasher(cheap=True))
    for i in range(n):
        security.audit.record(ANN, "setpoint.write", {"step": i})
    return security


def _tamper(data_dir) -> sqlite3.Connection:
    conn = sqlite3.connect(database_path(data_dir), isolation_level=None)
    conn.execute("DROP TRIGGER IF EXISTS audit_no_update")
    conn.execute("DROP TRIGGER IF EXISTS audit_no_delete")
    return conn


def test_every_verify_writes_the_head_outside_the_database(tmp_path):
    security = _trail_with(tmp_path, 3)
    result = security.verify_anchored()
    assert result.ok
    line = (tmp_path / ANCHOR_FILENAME).read_text().split()
    assert line[1:] == ["3", result.head]
    security.close()


def test_a_truncated_trail_with_a_consistent_head_is_caught_by_the_anchor(tmp_path, capsys):
    security = _trail_with(tmp_path, 5)
    assert security.verify_anchored().ok
    security.close()
    conn = _tamper(tmp_path)  # cut the last two records and fix the head: the chain is fine
    conn.execute("DELETE FROM audit WHERE id > 3")
    last = conn.execute("SELECT hash FROM audit WHERE id = 3").fetchone()[0]
    conn.execute("UPDATE audit_head SET last_id = 3, hash = ?", (last,))
    conn.close()
    assert main(["audit", "verify", "--data-dir", str(tmp_path)]) == 1
    assert "truncated" in capsys.readouterr().err


def test_a_rechained_trail_is_caught_by_the_anchor(tmp_path, capsys):
    security = _trail_with(tmp_path, 4)
    assert security.verify_anchored().ok
    security.close()
    conn = _tamper(tmp_path)  # rewrite record 2 and recompute every hash after it
    rows = conn.execute(
        "SELECT id, time, user, role, action, details, reason FROM audit ORDER BY id"
    ).fetchall()
    prev = GENESIS
    for rid, t, user, role, action, details, reason in rows:
        if rid == 2:
            details = '{"step":99}'
        digest = record_hash(prev, rid, t, user, role, action, details, reason)
        conn.execute(
            "UPDATE audit SET details = ?, prev_hash = ?, hash = ? WHERE id = ?",
            (details, prev, digest, rid),
        )
        prev = digest
    conn.execute("UPDATE audit_head SET hash = ?", (prev,))
    conn.close()
    checked = open_security(tmp_path, hasher=make_hasher(cheap=True))
    assert checked.audit.verify().ok  # the chain alone cannot tell
    checked.anchor.now(checked.audit)  # an anchor written after the rewrite does not whitewash it
    checked.close()
    assert main(["audit", "verify", "--data-dir", str(tmp_path)]) == 1
    assert "re-chained" in capsys.readouterr().err


def test_verify_with_the_audit_table_missing_is_a_clean_failure(tmp_path, capsys):
    _trail_with(tmp_path, 2).close()
    conn = _tamper(tmp_path)
    conn.execute("DROP TABLE audit")
    conn.close()
    assert main(["audit", "verify", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "cannot be read" in err and "Traceback" not in err


def test_the_alarm_journal_commits_as_durably_as_the_audit(tmp_path):
    from hmi.alarms.journal import AlarmJournal

    journal = AlarmJournal(database_path(tmp_path))
    try:
        assert journal.synchronous() == 2  # FULL: a committed alarm event survives a power cut
    finally:
        journal.close()
