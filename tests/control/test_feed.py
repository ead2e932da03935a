"""Feed: mass-balance feedforward, recycle, ratio split, refill awareness, bank-level trim."""

import pytest

from hmi.control import LineControllerConfig
from hmi.control.feed import FeedController

CFG = LineControllerConfig(formulation={"active": 0.95, "carbon": 0.03, "binder": 0.02})
FLOWS = [829.46, 26.19, 17.46]


def step(feed, *, bank=3.0, cut=26.88, flows=FLOWS, hoppers=(180.0, 24.0, 24.0), refilling=None,
         target=30.0, auto=True, running=True, dt=0.1):  # fmt: skip
    return feed.step(
        target_mg_cm2=target,
        width_mm=1000.0,
        speed_m_min=50.0,
        running=running,
        auto=auto,
        bank_kg=bank,
        recycle_cut_kg_h=cut,
        flows_kg_h=list(flows),
        hoppers_kg=list(hoppers),
        refilling=list(refilling or (False, False, False)),
        dt_s=dt,
    )


def started(cut=26.88):
    feed = FeedController(CFG)
    feed.start(3.0, cut)
    return feed


def test_fresh_feed_is_the_film_less_the_trim_returning_split_by_formulation():
    out = step(started())
    assert out.film_kg_h == pytest.approx(900.0)
    assert out.recycle_kg_h == pytest.approx(26.88)
    fresh = 900.0 - 26.88
    assert out.setpoints_kg_h[0] == pytest.approx(0.95 * fresh)
    # minors follow the main feeder's measured flow in the formulation's ratio
    assert out.setpoints_kg_h[1] == pytest.approx(0.03 / 0.95 * FLOWS[0])
    assert out.setpoints_kg_h[2] == pytest.approx(0.02 / 0.95 * FLOWS[0])
    assert out.mixer_in_kg_h == pytest.approx(sum(FLOWS) + 26.88)


def test_trim_returns_after_the_recycle_delay():
    feed = started(cut=26.88)
    for _ in range(590):  # 59 s of a new grade's trim: the old trim still returns
        out = step(feed, cut=23.3)
    assert out.recycle_kg_h == pytest.approx(26.88)
    for _ in range(20):
        out = step(feed, cut=23.3)
    assert out.recycle_kg_h == pytest.approx(23.3)


def test_minors_follow_a_main_feeder_that_delivers_less_and_it_is_asked_to_make_up():
    feed = started()
    want = 0.95 * (900 - 26.88)
    for _ in range(100):  # 10 s of a 30 % bridge on the main feeder
        out = step(feed, flows=(0.7 * FLOWS[0], FLOWS[1], FLOWS[2]))
    assert out.setpoints_kg_h[1] == pytest.approx(0.03 / 0.95 * 0.7 * FLOWS[0], rel=1e-3)
    # the shortfall beyond its own trim's 2 % band is integrated in 10 s into its setpoint
    assert out.makeup == pytest.approx((0.3 - 0.02) * 10.0 / 10.0, rel=0.1)
    assert out.setpoints_kg_h[0] == pytest.approx(want * (1 + out.makeup))
    for _ in range(300):  # as long as it lasts, up to +60 %
        out = step(feed, flows=(0.5 * FLOWS[0], FLOWS[1], FLOWS[2]))
    assert out.makeup == pytest.approx(0.6)
    for _ in range(600):  # the bridge is gone and the feeder overshoots: the make-up unwinds
        out = step(feed, flows=(want * (1 + out.makeup), FLOWS[1], FLOWS[2]))
    assert abs(out.makeup) < 0.025  # down to its band (τ 10 s)


def test_a_feeder_refilling_during_a_bridge_is_expected_to_go_on_as_badly():
    feed = started()
    for _ in range(20):
        step(feed, flows=(0.6 * FLOWS[0], FLOWS[1], FLOWS[2]))
    out = step(feed, flows=(0.6 * FLOWS[0], FLOWS[1], FLOWS[2]), refilling=(True, False, False))
    asked = 0.95 * (900 - 26.88) * (1 + out.makeup)
    expected = asked * 0.6 * FLOWS[0] / (0.95 * (900 - 26.88) * (1 + feed.makeup))
    assert out.mixer_in_kg_h - FLOWS[1] - FLOWS[2] - 26.88 == pytest.approx(expected, rel=0.02)
    assert out.weighed_s == 0.0  # the mass balance knows the flows were guessed


def test_a_refilling_feeder_is_asked_for_less_as_its_hopper_fills():
    feed = started()
    k = CFG.feeder_fill_gain
    out = step(feed, refilling=(True, False, False), hoppers=(60.0, 24.0, 24.0))
    want = 0.95 * (900 - 26.88)
    assert out.setpoints_kg_h[0] == pytest.approx(want)  # fill as at the start of the refill
    out = step(feed, refilling=(True, False, False), hoppers=(270.0, 24.0, 24.0))
    assert out.setpoints_kg_h[0] == pytest.approx(want * (1 + k * 0.2) / (1 + k * 0.9))
    # the frozen weight reading is not taken: minors follow the intended main flow
    assert out.setpoints_kg_h[1] == pytest.approx(0.03 * (900 - 26.88))
    assert out.mixer_in_kg_h == pytest.approx(want + FLOWS[1] + FLOWS[2] + 26.88)
    out = step(feed, hoppers=(270.0, 24.0, 24.0))  # refill over: as asked again
    assert out.setpoints_kg_h[0] == pytest.approx(want)


def test_a_flow_step_is_put_in_the_mass_balance_where_it_went():
    feed = started()
    step(feed)
    out = step(feed, flows=(FLOWS[0] + 100.0, FLOWS[1], FLOWS[2]))
    # the reading lags the flow by τ_f = 1 s: its rise over 0.1 s means 10× that rise now
    assert out.mixer_in_kg_h == pytest.approx(sum(FLOWS) + 26.88 + 100.0 + 1.0 / 0.1 * 100.0)


def test_bank_trim_step_response_is_proportional_then_integral():
    feed = started()
    out = step(feed, bank=2.5)  # 0.5 kg below the bank at start
    kp = CFG.bank_trim_kg_h_per_kg
    assert out.bank_trim_kg_h == pytest.approx(kp * 0.5, rel=0.01)
    for _ in range(6000):  # 600 s: the integral adds kp·e·t/T
        out = step(feed, bank=2.5)
    assert out.bank_trim_kg_h == pytest.approx(
        kp * 0.5 * (1 + 600 / CFG.bank_trim_time_s), rel=0.01
    )


def test_bank_trim_anti_windup_at_its_limit():
    feed = started()
    limit = CFG.bank_trim_limit_frac * 900.0
    for _ in range(100_000):  # a bank far below for hours
        out = step(feed, bank=0.0)
    assert out.bank_trim_kg_h == pytest.approx(limit, rel=1e-3)
    assert feed.trim_integral_kg_h <= limit  # the integral stopped where the limit was
    out = step(feed, bank=6.0)  # the bank overshoots: the trim turns at once
    assert out.bank_trim_kg_h < 0.5 * limit


def test_manual_holds_the_trim_and_auto_resumes_without_a_bump():
    feed = started()
    for _ in range(100):
        held = step(feed, bank=2.5).bank_trim_kg_h
    for _ in range(100):
        assert step(feed, bank=1.0, auto=False).bank_trim_kg_h == pytest.approx(held)
    resumed = step(feed, bank=1.0).bank_trim_kg_h
    assert resumed == pytest.approx(held, abs=0.01)


def test_a_stopped_line_gets_no_feed():
    out = step(started(), running=False)
    assert out.setpoints_kg_h == [0.0, 0.0, 0.0] and out.film_kg_h == 0.0


def test_the_feed_leads_a_change_through_the_mixer():
    """Through a first-order mixer (τ 45 s) the fed powder reaches the bank within the lead's
    τ_f, not the mixer's residence."""
    feed, holdup, tau = started(), 900.0 / 3600.0 * 45.0, 45.0
    step(feed)  # at 30 mg/cm²
    out_of_mixer, flows = [], FLOWS
    for _ in range(600):  # 60 s after a grade change 30 -> 26 mg/cm², feeders as asked
        out = step(feed, target=26.0, flows=flows)
        flows = out.setpoints_kg_h
        inflow = sum(flows) + out.recycle_kg_h
        holdup += (inflow / 3600.0 - holdup / tau) * 0.1
        out_of_mixer.append(holdup / tau * 3600.0)
    assert abs(out.lead_kg_h) < 0.01 * 780.0  # the lead is spent
    want = 0.6 * 26.0 * 50.0  # the film, with the trim returning (still the old grade's)
    lag = CFG.feed_lead_time_s
    assert out_of_mixer[round(3 * lag / 0.1)] == pytest.approx(want, rel=0.02)  # 3 τ_f, not 3 τ
    assert out_of_mixer[-1] == pytest.approx(want, rel=0.015)


def test_the_speed_limit_is_where_the_feeders_run_out():
    out = step(started(), target=45.0)
    # main feeder 2000 kg/h at 95 %, 95 % of the fresh feed, 97 % of the film kept fresh
    fresh_max = 2000.0 / 0.95 * 0.95
    assert out.speed_limit_m_min == pytest.approx(fresh_max / (0.6 * 45.0 * 1.0 * 0.97))
