"""A process killed with SIGKILL in the middle of audit writes loses no committed record and
never leaves a broken chain: the children print each id after its commit returned; the parent
kills them mid-run and checks every id it saw is stored and the chain verifies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from hmi.history.store import connect, database_path
from hmi.security.audit import AuditTrail

ROOT = Path(__file__).resolve().parents[2]


def writer(data_dir: Path, name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.security.audit_writer", str(data_dir), name],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_sigkill_mid_write_loses_no_committed_record_and_keeps_the_chain(tmp_path):
    data_dir = tmp_path / "data"
    connect(database_path(data_dir)).close()  # the store exists before the children race
    seen: set[int] = set()
    for round_ in range(3):  # the chain carries on across kills
        children = [writer(data_dir, f"w{round_}{i}") for i in range(2)]  # two at once
        for target, child in zip((40, 25), children, strict=True):
            for _ in range(target):
                line = child.stdout.readline()
                assert line, "writer died early"
                seen.add(int(line))
        for child in children:
            os.kill(child.pid, signal.SIGKILL)
        for child in children:
            rest, _ = child.communicate(timeout=30)  # printed before the kill: committed
            seen.update(int(x) for x in rest.split())
            assert child.returncode == -signal.SIGKILL
        trail = AuditTrail(connect(database_path(data_dir)))
        result = trail.verify()
        stored = {r.id for r in trail.records()}
        trail.conn.close()
        assert result.ok, str(result)
        assert seen <= stored, f"committed but lost: {sorted(seen - stored)[:10]}"
        assert stored == set(range(1, len(stored) + 1))
