"""Thermal compensation: first-order roll body, −α·D per K, hold on a bad reading."""

import math

import pytest

from hmi.control.thermal import ThermalCompensator


def test_step_response_is_the_roll_body_lag():
    comp = ThermalCompensator(-9.0, 300.0)
    assert comp.step(80.0, 0.1) == 0.0  # the first reading is the reference
    for _ in range(3000):  # 300 s after a +2 K surface step: 1 − 1/e of 18 µm
        g = comp.step(82.0, 0.1)
    assert g == pytest.approx(-18.0 * (1 - math.exp(-1.0)), rel=1e-6)
    assert comp.compensation_um == pytest.approx(-g)  # the setpoint opens what the rolls closed
    for _ in range(30000):
        comp.step(82.0, 0.1)
    assert comp.gap_um == pytest.approx(-18.0, rel=1e-4)


def test_a_given_reference_temperature_counts_from_it():
    comp = ThermalCompensator(-9.0, 300.0, reference_c=79.0)
    assert comp.step(80.0, 0.1) == pytest.approx(-9.0)  # started 1 K above the zeroing


def test_a_bad_reading_keeps_relaxing_toward_the_last_good_one():
    comp = ThermalCompensator(-9.0, 300.0)
    comp.step(80.0, 0.1)
    comp.step(81.0, 0.1)
    before = comp.gap_um
    for _ in range(100):
        comp.step(None, 0.1)
    assert before > comp.gap_um > -9.0
    assert ThermalCompensator(-9.0, 300.0).step(None, 0.1) == 0.0  # nothing known yet
