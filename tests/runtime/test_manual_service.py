"""Manual mode through the service and the runtime on the emulated line: per-side gap and
feed commands, permission-checked and audited, bumpless both ways; stop kinds; large setpoint
changes that ask to confirm (issue 13)."""

import pytest

from hmi.core.roles import Role
from hmi.core.tags import TagRangeError
from hmi.runtime.service import ConfirmationNeeded, LineService
from hmi.security import PermissionDenied, Session
from tests.runtime.line import line_runtime

DT = 0.01


class RecordingAudit:
    def __init__(self) -> None:
        self.records: list[tuple[str, str, dict]] = []

    def record(self, session, action, details, reason=""):
        self.records.append((session.user, str(action), dict(details)))


def service(runtime, role=Role.OPERATOR, **kwargs):
    return LineService(runtime, Session("ann", role), **kwargs)


class Outputs:
    """Every tick's gap and feeder setpoints."""

    def __init__(self):
        self.rows = []

    def offer(self, t_s, wall_time, values, quality):
        self.rows.append(
            (t_s, values["gap_os_sp_um"], values["gap_ds_sp_um"], values["feeder_active_sp_kg_h"])
        )

    def largest_step(self, t0_s, t1_s, column):
        rows = [r for r in self.rows if t0_s <= r[0] <= t1_s]
        return max(abs(b[column] - a[column]) for a, b in zip(rows, rows[1:], strict=False))


def manual_rig():
    runtime, profile, _ = line_runtime()
    outputs = Outputs()
    runtime._sinks.append(outputs)
    runtime.run_for(20.0)
    return runtime, profile, outputs, service(runtime, audit=RecordingAudit())


def test_to_manual_nothing_moves_then_the_operator_drives_each_side_and_the_feed():
    runtime, profile, outputs, line = manual_rig()
    before = runtime.latest()
    line.set_mode("manual")
    runtime.run_for(5.0)
    snap = runtime.latest()
    assert snap.mode == "manual" and snap.manual.active
    assert snap.manual.gap_os_um == pytest.approx(before.value("gap_os_sp_um"), abs=0.01)
    assert outputs.largest_step(19.9, 25.0, 1) < 0.2, "bumpless into manual"
    line.set_manual_gap("os", 84.0)
    line.set_manual_gap("ds", 86.0)
    line.set_manual_feed(700.0)
    snap = runtime.run_for(5.0)
    assert snap.value("gap_os_sp_um") == 84.0 and snap.value("gap_ds_sp_um") == 86.0
    assert profile.line.gap_actuators["os"].position_um == pytest.approx(84.0, abs=0.5)
    total = sum(snap.value(f"feeder_{f}_sp_kg_h") for f in ("active", "carbon", "binder"))
    assert total == pytest.approx(700.0)
    assert snap.manual.feed_total_kg_h == 700.0
    actions = [(a, d.get("tag"), d.get("new")) for _, a, d in line.audit.records]
    assert actions[-3:] == [
        ("line.manual", "gap_os_sp_um", 84.0),
        ("line.manual", "gap_ds_sp_um", 86.0),
        ("line.manual", "feed_total_sp_kg_h", 700.0),
    ], "each manual command is audited"


def test_back_to_auto_the_outputs_slew_to_the_controllers_without_a_jump():
    runtime, profile, outputs, line = manual_rig()
    auto_gap = runtime.latest().value("gap_os_sp_um")
    line.set_mode("manual")
    runtime.run_for(1.0)
    line.set_manual_gap("os", auto_gap + 10.0)
    runtime.run_for(10.0)
    line.set_mode("auto")
    t0 = runtime.latest().t_s
    runtime.run_for(1.0)
    assert runtime.latest().manual.transferring
    assert outputs.largest_step(t0, t0 + 1.0, 1) <= 2.0 * DT + 0.05, "at most 2 µm/s"
    runtime.run_for(30.0)
    snap = runtime.latest()
    assert not snap.manual.transferring
    assert snap.value("gap_os_sp_um") == pytest.approx(auto_gap, abs=2.0), "the controller's"


def test_manual_commands_need_manual_mode_permission_and_range():
    runtime, profile, outputs, line = manual_rig()
    with pytest.raises(ValueError, match="manual first"):
        line.set_manual_gap("os", 90.0)
    line.set_mode("manual")
    runtime.run_for(0.02)
    with pytest.raises(TagRangeError):
        line.set_manual_gap("ds", 5000.0)
    with pytest.raises(ValueError, match="side"):
        line.set_manual_gap("middle", 90.0)
    with pytest.raises(PermissionDenied):
        service(runtime, Role.VIEWER).set_manual_feed(100.0)


def test_the_service_sends_each_kind_of_stop():
    runtime, profile, _ = line_runtime()
    runtime.run_for(1.0)
    service(runtime).stop(kind="quick")
    snap = runtime.run_for(0.05)
    assert snap.sequence.sequence == "quick_stop"
    service(runtime).stop("interlock test", kind="emergency")
    snap = runtime.run_for(0.05)
    assert snap.sequence.sequence == "emergency_stop"
    with pytest.raises(ValueError, match="one of normal, quick, emergency"):
        service(runtime).stop(kind="slow")


def test_a_large_setpoint_change_asks_to_confirm_and_sends_nothing_until_then():
    runtime, profile, _ = line_runtime()
    runtime.run_for(0.05)
    line = service(runtime, confirm_large_changes=True)
    assert line.needs_confirmation("line_speed_sp_m_min", 52.0) == ""
    question = line.needs_confirmation("line_speed_sp_m_min", 30.0)
    assert "50 → 30 m/min" in question and "large change" in question
    with pytest.raises(ConfirmationNeeded, match="Confirm"):
        line.write_setpoint("line_speed_sp_m_min", 30.0)
    assert runtime.run_for(0.05).value("line_speed_sp_m_min") == 50.0, "nothing sent"
    line.write_setpoint("line_speed_sp_m_min", 30.0, confirmed=True)
    assert runtime.run_for(0.05).value("line_speed_sp_m_min") == 30.0
    line.write_setpoint("line_speed_sp_m_min", 31.0)  # small: no question
