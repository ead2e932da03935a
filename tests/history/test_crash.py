"""A SIGKILL during ingest loses nothing committed, and the roll-ups come back exact."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from tests.history.test_tiers import _assert_rollups_exact, _historian, _offer_10hz, _raw

ROOT = Path(__file__).resolve().parents[2]
KILL_AFTER_ROWS = 3_000  # 5 min of 10 Hz samples: several minute buckets closed


def test_kill_9_during_ingest_loses_nothing_committed(tmp_path: Path) -> None:
    db = tmp_path / "data" / "hmi.sqlite3"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.history.ingest_child", str(db)],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.PIPE,
        text=True,
    )
    guard = threading.Timer(120, proc.kill)  # a hung child fails the test, not the suite
    guard.start()
    committed = dropped = 0
    try:
        for line in proc.stdout:
            committed, dropped = map(int, line.split())
            if committed >= KILL_AFTER_ROWS:
                proc.send_signal(signal.SIGKILL)  # mid-ingest: the writer is still busy
                break
    finally:
        guard.cancel()
        proc.kill()
        proc.wait(10)
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    assert committed >= KILL_AFTER_ROWS and dropped == 0

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    raw = _raw(db)
    assert len(raw) >= committed  # every row reported committed is there ...
    assert [r[1] for r in raw] == [float(k) for k in range(len(raw))]  # ... none torn or lost
    # the roll-ups on disk agree with the raw rows (only each tier's open bucket missing)
    _assert_rollups_exact(db, "rollup_1s", 1)
    _assert_rollups_exact(db, "rollup_1min", 60)

    # reopening rebuilds the open buckets from raw; ingest continues where it stopped
    n = len(raw)
    h = _historian(tmp_path)
    _offer_10hz(h, range(n, n + 1_000), value=float)
    h.close()
    assert len(_raw(db)) == n + 1_000
    _assert_rollups_exact(db, "rollup_1s", 1)
    _assert_rollups_exact(db, "rollup_1min", 60)
