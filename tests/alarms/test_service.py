"""Alarm actions through the line service: permission checked, audited, then a command."""

from __future__ import annotations

import pytest

from hmi.runtime.commands import AcknowledgeAlarms, SetAlarmInService, ShelveAlarm
from hmi.runtime.service import LineService
from hmi.security import PermissionDenied, SignatureRefused
from hmi.security.permissions import Action
from tests.security.fakes import PASSWORD
from tests.ui.fakes import FakeRuntime, make_snapshot


@pytest.fixture
def panel(security, people):
    runtime = FakeRuntime(make_snapshot())
    return runtime, LineService(runtime, security, audit=security.audit, signatures=security)


def test_a_viewer_may_not_acknowledge_and_the_refusal_is_recorded(security, panel):
    runtime, line = panel
    with pytest.raises(PermissionDenied):
        line.acknowledge_alarms(["bank_low"])
    assert runtime.commands == []
    record = security.audit.records()[-1]
    assert record.action == "alarm.acknowledge" and record.data["outcome"] == "denied"


def test_an_operator_acknowledges_recorded_then_sent(security, panel):
    runtime, line = panel
    security.login("operator1", PASSWORD)
    line.acknowledge_alarms(["bank_low", "gauge_fault"])
    assert runtime.commands == [AcknowledgeAlarms(("bank_low", "gauge_fault"), "operator1")]
    record = security.audit.records()[-1]
    assert record.action == "alarm.acknowledge"
    assert record.data == {"alarms": ["bank_low", "gauge_fault"]}


def test_shelving_needs_a_supervisor_and_a_reason(security, panel):
    runtime, line = panel
    security.login("operator1", PASSWORD)
    with pytest.raises(PermissionDenied):
        line.shelve_alarm("bank_low", 600, "nuisance")
    security.login("supervisor1", PASSWORD)
    with pytest.raises(ValueError, match="reason"):
        line.shelve_alarm("bank_low", 600, " ")
    with pytest.raises(ValueError, match="duration"):
        line.shelve_alarm("bank_low", 10 * 3600, "too long")
    line.shelve_alarm("bank_low", 600, "level probe being cleaned")
    assert runtime.commands == [
        ShelveAlarm("bank_low", 600.0, "level probe being cleaned", "supervisor1")
    ]
    record = security.audit.records()[-1]
    assert record.action == "alarm.shelve" and record.data["duration_s"] == 600
    assert record.reason == "level probe being cleaned"


def test_out_of_service_needs_the_acting_supervisors_signature(security, panel):
    runtime, line = panel
    security.login("supervisor1", PASSWORD)
    with pytest.raises(SignatureRefused, match="no signature given"):
        line.set_alarm_in_service("bank_low", False, None)
    signature = security.sign(
        security.current,
        Action.ALARM_OUT_OF_SERVICE,
        PASSWORD,
        "probe replaced",
        target="bank_low",
    )
    line.set_alarm_in_service("bank_low", False, signature)
    assert runtime.commands == [
        SetAlarmInService("bank_low", False, "probe replaced", "supervisor1")
    ]
    record = security.audit.records()[-1]
    assert record.action == "alarm.out_of_service" and record.data["signed_by"] == "supervisor1"
    assert record.data["signature_record"] == signature.record_id
    line.set_alarm_in_service("bank_low", True, None, "probe back")
    assert runtime.commands[-1] == SetAlarmInService("bank_low", True, "probe back", "supervisor1")


def test_an_operator_may_not_take_an_alarm_out_of_service(security, panel):
    runtime, line = panel
    security.login("operator1", PASSWORD)
    with pytest.raises(PermissionDenied):
        line.set_alarm_in_service("bank_low", True, None)
    assert runtime.commands == []
