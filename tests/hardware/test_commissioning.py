"""Loop check from the commissioning service: an Engineer forces one output with the line
stopped, audited; an Operator is refused in the service; a running line refuses; a start
drops the force. Over Modbus TCP against the PLC simulator on 127.0.0.1."""

from __future__ import annotations

import pytest

from hmi.core.roles import Role
from hmi.runtime import StopLine
from hmi.runtime.commissioning import CommissioningService, LoopCheckRefused
from hmi.runtime.service import LineService
from hmi.security.session import PermissionDenied, Session
from hmi.sim.plc import PlcSimulator
from tests.hardware.fieldbus_helpers import TCP_PROFILE, free_port, settings_for, wait_until
from tests.hardware.loop_helpers import hmi_loop, link_good


class RecordingAudit:
    def __init__(self) -> None:
        self.records: list[tuple[str, str, dict]] = []

    def record(self, session, action, details, reason=""):
        self.records.append((session.user, str(action), dict(details)))


@pytest.fixture
def line():
    port = free_port()
    config, settings = settings_for(TCP_PROFILE, port=port)
    plc = PlcSimulator(config, settings)
    plc.start()
    with hmi_loop(config, settings) as (runtime, profile, _):
        wait_until(lambda: link_good(runtime), 5.0, "link up")
        yield runtime, profile, plc
    plc.stop()


def _service(runtime, profile, role: Role, audit: RecordingAudit) -> CommissioningService:
    line = LineService(runtime, Session(role.name.lower(), role), audit=audit)
    return CommissioningService(line, profile)


def test_loop_check_force_needs_an_engineer_and_a_stopped_line(line):
    runtime, profile, plc = line
    audit = RecordingAudit()
    engineer = _service(runtime, profile, Role.ENGINEER, audit)
    operator = _service(runtime, profile, Role.OPERATOR, audit)

    with pytest.raises(LoopCheckRefused, match="stop the line first"):
        engineer.force_output("gap_os_sp_um", 200.0)
    with pytest.raises(PermissionDenied):
        operator.force_output("gap_os_sp_um", 200.0)
    assert audit.records[-1][0] == "operator" and audit.records[-1][2]["outcome"] == "denied"

    runtime.submit(StopLine("engineer", kind="quick"))  # a normal stop runs on for minutes
    wait_until(engineer.line_stopped, 10.0, "line stopped")
    assert engineer.force_output("gap_os_sp_um", 200.0, "loop check OS cylinder") == 200.0
    assert audit.records[-1] == (
        "engineer", "io.force", {"tag": "gap_os_sp_um", "value": 200.0, "unit": "µm"}
    )  # fmt: skip
    wait_until(lambda: plc.plant.commands.gap_sp_um["os"] == pytest.approx(200.0), 3.0, "force")
    rows = {r.tag: r for r in engineer.diagnostics().rows}
    assert rows["gap_os_sp_um"].forced and rows["gap_os_sp_um"].value == 200.0
    with pytest.raises(Exception, match="outside the allowed range"):
        engineer.force_output("gap_os_sp_um", 5000.0)

    engineer.release_all("loop check done")
    wait_until(lambda: plc.plant.commands.gap_sp_um["os"] != pytest.approx(200.0), 3.0, "release")
    assert not any(r.forced for r in engineer.diagnostics().rows)
