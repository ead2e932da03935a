"""The hash chain: what verify accepts, what tampering it detects, append-only triggers,
atomic changes with their record, filters and CSV export."""

from __future__ import annotations

import csv
import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from hmi.core.roles import Role
from hmi.history.store import database_path
from hmi.security import AuditError, AuditTrail, Session
from hmi.security.audit import GENESIS, record_hash
from hmi.security.export import CSV_COLUMNS, export_csv

ROOT = Path(__file__).resolve().parents[2]
ANN = Session("ann", Role.OPERATOR)


@pytest.fixture
def trail(security) -> AuditTrail:
    for i in range(5):
        details = {"tag": "line_speed_sp_m_min", "old": 50.0 + i, "new": 51.0 + i, "unit": "m/min"}
        security.audit.record(ANN, "setpoint.write", details, f"step {i}")
    return security.audit


def raw(data_dir: Path) -> sqlite3.Connection:
    """A connection as a tamperer would open it (dropping the append-only triggers first)."""
    conn = sqlite3.connect(database_path(data_dir), isolation_level=None)
    conn.execute("DROP TRIGGER IF EXISTS audit_no_update")
    conn.execute("DROP TRIGGER IF EXISTS audit_no_delete")
    return conn


def hmi_audit(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hmi", "audit", *args, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_records_chain_from_genesis_with_sha256_over_the_canonical_fields(trail, clock):
    records = trail.records()
    assert [r.id for r in records] == [1, 2, 3, 4, 5]
    assert records[0].prev_hash == GENESIS
    for prev, record in zip(records, records[1:], strict=False):
        assert record.prev_hash == prev.hash
    r = records[2]
    payload = [
        r.prev_hash,
        3,
        f"{clock():.6f}",
        "ann",
        "Operator",
        "setpoint.write",
        r.details,
        "step 2",
    ]
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    assert r.hash == hashlib.sha256(text.encode()).hexdigest()
    assert r.details == '{"new":53.0,"old":52.0,"tag":"line_speed_sp_m_min","unit":"m/min"}'
    assert (
        record_hash(r.prev_hash, r.id, r.time, r.user, r.role, r.action, r.details, r.reason)
        == r.hash
    )
    result = trail.verify()
    assert result.ok and result.records == 5 and result.head == records[-1].hash


def test_the_trail_is_append_only_for_the_application(trail, tmp_path):
    conn = sqlite3.connect(database_path(tmp_path / "data"))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE audit SET user = 'eve' WHERE id = 2")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM audit WHERE id = 2")
    conn.close()


@pytest.mark.parametrize(
    ("tamper", "bad_id", "problem"),
    [
        ("UPDATE audit SET details = replace(details, '53.0', '43.0') WHERE id = 3", 3, "edited"),
        ("UPDATE audit SET user = 'bob' WHERE id = 2", 2, "edited"),
        ("UPDATE audit SET time = time - 3600 WHERE id = 4", 4, "edited"),
        ("DELETE FROM audit WHERE id = 2", 2, "missing"),
        ("DELETE FROM audit WHERE id = 5", 5, "truncated"),
        ("DELETE FROM audit_head", 5, "head"),
    ],
)
def test_tampering_in_sqlite_makes_verify_fail_at_the_first_bad_record(
    trail, tmp_path, tamper, bad_id, problem
):
    data_dir = tmp_path / "data"
    assert hmi_audit("verify", data_dir=data_dir).returncode == 0
    conn = raw(data_dir)
    conn.execute(tamper)
    conn.close()
    result = trail.verify()
    assert not result.ok and result.bad_id == bad_id and problem in result.problem
    out = hmi_audit("verify", data_dir=data_dir)
    assert out.returncode == 1, out.stdout + out.stderr
    assert f"broken at record {bad_id}" in out.stderr


def test_a_rewritten_record_with_a_recomputed_hash_breaks_the_next_link(trail, tmp_path):
    conn = raw(tmp_path / "data")
    r = trail.records()[1]
    forged = record_hash(r.prev_hash, r.id, r.time, "bob", r.role, r.action, r.details, r.reason)
    conn.execute("UPDATE audit SET user = 'bob', hash = ? WHERE id = 2", (forged,))
    conn.close()
    result = trail.verify()
    assert (result.ok, result.bad_id, result.problem) == (False, 3, "previous hash mismatch")


def test_a_change_and_its_record_commit_together_or_not_at_all(security, trail):
    def change() -> None:
        security.users.conn.execute("INSERT INTO security_settings (key, value) VALUES ('x', '1')")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        trail.record(ANN, "settings.change", {"x": 1}, apply=change)
    assert trail.last_id() == 5
    assert security.users.conn.execute("SELECT count(*) FROM security_settings").fetchone()[0] == 0
    assert trail.verify().ok


def test_a_write_the_store_refuses_is_an_audit_error(trail):
    trail.conn.execute("PRAGMA query_only = ON")
    with pytest.raises(AuditError, match="cannot write"):
        trail.record(ANN, "line.start")
    trail.conn.execute("PRAGMA query_only = OFF")
    assert trail.verify().ok


def test_filters_by_user_action_and_time(security, clock):
    trail = security.audit
    bob = Session("bob", Role.ENGINEER)
    trail.record(ANN, "session.login")
    clock.advance(3600)
    trail.record(bob, "session.login")
    trail.record(bob, "setpoint.write", {"tag": "web_width_mm"})
    trail.record(bob, "session_x")  # a prefix filter matches whole dotted parts only
    assert [r.user for r in trail.records(action="session")] == ["ann", "bob"]
    assert [r.action for r in trail.records(user="bob")] == [
        "session.login",
        "setpoint.write",
        "session_x",
    ]
    assert len(trail.records(since=clock() - 60)) == 3
    assert len(trail.records(until=clock() - 60)) == 1
    assert [r.id for r in trail.records(limit=2, newest_first=True)] == [4, 3]
    assert trail.distinct("user") == ["ann", "bob"]


def test_csv_export_holds_the_exact_hashed_fields(trail, tmp_path):
    path = tmp_path / "audit.csv"
    assert export_csv(trail.records(), path) == 5
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert tuple(rows[0]) == CSV_COLUMNS
    prev = GENESIS
    for row in rows:  # the chain re-checked from the CSV alone
        payload = [prev, int(row["id"]), row["epoch_time"], row["user"], row["role"]]
        payload += [row["action"], row["details"], row["reason"]]
        text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        assert hashlib.sha256(text.encode()).hexdigest() == row["hash"]
        prev = row["hash"]
    assert rows[0]["local_time"][:4] == "2026" and rows[0]["outcome"] == "ok"


def test_hmi_audit_export_csv(trail, tmp_path):
    out = hmi_audit("export", "--csv", str(tmp_path / "x.csv"), data_dir=tmp_path / "data")
    assert out.returncode == 0, out.stderr
    assert "exported 5 records" in out.stdout
    lines = (tmp_path / "x.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 6 and lines[0].startswith("id,local_time")
    assert trail.records()[-1].action == "audit.export"  # the export itself is on the trail


def test_records_read_as_one_line_for_people(security):
    from hmi.security.export import summary

    trail = security.audit
    change = {"tag": "web_width_mm", "old": 1000.0, "new": 800.0, "unit": "mm"}
    cases = [
        (change, "web_width_mm: 1000 → 800 mm"),
        ({"old": "auto", "new": "manual"}, "auto → manual"),
        (
            {"tag": "web_width_mm", "new": 800, "unit": "mm", "outcome": "denied"},
            "web_width_mm: 800 mm",
        ),
        ({"why": "wrong password", "locked": True}, "locked: yes; why: wrong password"),
        ({"kind": "gauge_fault", "params": {"mode": "nan"}}, "kind: gauge_fault; params: mode=nan"),
        ({"old": None, "new": 28.0, "unit": "mg/cm²"}, "— → 28 mg/cm²"),
    ]
    for details, text in cases:
        assert summary(trail.record(ANN, "x", details)) == text
