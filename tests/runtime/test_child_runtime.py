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
