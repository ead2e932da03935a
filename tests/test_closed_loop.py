"""The whole loop without Qt: emulated profile + controller + runtime on the simulated clock."""

from pathlib import Path

import numpy as np
import pytest

from hmi.app import DEFAULT_PROFILE, build_stack
from hmi.core.process import Quality
from hmi.core.roles import Role
from hmi.core.tags import TagRangeError
from hmi.hardware.base import CommunicationError
from hmi.hardware.config import build_profile, load_profile
from hmi.runtime.service import LineService
from hmi.security.session import PermissionDenied, Session


@pytest.fixture
def stack(tmp_path):
    s = build_stack(DEFAULT_PROFILE, tmp_path, simulated=True, session=Session("op", Role.OPERATOR))
    yield s
    s.close()


def gauge_mean(runtime, seconds):
    _, v = runtime.trend.window(seconds)
    return float(np.nanmean(v["areal_mass_mg_cm2"]))


def test_emulated_profile_refuses_io_until_connected():
    profile = build_profile(load_profile(DEFAULT_PROFILE))
    with pytest.raises(CommunicationError):
        profile.read(0.0)
    profile.connect()
    image = profile.read(0.0)
    assert image.is_good("areal_mass_mg_cm2")


def test_line_holds_target_in_steady_state(stack):
    snap = stack.runtime.run_for(60.0)
    assert snap.tick == 6001
    assert gauge_mean(stack.runtime, 30) == pytest.approx(30.0, rel=0.005)
    assert snap.timing.faults == 0


def test_new_target_areal_mass_is_reached_through_the_gap_loop(stack):
    stack.runtime.run_for(5.0)
    stack.service.write_setpoint("areal_mass_target_mg_cm2", 28.0)
    stack.runtime.run_for(120.0)
    assert gauge_mean(stack.runtime, 20) == pytest.approx(28.0, rel=0.01)
    snap = stack.runtime.latest()
    assert snap.values["feed_total_sp_kg_h"] == pytest.approx(0.6 * 28.0 * 1.0 * 50.0, rel=0.01)
    assert snap.values["gap_os_sp_um"] < 79.0  # less mass: the gap closed


def test_speed_change_keeps_areal_mass_and_scales_feed(stack):
    stack.runtime.run_for(5.0)
    stack.service.write_setpoint("line_speed_sp_m_min", 30.0)
    stack.runtime.run_for(180.0)
    snap = stack.runtime.latest()
    assert snap.values["line_speed_m_min"] == pytest.approx(30.0)
    assert snap.values["feed_total_sp_kg_h"] == pytest.approx(0.6 * 30.0 * 1.0 * 30.0, rel=0.01)
    assert gauge_mean(stack.runtime, 20) == pytest.approx(30.0, rel=0.01)


def test_stop_cuts_the_feed_runs_the_line_down_and_a_start_brings_it_back(stack):
    stack.runtime.run_for(1.0)
    stack.service.stop()  # normal: feed off first, the line runs on to draw the bank down
    snap = stack.runtime.run_for(10.0)
    assert snap.values["feeder_active_flow_kg_h"] < 1.0
    assert snap.sequence.step == "run_on" and snap.values["line_speed_m_min"] > 0.0
    snap = stack.runtime.run_for(290.0)
    assert not snap.running and snap.sequence.line_state == "stopped"
    assert snap.values["line_speed_m_min"] == 0.0
    assert snap.values["line_running"] == 0.0
    stack.service.start()
    snap = stack.runtime.run_for(400.0)
    assert snap.sequence.line_state == "running"
    assert snap.values["line_speed_m_min"] == pytest.approx(50.0)


def test_history_records_the_run(tmp_path):
    s = build_stack(DEFAULT_PROFILE, tmp_path, simulated=True)
    s.runtime.run_for(30.0)
    s.close()  # flushes the historian
    from hmi.history import Historian, database_path

    h = Historian(database_path(tmp_path), ["areal_mass_mg_cm2"])
    t, v = h.query("areal_mass_mg_cm2", 0, 1e12)
    h.close()
    assert len(v) >= 30
    assert np.nanmean(v) == pytest.approx(30.0, rel=0.01)


def test_service_checks_role_range_and_writability(stack):
    runtime = stack.runtime
    viewer = LineService(runtime, Session("guest", Role.VIEWER))
    operator = LineService(runtime, Session("ann", Role.OPERATOR))
    with pytest.raises(PermissionDenied, match="Operator or higher"):
        viewer.write_setpoint("line_speed_sp_m_min", 40)
    with pytest.raises(PermissionDenied):
        viewer.start()
    with pytest.raises(PermissionDenied, match="Engineer"):
        operator.write_setpoint("web_width_mm", 800)
    with pytest.raises(TagRangeError, match="0 to 80 m/min"):
        operator.write_setpoint("line_speed_sp_m_min", 95)
    with pytest.raises(ValueError, match="not a writable setpoint"):
        operator.write_setpoint("gap_os_sp_um", 50)
    with pytest.raises(KeyError):
        operator.write_setpoint("nonsense", 1)
    snap = runtime.run_for(0.05)
    assert snap.values["line_speed_sp_m_min"] == 50.0  # nothing refused reached the line
    assert snap.values["web_width_mm"] == 1000.0


def test_profile_path_is_the_shipped_one():
    assert Path(DEFAULT_PROFILE).name == "emulated.toml" and Path(DEFAULT_PROFILE).exists()


def test_engineer_injects_a_gauge_fault_through_the_runtime(stack):
    runtime = stack.runtime
    operator = LineService(runtime, Session("ann", Role.OPERATOR))
    engineer = LineService(runtime, Session("eve", Role.ENGINEER))
    with pytest.raises(PermissionDenied, match="Engineer"):
        operator.inject_fault("gauge_fault", mode="nan", duration_s=30.0)
    runtime.run_for(1.0)
    gap_before = runtime.latest().values["gap_os_sp_um"]
    engineer.inject_fault("gauge_fault", mode="nan", duration_s=30.0)
    snap = runtime.run_for(10.0)
    assert "fault gauge_fault injected by eve" in snap.messages
    assert snap.quality["areal_mass_mg_cm2"] == Quality.BAD
    assert snap.values["gap_os_sp_um"] == pytest.approx(gap_before, abs=0.5)  # held
    engineer.inject_fault("volcano")
    engineer.inject_fault("gauge_fault", mode="melted", duration_s=1.0)
    snap = runtime.run_for(0.05)
    assert any("rejected: volcano" in m for m in snap.messages)
    assert any("rejected: gauge_fault" in m and "mode" in m for m in snap.messages)
    assert snap.timing.faults == 0  # refused, not crashed
