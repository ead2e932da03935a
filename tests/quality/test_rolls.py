"""Cutting rolls: exact metres whatever the speed does, totals split at the cut."""

import math

import numpy as np
import pytest

from hmi.quality.rolls import RollTracker


def _drive(tracker, speed_m_min, until_s, dt, t0, power_kw=120.0):
    """Advance a tracker tick by tick; returns the end time."""
    t = t0
    while t < until_s - 1e-9:
        step = min(dt, until_s - t)
        t += step
        metres = speed_m_min(t - step) / 60.0 * step  # the speed held over the tick
        tracker.advance(t, 1e9 + t, tracker.position_m + metres,
                        energy_kwh=power_kw * step / 3600.0, powder_kg=0.5 * step)  # fmt: skip
    return t


@pytest.mark.parametrize("dt", [0.01, 0.37])
def test_roll_boundaries_are_exact_metres_under_speed_changes(dt):
    # 30 m/min (0.5 m/s) for 148 s = 74 m (148 s: a tick boundary of both ticks), then
    # 60 m/min (1 m/s): 100 m rolls end at t = 174 s (74 + 26 m), 274 s and 374 s
    done = []
    tracker = RollTracker(100.0, 1.5, lambda r, m: done.append(r))
    tracker.set_context("LFP 30", 3, 30.0, 1000.0)
    _drive(tracker, lambda t: 30.0 if t < 148.0 - 1e-9 else 60.0, 400.0, dt, 0.0)
    assert [r.length_m for r in done] == [100.0, 100.0, 100.0]
    assert [r.start_m for r in done] == [0.0, 100.0, 200.0]
    assert done[0].end_t_s == pytest.approx(174.0, abs=1e-6)
    assert done[1].end_t_s == pytest.approx(274.0, abs=1e-6)
    assert done[2].end_t_s == pytest.approx(374.0, abs=1e-6)
    assert done[1].start_t_s == done[0].end_t_s
    # energy and powder split exactly at the cut: 120 kW over 174 s, then 100 s
    assert done[0].energy_kwh == pytest.approx(120 * 174 / 3600, abs=1e-4)
    assert done[1].energy_kwh == pytest.approx(120 * 100 / 3600, abs=1e-4)
    assert done[0].powder_kg == pytest.approx(0.5 * 174, abs=1e-3)
    assert done[0].area_m2 == 100.0
    assert done[0].energy_kwh_per_m2 == pytest.approx(120 * 174 / 3600 / 100, abs=1e-5)
    assert (done[0].recipe, done[0].recipe_version, done[0].cut) == ("LFP 30", 3, "length")
    # nothing lost between rolls: the open roll holds the rest
    rest = tracker.current
    assert rest.start_m == 300.0 and tracker.position_m == pytest.approx(326.0)


def test_one_step_across_two_cuts():
    done = []
    tracker = RollTracker(50.0, 1.5, lambda r, m: done.append(r))
    tracker.set_context("x", None, 30.0, 500.0)
    tracker.advance(0.0, 0.0, 0.0)  # the start
    tracker.advance(10.0, 10.0, 120.0, energy_kwh=12.0)  # 120 m in one step
    assert [(r.start_m, r.length_m) for r in done] == [(0.0, 50.0), (50.0, 50.0)]
    assert [r.end_t_s for r in done] == [
        pytest.approx(50 / 12, abs=1e-3),
        pytest.approx(100 / 12, abs=1e-3),
    ]  # ms
    assert [r.energy_kwh for r in done] == [pytest.approx(5.0), pytest.approx(5.0)]
    assert done[0].area_m2 == 25.0


def test_an_operator_cut_and_a_standing_web():
    done = []
    tracker = RollTracker(1000.0, 1.5, lambda r, m: done.append(r))
    tracker.set_context("x", None, 30.0, 1000.0)
    tracker.advance(1.0, 1.0, 12.5)
    tracker.advance(2.0, 2.0, 12.5, energy_kwh=1.0)  # standing: heat still counts
    tracker.new_roll()
    tracker.advance(3.0, 3.0, 12.5)  # not cut while the web stands
    assert done == []
    tracker.advance(4.0, 4.0, 20.0)
    assert len(done) == 1 and done[0].cut == "operator" and done[0].length_m == 12.5
    assert done[0].energy_kwh == 1.0
    assert tracker.current.start_m == 12.5


def test_offspec_metres_and_where_they_are():
    done = []
    tracker = RollTracker(100.0, 1.5, lambda r, m: done.append(r))
    tracker.set_context("x", None, 30.0, 1000.0)
    reading = {0: 30.0, 40: 31.0, 60: 30.1, 90: 29.0, 130: 30.0}  # 31 and 29: > 1.5 % out
    for p in range(0, 151):
        tracker.advance(float(p), float(p), float(p))
        if p in reading:  # as the live monitor does: a scan judges the metres after it
            tracker.judge(reading[p])
            tracker.add_mean(reading[p], 100.0)
    r = done[0]
    # the reading at 40 m judges 40–60 m, the one at 90 m judges 90 m on, across the cut
    assert r.offspec_m == pytest.approx(30.0)
    assert r.offspec_ranges_m == ((40.0, 60.0), (90.0, 100.0))
    assert len(done) == 1
    tracker.advance(200.0, 200.0, 200.0)
    assert done[1].offspec_ranges_m == ((0.0, 30.0),)  # 100–130 m, relative to its start


def test_alarms_during_a_roll_and_the_map():
    done = []
    tracker = RollTracker(10.0, 1.5, lambda r, m: done.append((r, m)))
    tracker.set_context("x", None, 30.0, 1000.0)
    tracker.advance(1.0, 1.0, 4.0)
    tracker.add_zones(4.0, np.full(24, 30.0))
    tracker.alarm_raised("areal_mass_high")
    tracker.alarm_raised("areal_mass_high")
    tracker.advance(2.0, 2.0, 11.0)
    record, roll_map = done[0]
    assert record.alarms == ("areal_mass_high",)
    assert roll_map.positions_m == [4.0] and roll_map.as_array().shape == (1, 24)
    assert record.scans == 1 and math.isfinite(record.mean_mg_cm2) is False


def test_a_roll_length_must_be_positive():
    with pytest.raises(ValueError, match="Roll length"):
        RollTracker(0.0, 1.5, lambda r, m: None)
