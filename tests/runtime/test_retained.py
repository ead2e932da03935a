"""Retained state across an HMI restart (issue 13): setpoints, mode, recipe and version, and
the sequence state come back; a line found running is taken over running (never stopped by
the restart); anything else comes back stopped and safe, never at the profile's defaults
without saying so."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from hmi.history.retained import RetainedStore
from hmi.runtime import SetMode, StopLine, WriteSetpoint
from hmi.runtime.commands import LoadRecipe
from tests.runtime.line import line_runtime

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path):
    s = RetainedStore(tmp_path / "hmi.sqlite3")
    yield s
    s.close()


def change_everything(runtime):
    runtime.submit(WriteSetpoint("line_speed_sp_m_min", 42.0, "ann"))
    runtime.submit(WriteSetpoint("areal_mass_target_mg_cm2", 28.0, "ann"))
    runtime.submit(LoadRecipe("LFP 28", 4, "ab" * 32, (("web_width_mm", 900.0),), (), "ann"))
    runtime.submit(SetMode("manual", "ann"))


def test_a_restart_with_the_line_stopped_comes_back_stopped_with_everything_retained(store):
    runtime, _, _ = line_runtime(retained=store)
    runtime.run_for(1.0)
    change_everything(runtime)
    runtime.submit(StopLine("ann", kind="quick"))
    runtime.run_for(1.0)
    assert store.flush()
    # the HMI restarts; the line (a new emulated one) stands
    again, _, _ = line_runtime(running=False, retained=store)
    snap = again.run_for(0.05)
    assert snap.value("line_speed_sp_m_min") == 42.0
    assert snap.value("areal_mass_target_mg_cm2") == 28.0
    assert snap.value("web_width_mm") == 900.0
    assert (snap.recipe_name, snap.recipe_version, snap.recipe_modified) == ("LFP 28", 4, False)
    assert snap.mode == "manual"
    assert snap.sequence.line_state == "stopped" and snap.sequence.last_stop == "quick"
    assert snap.value("line_run_cmd") == 0.0 and snap.value("feeder_active_sp_kg_h") == 0.0
    assert "was quick stop" in snap.restored and "stays stopped and safe" in snap.restored


def test_a_line_found_running_is_taken_over_running_and_never_stopped(store):
    runtime, _, _ = line_runtime(retained=store)
    runtime.run_for(1.0)
    runtime.submit(WriteSetpoint("line_speed_sp_m_min", 45.0, "ann"))
    runtime.run_for(1.0)
    assert store.flush()
    run_cmds = []

    class Sink:
        def offer(self, t_s, wall_time, values, quality):
            run_cmds.append(values["line_run_cmd"])

    # the HMI restarts against a line that kept running
    again, profile, _ = line_runtime(running=True, retained=store, sinks=[Sink()])
    again.run_for(5.0)
    snap = again.latest()
    assert snap.sequence.line_state == "running" and "taken over running" in snap.restored
    assert min(run_cmds) == 1.0, "the run command never dropped"
    assert profile.commands.run
    assert snap.value("line_speed_sp_m_min") == 45.0


def test_without_retained_state_the_runtime_says_it_started_from_the_profile(store):
    runtime, _, _ = line_runtime(running=True, retained=store)
    snap = runtime.run_for(0.05)
    assert "no retained state" in snap.restored
    assert snap.sequence.line_state == "running", "the emulated line found running"


def child(db: Path, line: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-m", "tests.runtime.retained_child", str(db), line],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def ask(proc: subprocess.Popen, **command) -> dict:
    proc.stdin.write(json.dumps(command) + "\n")
    proc.stdin.flush()
    return json.loads(proc.stdout.readline())


def test_process_restart_kill_9_and_start_again_keeps_setpoints_mode_recipe_and_sequence(
    tmp_path,
):
    db = tmp_path / "hmi.sqlite3"
    first = child(db, "stopped")
    try:
        start = json.loads(first.stdout.readline())
        assert "no retained state" in start["restored"]
        ask(first, type="setpoint", tag="line_speed_sp_m_min", value=37.0)
        ask(first, type="setpoint", tag="areal_mass_target_mg_cm2", value=26.0)
        ask(first, type="recipe", name="NMC 26", version=7)
        ask(first, type="mode", mode="manual")
        before = ask(first, type="start")  # a start sequence under way when killed
        assert before["sequence"] == "start"
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    second = child(db, "stopped")
    try:
        after = json.loads(second.stdout.readline())
    finally:
        second.stdin.close()
        second.wait(10)
    assert (after["speed_sp"], after["target"]) == (37.0, 26.0)
    assert after["mode"] == "manual" and after["recipe"] == ["NMC 26", 7]
    assert after["line_state"] == "stopped" and after["sequence"] == ""
    assert after["run_cmd"] == 0.0, "stopped and safe: not restarted by the HMI's restart"
    assert "was start" in after["restored"], after["restored"]
