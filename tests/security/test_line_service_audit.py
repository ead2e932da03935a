"""The line service checks the acting session and writes the audit trail: setpoints old -> new
with the unit, start / stop / mode / fault injection, refusals; nothing is sent unrecorded."""

from __future__ import annotations

import pytest

from hmi.app import DEFAULT_PROFILE, build_stack
from hmi.core.roles import Role
from hmi.runtime.commands import SetMode, StartLine, StopLine, WriteSetpoint
from hmi.runtime.service import LineService
from hmi.security import AuditError, PermissionDenied, make_hasher
from tests.security.fakes import ADMIN, PASSWORD
from tests.ui.fakes import FakeRuntime, make_snapshot


@pytest.fixture
def panel(security, people):
    """The panel's wiring: the line service acts as whoever is logged in."""
    runtime = FakeRuntime(make_snapshot(mode="auto", line_speed_sp_m_min=50.0))
    return runtime, LineService(runtime, security, audit=security.audit)


def test_a_setpoint_change_is_recorded_old_to_new_with_its_unit(security, panel):
    runtime, line = panel
    security.login("operator1", PASSWORD)
    assert line.write_setpoint("line_speed_sp_m_min", 42.5, reason="roll change") == 42.5
    record = security.audit.records()[-1]
    assert (record.user, record.role, record.action) == ("operator1", "Operator", "setpoint.write")
    assert record.data == {"tag": "line_speed_sp_m_min", "old": 50.0, "new": 42.5, "unit": "m/min"}
    assert record.reason == "roll change"
    assert runtime.commands == [WriteSetpoint("line_speed_sp_m_min", 42.5, "operator1")]


def test_start_stop_and_mode_are_recorded_and_carry_the_user(security, panel):
    runtime, line = panel
    security.login("engineer1", PASSWORD)
    line.stop()
    line.start()
    line.set_mode("manual")
    line.inject_fault("gauge_fault", reason="training", mode="nan", duration_s=5.0)
    assert [type(c) for c in runtime.commands][:3] == [StopLine, StartLine, SetMode]
    assert {c.user for c in runtime.commands} == {"engineer1"}
    records = security.audit.records()[-4:]
    assert [r.action for r in records] == ["line.stop", "line.start", "line.mode", "fault.inject"]
    assert records[2].data == {"old": "auto", "new": "manual"}
    assert records[3].data == {"kind": "gauge_fault", "params": {"mode": "nan", "duration_s": 5.0}}
    assert records[3].reason == "training"


def test_who_acts_follows_the_login_and_a_viewer_is_refused(security, panel):
    runtime, line = panel
    with pytest.raises(PermissionDenied):
        line.start()
    security.login("operator1", PASSWORD)
    line.start()
    security.logout()
    with pytest.raises(PermissionDenied):
        line.write_setpoint("areal_mass_target_mg_cm2", 31.0)
    assert runtime.commands == [StartLine("operator1")]
    users = [(r.user, r.action, r.outcome) for r in security.audit.records()[-5:]]
    assert users == [
        ("viewer", "line.start", "denied"),
        ("operator1", "session.login", "ok"),
        ("operator1", "line.start", "ok"),
        ("operator1", "session.logout", "ok"),
        ("viewer", "setpoint.write", "denied"),
    ]


def test_out_of_range_and_unwritable_are_refused_before_anything_is_recorded(security, panel):
    runtime, line = panel
    security.login("operator1", PASSWORD)
    before = security.audit.last_id()
    with pytest.raises(ValueError, match="outside the allowed range"):
        line.write_setpoint("line_speed_sp_m_min", 95)
    with pytest.raises(ValueError, match="not a writable setpoint"):
        line.write_setpoint("gap_os_sp_um", 50)
    assert security.audit.last_id() == before and runtime.commands == []


def test_without_a_record_nothing_is_sent_except_stop(security, panel):
    runtime, line = panel
    security.login("operator1", PASSWORD)
    security.audit.conn.execute("PRAGMA query_only = ON")  # the store refuses writes
    with pytest.raises(AuditError):
        line.write_setpoint("line_speed_sp_m_min", 40)
    with pytest.raises(AuditError):
        line.start()
    line.stop()  # a stop is never held up by the trail
    assert runtime.commands == [StopLine("operator1")]
    security.audit.conn.execute("PRAGMA query_only = OFF")


def test_the_built_stack_starts_as_viewer_and_audits_the_real_line(tmp_path):
    stack = build_stack(DEFAULT_PROFILE, tmp_path, simulated=True)
    try:
        security = stack.security
        security.hasher = make_hasher(cheap=True)
        assert stack.service.session.role is Role.VIEWER
        assert security.needs_first_admin()
        security.create_first_admin("chief", PASSWORD)
        security.accounts.add(ADMIN, "ann", Role.OPERATOR, PASSWORD)
        security.login("ann", PASSWORD)
        stack.runtime.run_for(1.0)
        stack.service.write_setpoint("areal_mass_target_mg_cm2", 28.0)
        snap = stack.runtime.run_for(0.05)
        assert snap.values["areal_mass_target_mg_cm2"] == 28.0
        assert "areal_mass_target_mg_cm2 = 28 mg/cm² by ann" in snap.messages
        record = security.audit.records(action="setpoint.write")[-1]
        assert record.data["old"] == 30.0 and record.data["new"] == 28.0
        assert record.data["unit"] == "mg/cm²"
        assert security.audit.verify().ok
    finally:
        stack.close()
