"""`hmi --self-test --screenshot PATH`: the packaging work relies on its exit code."""

import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_hmi(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hmi", "--data-dir", str(tmp_path / "data"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_self_test_runs_the_loop_saves_a_screenshot_and_exits_0(tmp_path):
    shot = tmp_path / "shots" / "x.png"
    out = run_hmi(
        "--self-test", "--self-test-seconds", "1.5", "--screenshot", str(shot), tmp_path=tmp_path
    )
    assert out.returncode == 0, out.stderr
    assert "self-test: OK" in out.stdout
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = (int.from_bytes(shot.read_bytes()[16 + i : 20 + i], "big") for i in (0, 4))
    assert (width, height) == (1280, 800)
    assert (tmp_path / "data" / "hmi.sqlite3").exists()  # the embedded store was opened there
    # It ran as Viewer: no first-run dialog, no user created, nothing to audit.
    with sqlite3.connect(tmp_path / "data" / "hmi.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM users").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM audit").fetchone() == (0,)


def test_self_test_fails_with_a_reason_when_the_screenshot_cannot_be_saved(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    out = run_hmi(
        "--self-test",
        "--self-test-seconds",
        "0.5",
        "--screenshot",
        str(blocker / "x.png"),
        tmp_path=tmp_path,
    )
    assert out.returncode != 0
    assert "screenshot" in out.stderr
