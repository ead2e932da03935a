"""A gauge that reads off is not followed silently (issue 9, item 4): the gauge against the raw
mass balance, which the controller's adaptation does not move, latched until an engineer
resolves it."""

import pytest

from hmi.control import make_controller
from hmi.control.gaugecheck import CONDITION, GaugeBalanceCheck
from tests.control.helpers import LineRig

FORMULATION = {"active": 0.95, "carbon": 0.03, "binder": 0.02}


def test_the_condition_is_latched_after_the_fault_until_an_engineer_resolves_it():
    ctl = make_controller("model", FORMULATION, 2.0)
    rig = LineRig(ctl)
    rig.run(10.0)
    rig.profile.inject("gauge_fault", {"mode": "offset", "duration_s": 180.0, "magnitude": -2.0})
    assert CONDITION in rig.run(180.0).conditions
    assert ctl.check.disagreement_pct == pytest.approx(-2.0, abs=0.3)
    result = rig.run(200.0)  # the gauge is right again: the disagreement goes, the latch stays
    assert abs(ctl.check.disagreement_pct) < 0.5
    assert CONDITION in result.conditions
    assert ctl.resolve("gauge_spike") is False  # not a latched condition
    assert ctl.resolve(CONDITION) is True
    assert CONDITION not in rig.run(60.0).conditions
    assert ctl.resolve(CONDITION) is False  # nothing latched any more


def make_check(**kw):
    args = dict(gauge_distance_m=2.0, scan_time_s=8.0, initial_mg_cm2=30.0, gain=0.2, limit_pct=1.0)
    return GaugeBalanceCheck(**(args | {"delay_s": 30.0} | kw))


def test_the_disagreement_is_the_filtered_gauge_minus_the_delayed_mass_balance():
    check = make_check()
    check.on_scan(29.4, 30.0, usable=True)  # e = 100·(29.4 − 30)/30 = −2 %
    assert check.disagreement_pct == pytest.approx(0.2 * -2.0)
    check.on_scan(29.4, 30.0, usable=True)  # D ← D + λ·(e − D)
    assert check.disagreement_pct == pytest.approx(-0.4 + 0.2 * (-2.0 + 0.4))
    d = check.disagreement_pct
    check.on_scan(20.0, 30.0, usable=False)  # flows in doubt, mixed grades: nothing learned
    check.hold_off(5.0)
    check.on_scan(20.0, 30.0, usable=True)  # just back from a lost link: nothing learned
    assert check.disagreement_pct == d
    # the mass balance's blocks reach the gauge L = 2 m later, scan-averaged (8 s at 50 m/min)
    check = make_check()
    for _ in range(120):  # 12 s: 10 m of web, the nip drawing 30.6 mg/cm² (2.4 s + 8 s)
        check.advance(50 / 60 * 0.1, 0.1, 30.6)
    assert check.expected_mg_cm2() == pytest.approx(30.6)
    check.on_scan(30.6, 30.0, usable=True)
    assert check.disagreement_pct == pytest.approx(0.0, abs=1e-9)


def test_it_latches_after_its_delay_beyond_the_limit_and_only_then():
    check = make_check(delay_s=30.0)
    check.disagreement_pct = -1.2
    for _ in range(290):  # 29 s beyond the limit
        check.advance(0.0, 0.1, None)
    assert not check.latched and check.condition == ""
    check.disagreement_pct = -0.9  # back within: the count starts again
    check.advance(0.0, 0.1, None)
    check.disagreement_pct = -1.2
    for _ in range(299):
        check.advance(0.0, 0.1, None)
    assert not check.latched
    for _ in range(2):
        check.advance(0.0, 0.1, None)
    assert check.latched and check.condition == CONDITION
    check.disagreement_pct = 0.0  # the controller adapted, the fault went: still latched
    check.advance(0.0, 0.1, None)
    assert check.latched
    check.resolve()
    assert not check.latched
