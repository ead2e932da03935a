import numpy as np
import pytest

from hmi.sim.stats import RunStatistics, Sample, TargetTrack


def test_target_track_answers_by_web_position():
    track = TargetTrack()
    track.set(-1e9, 30.0)
    track.set(100.0, 26.0)
    track.set(150.0, 26.0)  # unchanged: not a new entry
    assert track.at(99.9) == 30.0
    assert track.at(100.0) == 26.0
    assert track.at(1e6) == 26.0
    assert track.positions_m == [-1e9, 100.0]


def make_stats(events=(10.0,), tolerance=1.5, band=0.5):
    return RunStatistics(
        startup_s=0.0,
        tolerance_pct=tolerance,
        settle_band_pct=band,
        scan_time_s=1.0,
        event_times_s=list(events),
        segment_times_s=[],
    )


def add(stats, t, error_pct, position, gap_error=0.0):
    stats.add(
        Sample(
            t_s=t,
            gauge_position_m=position,
            target=30.0,
            mean_mg_cm2=30.0 * (1 + error_pct / 100),
            zones_mg_cm2=np.full(4, 30.0 * (1 + error_pct / 100)),
            thickness_um=120.0,
            gap_error_um={"os": gap_error, "ds": -gap_error},
        )
    )


def test_settling_offspec_and_gap_windows():
    stats = make_stats()
    # 0-10 s on target; after the event at 10 s: 3 % off until 14 s, 0.8 % until 16 s, then 0
    for i in range(300):
        t = i * 0.1
        error = 0.0 if t < 10 else 3.0 if t < 14 else 0.8 if t < 16 else 0.0
        add(stats, t, error, position=t * 1.0, gap_error=5.0 if 10 <= t < 16 else 0.1)
    result = stats.summary(end_s=30.0)
    assert result["settling_time_s"] == [pytest.approx(5.9, abs=0.11)]  # last outside at 15.9 s
    assert result["offspec_length_m"] == pytest.approx(4.0, abs=0.11)  # 3 % for 4 m of web
    # the 5 µm gap error lies inside the settling window and is excluded
    assert result["gap_error_max_um"]["os"] == pytest.approx(0.1)
    assert result["gap_error_3sigma_um"]["ds"] == pytest.approx(0.1)  # |mean| + 3σ, σ = 0


def test_never_settled_is_null_and_never_left_is_zero():
    stats = make_stats(events=(5.0, 15.0))
    for i in range(300):
        t = i * 0.1
        add(stats, t, 2.0 if t >= 15 else 0.0, position=t)
    assert stats.summary(end_s=30.0)["settling_time_s"] == [0.0, None]


def test_md_two_sigma_uses_scan_averages():
    stats = make_stats(events=())
    rng = np.random.default_rng(1)
    # fast noise averages out within a 1 s scan; a slow square wave does not
    for i in range(2000):
        t = i * 0.1
        slow = 1.0 if int(t) % 2 else -1.0
        add(stats, t, slow + rng.normal(0, 2.0), position=t)
    md = stats.summary(end_s=200.0)["areal_mass_2sigma_pct"]
    assert md == pytest.approx(2 * np.sqrt(1 + 4 / 10), rel=0.15)
