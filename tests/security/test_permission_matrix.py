"""Every action × every role, through the services: allowed ones act, refused ones raise
PermissionDenied, send nothing and leave a "denied" audit record."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from hmi.core.roles import Role
from hmi.core.tags import TAGS, TagKind
from hmi.runtime.commissioning import CommissioningService
from hmi.runtime.service import LineService
from hmi.security import PERMISSIONS, Action, PermissionDenied, SecurityService, Session
from hmi.security.permissions import at_least, matrix, roles_text, setpoint_action
from tests.security.fakes import PASSWORD
from tests.ui.fakes import FakeRuntime

OP, ENG, SUP, ADM = Role.OPERATOR, Role.ENGINEER, Role.SUPERVISOR, Role.ADMINISTRATOR

# The roles written out independently of hmi.security.permissions: the lowest role
# that may do each action (every higher role may too).
EXPECTED: dict[str, Role] = {
    "line.start": OP,
    "line.stop": OP,
    "line.mode": OP,
    "line.manual": OP,
    "setpoint.write": OP,
    "alarm.acknowledge": OP,
    "recipe.load": OP,
    "audit.view": OP,
    "roll.new": OP,
    "recipe.edit": ENG,
    "limits.edit": ENG,
    "tuning.edit": ENG,
    "fault.inject": ENG,
    "io.force": ENG,
    "recipe.approve": SUP,
    "recipe.obsolete": SUP,
    "alarm.shelve": SUP,
    "alarm.out_of_service": SUP,
    "audit.export": SUP,
    "users.manage": ADM,
    "profiles.manage": ADM,
    "panel.exit": ADM,  # leave the kiosk panel
    # per tag: the registry's write_role
    "setpoint.write.areal_mass_target_mg_cm2": OP,
    "setpoint.write.line_speed_sp_m_min": OP,
    "setpoint.write.areal_mass_tolerance_pct": ENG,
    "setpoint.write.web_width_mm": ENG,
    "setpoint.write.roll_temperature_sp_c": ENG,
    "setpoint.write.densify_line_load_sp_kn_mm": ENG,
    "setpoint.write.laminate_line_load_sp_kn_mm": ENG,
    "setpoint.write.laminate_temperature_sp_c": ENG,
    "setpoint.write.hopper_refill_request_sp_frac": ENG,
    "setpoint.write.hopper_refill_complete_sp_frac": ENG,
}


def mid(name: str) -> float:
    t = TAGS[name]
    return round((t.low + t.high) / 2, 1)


def manual_gap(line: LineService) -> float:
    line._runtime.set(mode="manual")  # manual commands need manual mode
    return line.set_manual_gap("os", 100.0)


def calls(
    line: LineService, security: SecurityService, session: Session, tmp_path
) -> dict[str, Callable[[], object]]:
    """How each action is reached: a service method where one exists, else `authorize`."""
    found = {
        "line.start": line.start,
        "line.stop": line.stop,
        "line.mode": lambda: line.set_mode("manual"),
        "line.manual": lambda: manual_gap(line),
        "setpoint.write": lambda: line.write_setpoint("areal_mass_target_mg_cm2", 31.0),
        "fault.inject": lambda: line.inject_fault("gauge_fault", mode="nan", duration_s=1.0),
        "io.force": lambda: CommissioningService(line, object()).release_all("loop check done"),
        "users.manage": lambda: security.accounts.add(session, "new1", OP, PASSWORD),
        "audit.view": lambda: security.audit_records(session),
        "audit.export": lambda: security.export_audit(session, tmp_path / "a.csv"),
        "recipe.approve": lambda: security.sign(
            session, "recipe.approve", PASSWORD, "ok", target="LFP@1"
        ),
        "alarm.out_of_service": lambda: security.sign(
            session, "alarm.out_of_service", PASSWORD, "sensor replaced", target="bank_low"
        ),
    }
    for name in TAGS:
        action = setpoint_action(name)
        if action in PERMISSIONS:
            found[action] = lambda n=name: line.write_setpoint(n, mid(n))
    for action in PERMISSIONS:
        found.setdefault(action, lambda a=action: security.authorize(session, a))
    return found


def test_the_table_is_the_expected_one():
    assert set(PERMISSIONS) == set(EXPECTED), "a new action needs a row in EXPECTED"
    for action, lowest in EXPECTED.items():
        assert PERMISSIONS[action].roles == at_least(lowest), action
    assert all(not allowed[Role.VIEWER] for _, allowed in matrix())  # a Viewer does nothing


def test_setpoint_rows_are_derived_from_the_tag_registry():
    writable = [t for t in TAGS.values() if t.kind is TagKind.SETPOINT and t.write_role]
    assert {setpoint_action(t.name) for t in writable} == {
        a for a in PERMISSIONS if a.startswith("setpoint.write.")
    }
    for t in writable:
        roles = PERMISSIONS[setpoint_action(t.name)].roles
        assert roles == at_least(t.write_role) & PERMISSIONS[Action.SETPOINT_WRITE].roles


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.label)
def test_every_action_for_every_role_through_the_services(role, security, people, tmp_path):
    session = people[role]
    runtime = FakeRuntime()
    line = LineService(runtime, session, audit=security.audit)
    for action, call in calls(line, security, session, tmp_path).items():
        may = role >= EXPECTED[action]
        sent, before = len(runtime.commands), security.audit.last_id()
        if may:
            call()
            continue
        with pytest.raises(PermissionDenied, match="lacks permission") as refused:
            call()
        assert refused.value.action.startswith(action)  # setpoint.write: checked per tag
        assert len(runtime.commands) == sent, f"{action}: a refused call sent a command"
        denied = security.audit.records(since=None)[before:]
        assert [r.outcome for r in denied] == ["denied"], action
        assert (denied[0].user, denied[0].role) == (session.user, role.label)
    assert security.audit.verify().ok


def test_the_refusal_says_who_and_what_is_needed(security, people):
    line = LineService(FakeRuntime(), people[Role.OPERATOR], audit=security.audit)
    with pytest.raises(PermissionDenied) as refused:
        line.write_setpoint("web_width_mm", 800)
    text = str(refused.value)
    assert "setpoint.write.web_width_mm" in text and "'operator1' (Operator)" in text
    assert "requires Engineer or higher" in text
    record = security.audit.records()[-1]
    assert record.action == "setpoint.write"  # per-tag refusals file under setpoint.write
    assert record.data == {"tag": "web_width_mm", "new": 800, "unit": "mm", "outcome": "denied"}


def test_roles_text():
    assert roles_text(at_least(Role.ENGINEER)) == "Engineer or higher"
    assert roles_text(at_least(Role.ADMINISTRATOR)) == "Administrator"
    assert roles_text(frozenset({Role.OPERATOR, Role.ADMINISTRATOR})) == "Operator, Administrator"
    assert roles_text(frozenset()) == "nobody"


def test_an_unknown_action_is_allowed_to_nobody(security, people):
    with pytest.raises(PermissionDenied, match="does not exist"):
        security.authorize(people[Role.ADMINISTRATOR], "reactor.scram")
