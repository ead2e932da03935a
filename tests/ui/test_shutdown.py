"""Quitting: Ctrl+C (SIGINT) and SIGTERM end the HMI cleanly — the control loop stopped, the
stores flushed and closed, the data directory's lock released — and a second HMI on the same
data directory refuses to start with a message that says why. Real processes, real clock."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hmi.core.instance import AlreadyRunning, InstanceLock

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX signals")


def start_hmi(data: Path) -> subprocess.Popen:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "hmi", "--data-dir", str(data)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def samples(data: Path) -> int:
    """Historian rows committed so far (read-only: never creates the file under the HMI)."""
    path = data / "hmi.sqlite3"
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
            return db.execute("SELECT count(*) FROM samples").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def wait_for(condition, timeout_s: float = 30.0) -> None:
    """Poll a condition of another process (real clock); fail with the timeout."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.1)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl+C"])
def test_a_signal_shuts_the_hmi_down_cleanly(tmp_path, signum):
    data = tmp_path / "data"
    hmi = start_hmi(data)
    try:
        started = hmi.stdout.readline()  # "" if it died first
        assert started.startswith("hmi: running"), hmi.stderr.read()
        wait_for(lambda: samples(data) > 0 or hmi.poll() is not None)
        assert hmi.poll() is None, hmi.stderr.read()
        with pytest.raises(AlreadyRunning):  # while it runs, the directory is taken
            InstanceLock(data).acquire()
        hmi.send_signal(signum)
        out, err = hmi.communicate(timeout=30)
    finally:
        if hmi.poll() is None:
            hmi.kill()
    assert hmi.returncode == 0, err
    assert f"hmi: {signal.Signals(signum).name}: shutting down" in out
    assert "hmi: stopped cleanly" in out
    assert "Traceback" not in err
    with sqlite3.connect(data / "hmi.sqlite3") as db:
        (rows,) = db.execute("SELECT count(*) FROM samples").fetchone()
    assert rows > 0
    with InstanceLock(data):  # released with the process
        pass


def test_a_second_hmi_on_the_same_data_directory_refuses_to_start(tmp_path):
    data = tmp_path / "data"
    with InstanceLock(data):
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        second = subprocess.run(
            [sys.executable, "-m", "hmi", "--data-dir", str(data), "--self-test"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert second.returncode == 2
    assert f"another HMI is already running on the data directory {data}" in second.stderr
    assert f"(process {os.getpid()})" in second.stderr
    assert not (data / "hmi.sqlite3").exists()  # it touched nothing


def test_a_killed_hmi_leaves_no_stale_lock(tmp_path):
    data = tmp_path / "data"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from hmi.core.instance import InstanceLock; "
            f"InstanceLock({str(data)!r}).acquire(); print('held', flush=True); time.sleep(60)",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(AlreadyRunning):
        InstanceLock(data).acquire()
    holder.kill()
    holder.wait(10)
    with InstanceLock(data):  # the OS released it with the process
        pass
