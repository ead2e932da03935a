"""Capability and film figures against values computed by hand."""

import math

import numpy as np
import pytest

from hmi.quality.capability import CapabilityAccumulator
from hmi.quality.film import FilmStats

TARGET = 10.0


def _mg(errors_pct):
    return TARGET * (1.0 + np.asarray(errors_pct) / 100.0)


def test_cp_cpk_pp_ppk_of_two_scans_by_hand():
    # scan A: -0.3 -0.1 0.1 0.3 (mean 0, SS 0.2); scan B: 0.2 0.4 0.6 0.8 (mean 0.5, SS 0.2)
    # σ_within = √(0.4/6) = 0.258199; all eight: mean 0.25, SS 0.9, σ = √(0.9/7) = 0.358569
    acc = CapabilityAccumulator()
    acc.add_scan(np.array([-0.3, -0.1, 0.1, 0.3]))
    acc.add_scan(np.array([0.2, 0.4, 0.6, 0.8]))
    c = acc.result(1.5)
    assert (c.n, c.subgroups) == (8, 2)
    assert c.mean_pct == pytest.approx(0.25)
    assert c.sigma_within_pct == pytest.approx(0.258199, abs=1e-6)
    assert c.sigma_overall_pct == pytest.approx(0.358569, abs=1e-6)
    assert c.cp == pytest.approx(1.5 / (3 * 0.258199), abs=1e-5)  # 1.93649
    assert c.cpk == pytest.approx(1.25 / (3 * 0.258199), abs=1e-5)  # 1.61374
    assert c.pp == pytest.approx(1.5 / (3 * 0.358569), abs=1e-5)  # 1.39443
    assert c.ppk == pytest.approx(1.25 / (3 * 0.358569), abs=1e-5)  # 1.16203


def test_cpk_of_a_known_normal_distribution():
    # N(0.3 %, 0.25 %) against ±1.5 %: Cp = 1.5/0.75 = 2.0, Cpk = 1.2/0.75 = 1.6
    rng = np.random.default_rng(7)
    acc = CapabilityAccumulator()
    for _ in range(2000):
        acc.add_scan(rng.normal(0.3, 0.25, 24))
    c = acc.result(1.5)
    assert c.cp == pytest.approx(2.0, rel=0.01)
    assert c.cpk == pytest.approx(1.6, rel=0.01)
    assert c.pp == pytest.approx(2.0, rel=0.01)  # no MD moves: overall = within
    assert c.ppk == pytest.approx(1.6, rel=0.01)


def test_md_moves_lower_pp_not_cp():
    rng = np.random.default_rng(3)
    acc = CapabilityAccumulator()
    for _ in range(2000):
        acc.add_scan(rng.normal(0.0, 0.25, 24) + rng.normal(0.0, 0.25))
    c = acc.result(1.5)
    assert c.cp == pytest.approx(2.0, rel=0.02)
    assert c.pp == pytest.approx(2.0 / math.sqrt(2), rel=0.03)  # σ_overall = √2 · 0.25


def test_no_spread_gives_no_index():
    acc = CapabilityAccumulator()
    acc.add_scan(np.zeros(24))
    c = acc.result(1.5)
    assert c.cp is None and c.cpk is None and c.pp is None


def test_cd_md_and_zone_2sigma_of_a_crafted_map():
    # zones: a linear tilt of 0.01 mg/cm² per zone across 24 zones; each scan shifted by an MD
    # offset o_i from a fixed list. By hand: σ_CD = 0.01·√((24² − 1)/12) = 0.0692219;
    # offsets -0.05 0 0.05 0.1 → mean 0.025, Σd² = 0.0125, σ_MD = √(0.0125/4) = 0.0559017
    tilt = 0.01 * (np.arange(24) - 11.5)
    offsets = [-0.05, 0.0, 0.05, 0.1]
    film = FilmStats(tolerance_pct=1.5)
    for o in offsets:
        scan = TARGET + tilt + o
        film.add_zones(scan, TARGET)
        film.add_mean(float(scan.mean()), TARGET, 100.0)
    f = film.figures()
    assert f.cd_2sigma_mg_cm2 == pytest.approx(2 * 0.0692219, abs=1e-6)
    assert f.md_2sigma_mg_cm2 == pytest.approx(2 * 0.0559017, abs=1e-6)
    assert f.zone_2sigma_mg_cm2 == pytest.approx([2 * 0.0559017] * 24, abs=1e-6)
    both = 2 * math.sqrt(0.0692219**2 + 0.0559017**2)
    assert f.overall_2sigma_mg_cm2 == pytest.approx(both, abs=1e-6)
    assert f.cd_profile_mg_cm2 == pytest.approx(TARGET + tilt + 0.025)
    assert f.mean_mg_cm2 == pytest.approx(TARGET + 0.025)
    assert f.overall_2sigma_pct == pytest.approx(both / TARGET * 100, abs=1e-5)


def test_a_faulted_scan_is_not_judged():
    film = FilmStats(tolerance_pct=1.5)
    film.add_zones(np.full(24, math.nan), TARGET)
    film.add_zones(_mg(np.zeros(24)), TARGET)
    assert film.figures().scans == 1
