"""Resolving a condition the controller latches (the gauge disagreeing with the mass balance):
Engineer or higher, with a reason, audited, then a runtime command the controller answers."""

from __future__ import annotations

import pytest

from hmi.runtime import ResolveCondition, Runtime, SimClock
from hmi.runtime.service import LineService
from hmi.security import PermissionDenied
from tests.runtime.fakes import EchoController, ScriptedProfile
from tests.security.fakes import PASSWORD
from tests.ui.fakes import FakeRuntime, make_snapshot

CONDITION = "gauge_mass_balance_disagree"


@pytest.fixture
def panel(security, people):
    runtime = FakeRuntime(make_snapshot())
    return runtime, LineService(runtime, security, audit=security.audit)


def test_an_operator_may_not_resolve_and_the_refusal_is_recorded(security, panel):
    runtime, line = panel
    security.login("operator1", PASSWORD)
    with pytest.raises(PermissionDenied):
        line.resolve_condition(CONDITION, "looked fine")
    assert runtime.commands == []
    record = security.audit.records()[-1]
    assert record.data["outcome"] == "denied" and record.data["condition"] == CONDITION


def test_an_engineer_resolves_with_a_reason_recorded_then_sent(security, panel):
    runtime, line = panel
    security.login("engineer1", PASSWORD)
    with pytest.raises(ValueError, match="reason"):
        line.resolve_condition(CONDITION, "  ")
    assert runtime.commands == []
    line.resolve_condition(CONDITION, "gauge standardised on the reference tile")
    assert runtime.commands == [
        ResolveCondition(CONDITION, "gauge standardised on the reference tile", "engineer1")
    ]
    record = security.audit.records()[-1]
    assert record.data == {"condition": CONDITION}
    assert record.reason == "gauge standardised on the reference tile"


class LatchingController(EchoController):
    def __init__(self) -> None:
        super().__init__()
        self.resolved: list[str] = []

    def resolve(self, condition: str) -> bool:
        self.resolved.append(condition)
        return condition == CONDITION


def test_the_runtime_hands_the_resolution_to_the_controller():
    controller = LatchingController()
    runtime = Runtime(ScriptedProfile(), controller, clock=SimClock(), period_s=0.01)
    runtime.run_for(0.02)
    runtime.submit(ResolveCondition(CONDITION, "checked", "engineer1"))
    runtime.submit(ResolveCondition("gauge_spike", "checked", "engineer1"))
    runtime.run_for(0.01)
    assert controller.resolved == [CONDITION, "gauge_spike"]
    messages = runtime.latest().messages
    assert f"{CONDITION} resolved by engineer1" in messages
    assert "rejected: gauge_spike is not latched" in messages
    plain = Runtime(ScriptedProfile(), EchoController(), clock=SimClock(), period_s=0.01)
    plain.submit(ResolveCondition(CONDITION, "checked", "engineer1"))  # no latches at all
    plain.run_for(0.01)
    assert f"rejected: {CONDITION} is not latched" in plain.latest().messages
