"""Roll records: stored whole, read back the same, never changed, and a kill -9 at a roll
change loses no roll whose commit had returned."""

import json
import math
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hmi.quality.roll_store import RollStore, RollWriter
from hmi.quality.rolls import RollTracker

ROOT = Path(__file__).resolve().parents[2]


def _rolls(n=2):
    done = []
    tracker = RollTracker(10.0, 1.5, lambda r, m: done.append((r, m)))
    tracker.set_context("LFP 30", 2, 30.0, 1000.0)
    for i in range(1, 10 * n + 1):
        tracker.advance(i, 1e9 + i, float(i), energy_kwh=0.1, powder_kg=1.0)
        tracker.judge(30.0 + (1.0 if i == 5 else 0.0))
        zones = 30.0 + 0.02 * np.arange(24)
        tracker.add_mean(float(zones.mean()), 150.0)
        tracker.add_zones(float(i), zones)
    return done


def test_a_roll_reads_back_as_written(tmp_path):
    store = RollStore(tmp_path / "hmi.sqlite3")
    (record, roll_map), _ = _rolls()
    roll_id = store.add(record, roll_map)
    assert store.get(roll_id) == record
    assert store.rolls()[0] == (roll_id, record)
    back = store.roll_map(roll_id)
    assert back.positions_m == roll_map.positions_m
    assert np.allclose(back.as_array(), roll_map.as_array(), atol=1e-5)  # float32
    assert record.offspec_m == 1.0 and record.offspec_ranges_m == ((5.0, 6.0),)
    assert math.isfinite(record.cpk)


def test_roll_records_are_never_changed(tmp_path):
    store = RollStore(tmp_path / "hmi.sqlite3")
    (record, roll_map), _ = _rolls()
    roll_id = store.add(record, roll_map)
    conn = sqlite3.connect(tmp_path / "hmi.sqlite3")
    for sql in ("UPDATE rolls SET length_m = 1", "DELETE FROM rolls", "DELETE FROM roll_maps"):
        with pytest.raises(sqlite3.DatabaseError, match="never changed"):
            conn.execute(sql)
    assert store.get(roll_id) == record


def test_the_writer_commits_off_the_calling_thread(tmp_path):
    store = RollStore(tmp_path / "hmi.sqlite3")
    writer = RollWriter(store)
    writer.start()
    for record, roll_map in _rolls(3):
        writer.offer(record, roll_map)
    writer.stop()
    assert [r.number for _, r in store.rolls()] == [3, 2, 1]


@pytest.mark.parametrize("after", [3, 17, 40])
def test_kill_9_at_a_roll_change_loses_no_committed_roll(tmp_path, after):
    db = tmp_path / "hmi.sqlite3"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.quality.roll_writer_child", str(db)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    committed = []
    try:
        for line in child.stdout:  # each line: a commit that has returned
            committed.append(json.loads(line))
            if len(committed) >= after:
                child.send_signal(signal.SIGKILL)  # mid-way through the next roll's commit
                break
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    store = RollStore(db)  # opens the killed file: the journal is rolled back or replayed
    stored = {roll_id: record for roll_id, record in store.rolls(limit=10_000)}
    for roll_id, number, length_m, energy in committed:
        record = stored[roll_id]
        assert (record.number, record.length_m, record.energy_kwh) == (number, length_m, energy)
        assert store.roll_map(roll_id).as_array().shape[1] == 24
    # whatever else is there is whole: a record and its map, rolls numbered without a gap
    numbers = sorted(r.number for r in stored.values())
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) in (len(committed), len(committed) + 1)
    check = sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0]
    assert check == "ok"
