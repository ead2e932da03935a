"""The runtime hosted in a child process: the services' interface works across the pipe."""

import time
from functools import partial

from hmi.runtime.child import ChildRuntime
from hmi.runtime.commands import WriteSetpoint


def build(data_dir: str):
    from pathlib import Path

    from hmi.app import DEFAULT_PROFILE, build_stack

    return build_stack(DEFAULT_PROFILE, Path(data_dir), history=False)


def wait_for(condition, timeout_s: float = 30.0) -> bool:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)  # a real child process on the real clock: polled, not simulated
    return False


def test_snapshots_trend_and_commands_cross_the_process_boundary(tmp_path):
    runtime = ChildRuntime(partial(build, str(tmp_path)), ("areal_mass_mg_cm2", "gap_os_um"))
    runtime.start()
    try:
        assert wait_for(lambda: runtime.latest() is not None and len(runtime.trend) > 20)
        t, columns = runtime.trend.window(10.0)
        assert (t[1:] > t[:-1]).all()  # the child's rows arrive once each, in order
        assert columns["areal_mass_mg_cm2"][-1] > 0
        runtime.submit(WriteSetpoint("line_speed_sp_m_min", 41.0, "eve"))
        assert wait_for(lambda: runtime.latest().value("line_speed_sp_m_min") == 41.0)
        runtime.measure(50)
        found: list[dict] = []
        assert wait_for(lambda: bool(found.append(runtime.measured()) or found[-1]))
        assert found[-1]["ticks"] == 50 and found[-1]["lateness_p99_ms"] >= 0
    finally:
        runtime.stop()
    assert runtime._process is None


def test_a_frame_carries_the_alarm_summary_only_when_it_changed():
    """1,000 standing alarms pickled 25 times a second cost more than the rest of a frame:
    the child sends a summary once per version, the parent puts it back into each snapshot."""
    import dataclasses
    import pickle

    from hmi.alarms.model import AlarmState, AlarmStatus, AlarmSummary
    from hmi.runtime.child import join_alarms, split_alarms
    from tests.runtime.test_loop import make

    standing = tuple(
        AlarmStatus(
            f"x{i:04d}",
            "bank_mass_kg",
            1 + i % 4,
            AlarmState.UNACK,
            f"x{i:04d} high",
            9.0,
            8.0,
            "kg",
            1_780_000_000.0 + i,
            1,
        )  # fmt: skip
        for i in range(1000)
    )
    flood = AlarmSummary(7, standing, 1000)
    runtime, *_ = make()
    snapshot = dataclasses.replace(runtime.run_for(0.1), alarms=flood)
    light, alarms = split_alarms(snapshot, sent_version=None)
    assert alarms is flood and light.alarms == AlarmSummary()
    light_again, unchanged = split_alarms(snapshot, sent_version=7)
    assert unchanged is None
    assert len(pickle.dumps(light_again)) * 5 < len(pickle.dumps(snapshot))
    joined, held = join_alarms(light, alarms, None)
    assert joined == snapshot and held is flood
    joined_again, held = join_alarms(light_again, None, held)
    assert joined_again == snapshot  # the held summary, on a frame that carried none
    newer = AlarmSummary(version=8)
    assert join_alarms(light_again, newer, held)[0].alarms is newer
