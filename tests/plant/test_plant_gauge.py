"""Cross-direction profile from the transport record, and the scanning gauge."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from hmi.plant import LFP, Equipment, Line
from hmi.plant.profile import CrossProfile, strip_integrals

DT = 0.01
QUIET = Equipment(
    feeder_noise_rel=0.0,
    feeder_pulsation_rel=0.0,
    gauge_areal_mass_noise_rel=0.0,
    gauge_thickness_noise_um=0.0,
)


def _run(line: Line, cmd, seconds: float, dt: float = DT) -> None:
    for _ in range(round(seconds / dt)):
        line.step(dt, cmd)


def test_zone_weights_integrate_the_profile_exactly() -> None:
    cd = CrossProfile(24, 0.03)
    record = (29.0, 31.0, 0.6, 0.25, 0.24)
    zones = cd.zones_mg_cm2(record)
    assert len(zones) == 24
    assert zones.mean() == pytest.approx(0.5 * (29.0 + 31.0) + 2 / 3 * 0.6, rel=1e-12)
    xi = cd.centres
    # zone average of m(ξ) = m_os(1 − ξ) + m_ds·ξ + m_b·4ξ(1 − ξ) over a zone of width 1/24
    expected = 29.0 * (1 - xi) + 31.0 * xi + 0.6 * (4 * xi * (1 - xi) - 4 / (12 * 24**2))
    np.testing.assert_allclose(zones, expected, rtol=1e-12)
    assert strip_integrals(0.0, 1.0) == pytest.approx((0.5, 0.5, 2 / 3))
    # trim: 1.5 % at each edge
    a = 0.015
    assert cd.trim_w == pytest.approx((a, a, 2 * (2 * a**2 - 4 * a**3 / 3)))
    assert cd.trim_fraction_mg_cm2((30.0, 30.0, 0.0, 1.0, 1.0)) == pytest.approx(0.03 * 30.0)


def test_bending_makes_the_middle_heavier_and_thicker() -> None:
    line = Line.at_steady_state(LFP, QUIET, 30.0, 20.0)
    zones = line.true_gauge_zones_mg_cm2()
    thick = line.true_gauge_thickness_zones_um()
    assert zones[11] > zones[5] > zones[0] and zones[12] > zones[18] > zones[23]
    np.testing.assert_allclose(zones, zones[::-1], rtol=1e-12)  # symmetric
    # m_b = intake per µm × b; zone averages of 4ξ(1 − ξ): zone 11 against zone 0
    per_um = line.nip_areal_mass_mg_cm2["os"] / line.effective_gap_um["os"]
    shape = [strip_integrals(j / 24, (j + 1) / 24)[2] * 24 for j in (0, 11)]
    expected = per_um * line.bending_um * (shape[1] - shape[0])
    assert zones.max() - zones[0] == pytest.approx(expected, rel=1e-9)
    assert thick[12] > thick[0]
    assert zones.mean() == pytest.approx(line.true_areal_mass_at_gauge_mg_cm2, rel=1e-12)
    assert line.true_areal_mass_at_gauge_mg_cm2 == pytest.approx(30.0, rel=1e-9)


def test_tilt_makes_a_linear_profile() -> None:
    eq = dataclasses.replace(QUIET, roll_bending_stiffness_kn_um=1e12)  # no bending
    line = Line.at_steady_state(LFP, eq, 30.0, 20.0)
    s = line.steady_gap_um
    tilted = line.steady_commands()._replace(gap_sp_um={"os": s - 4.0, "ds": s + 4.0})
    _run(line, tilted, 8.0)  # 2 m at 20 m/min is 6 s
    zones = line.true_gauge_zones_mg_cm2()
    steps = np.diff(zones)
    assert steps.min() > 0.0  # heavier toward DS
    np.testing.assert_allclose(steps, steps.mean(), rtol=1e-9)
    m = line.nip_areal_mass_mg_cm2
    assert zones[-1] - zones[0] == pytest.approx((m["ds"] - m["os"]) * 23 / 24, rel=1e-4)
    assert m["ds"] / m["os"] == pytest.approx((s + 4.0) / (s - 4.0), rel=1e-9)


def test_head_scans_both_ways_and_holds_the_pass_average() -> None:
    line = Line.at_steady_state(LFP, Equipment(), 30.0, 20.0, seed=2)
    cmd = line.steady_commands()
    g = line.gauge
    positions, readings, profile_means = [], [], []
    for _ in range(3300):
        line.step(DT, cmd)
        positions.append(g.position)
        readings.append(line.measurements()["areal_mass_mg_cm2"])
        profile_means.append(line.gauge_profile_mg_cm2.mean())
    p = np.array(positions)
    assert p[399] == pytest.approx(0.5, abs=0.01) and p[1199] == pytest.approx(0.5, abs=0.01)
    assert p[790:799].min() > 0.98 and np.argmax(p[:1000]) == pytest.approx(799, abs=1)
    changes = [i for i in range(1, len(readings)) if readings[i] != readings[i - 1]]
    assert [round(i * DT, 1) for i in changes] == pytest.approx([8.0, 16.0, 24.0, 32.0], abs=0.02)
    assert g.scans_completed == 4
    # each pass average is the mean of 24 zone readings with 0.2 % noise each
    sigma = 30.0 * 0.002 / math.sqrt(24)
    for i in changes:
        assert readings[i] == pytest.approx(30.0, abs=4 * sigma)
        assert readings[i] == pytest.approx(profile_means[i], rel=1e-12)  # all zones of a pass
    _run(line, cmd, 7.05)  # just past the end of the 5th pass (40 s)
    prof = line.gauge_profile_mg_cm2
    assert len(prof) == 24 and g.scans_completed == 5
    assert line.gauge_edge_os_mg_cm2 == pytest.approx(prof[:3].mean(), rel=1e-12)
    assert line.gauge_edge_ds_mg_cm2 == pytest.approx(prof[-3:].mean(), rel=1e-12)


def test_scan_average_matches_the_true_mean_within_noise() -> None:
    line = Line.at_steady_state(LFP, Equipment(), 30.0, 20.0, seed=5)
    cmd = line.steady_commands()
    errors, thickness_errors = [], []
    for _ in range(20):
        _run(line, cmd, 8.0)
        errors.append(
            line.measurements()["areal_mass_mg_cm2"] - line.true_areal_mass_at_gauge_mg_cm2
        )
        thickness_errors.append(
            line.measurements()["thickness_um"] - line.true_thickness_at_gauge_um
        )
    sigma = 30.0 * 0.002 / math.sqrt(24)
    assert np.std(errors) == pytest.approx(sigma, rel=0.5)
    assert abs(np.mean(errors)) < 3 * sigma / math.sqrt(20) + 0.01  # + feeder noise on the web
    assert np.std(thickness_errors) < 3 * 0.5 / math.sqrt(24) + 0.05


def test_zone_readings_are_the_web_at_the_gauge_when_the_head_is_there() -> None:
    line = Line.at_steady_state(LFP, QUIET, 30.0, 20.0)
    cmd = line.steady_commands()
    step = cmd._replace(gap_sp_um={s: line.steady_gap_um + 6.0 for s in ("os", "ds")})
    _run(line, step, 2.0)  # the heavier film is on its way: reaches the gauge at ~6 s
    _run(line, cmd, 6.0)  # ... the head is two thirds across when it arrives
    prof = line.gauge_profile_mg_cm2
    before = Line.at_steady_state(LFP, QUIET, 30.0, 20.0).true_gauge_zones_mg_cm2()
    assert prof[:12] == pytest.approx(before[:12], rel=1e-9)  # scanned before it arrived
    assert prof[20] > before[20] * 1.03  # scanned after


def test_thickness_rides_on_the_same_head() -> None:
    line = Line.at_steady_state(LFP, QUIET, 30.0, 20.0)
    _run(line, line.steady_commands(), 8.0)
    thick = line.gauge.thickness_profile_um
    np.testing.assert_allclose(thick, line.true_gauge_thickness_zones_um(), rtol=1e-9)
    assert line.measurements()["thickness_um"] == pytest.approx(thick.mean(), rel=1e-12)
