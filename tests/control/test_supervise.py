"""Gauge supervision: bad, stuck, spike (and believed after N scans), lost link."""

from hmi.control.supervise import GaugeSupervisor, good_value, link_lost
from hmi.core.process import Quality
from tests.control.helpers import image, lost


def supervisor():
    return GaugeSupervisor(8.0, stuck_scans=2.5, spike_limit_pct=0.6, accept_scans=4)


def test_good_value_refuses_nan_missing_and_bad_quality():
    img = image(bad=("bank_mass_kg",), thickness_um=float("nan"))
    assert good_value(img.values, img.quality, "line_speed_m_min") == 50.0
    assert good_value(img.values, img.quality, "bank_mass_kg") is None
    assert good_value(img.values, img.quality, "thickness_um") is None
    assert good_value(img.values, img.quality, "nonexistent") is None
    uncertain = image()
    uncertain.quality["line_speed_m_min"] = Quality.UNCERTAIN
    assert good_value(uncertain.values, uncertain.quality, "line_speed_m_min") is None


def test_a_lost_link_is_the_whole_image_bad():
    assert link_lost(lost())
    assert not link_lost(image(bad=("areal_mass_mg_cm2",)))


def test_bad_then_new_scan():
    s = supervisor()
    assert not s.new_scan(None, True, 0.1) and s.condition == "gauge_bad"
    assert s.new_scan(30.0, True, 0.1) and s.condition == ""


def test_stuck_after_two_and_a_half_scans_without_news_while_moving():
    s = supervisor()
    assert s.new_scan(30.0, True, 0.1)
    for _ in range(199):
        assert not s.new_scan(30.0, True, 0.1)
    assert s.condition == ""
    for _ in range(2):
        s.new_scan(30.0, True, 0.1)
    assert s.condition == "gauge_stuck"
    assert s.new_scan(30.01, True, 0.1) and s.condition == ""
    for _ in range(1000):  # a standing web brings no news either: not stuck
        s.new_scan(30.01, False, 0.1)
    assert s.condition == ""


def test_a_spike_is_not_believed_until_the_gauge_insists():
    s = supervisor()
    assert s.plausible(30.1, 30.0, 30.0) and s.condition == ""
    assert not s.plausible(30.3, 30.0, 30.0) and s.condition == "gauge_spike"
    assert s.plausible(30.0, 30.0, 30.0) and s.condition == ""  # one scan: a spike
    for _ in range(3):
        assert not s.plausible(30.6, 30.0, 30.0)
    assert s.plausible(30.6, 30.0, 30.0) and s.condition == "gauge_model_mismatch"


def test_grace_after_a_grade_change():
    s = supervisor()
    s.grace(2)
    assert s.plausible(28.0, 30.0, 26.0) and s.in_grace
    assert s.plausible(27.0, 30.0, 26.0) and s.in_grace
    assert not s.plausible(27.0, 26.0, 26.0) and not s.in_grace


def test_the_caliper_confirms_a_change_the_model_did_not_expect():
    s = supervisor()
    assert s.plausible(30.0, 30.0, 30.0, thickness_um=126.0)
    # the film got 2 % heavier and (denser, so only) 1 % thicker: real, the model was wrong
    assert s.plausible(30.6, 30.0, 30.0, thickness_um=127.3)
    assert s.condition == "gauge_model_mismatch"
    # the β reading jumps 2 % alone (a spike or an offset): the caliper did not see it
    assert not s.plausible(31.2, 30.6, 30.0, thickness_um=127.35)
    assert s.condition == "gauge_spike"
