"""Second-order gap actuators, force limit, roll thermal growth, eccentricity and bending."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from hmi.plant import LFP, Equipment, Line
from hmi.plant.actuators import GapActuator

QUIET = Equipment(feeder_noise_rel=0.0, feeder_pulsation_rel=0.0, gauge_areal_mass_noise_rel=0.0)
ZETA, FN = 0.8, 20.0


def _analytic_step(t: float, amplitude: float) -> float:
    """x(t) − x0 of x'' + 2ζω x' + ω² x = ω² r for a step of `amplitude` from rest."""
    w = 2 * math.pi * FN
    sigma, wd = ZETA * w, w * math.sqrt(1 - ZETA**2)
    return amplitude * (
        1 - math.exp(-sigma * t) * (math.cos(wd * t) + sigma / wd * math.sin(wd * t))
    )


@pytest.mark.parametrize("dt", [0.01, 0.001])
def test_actuator_is_the_exact_second_order_response_at_any_dt(dt: float) -> None:
    act = GapActuator(80.0, 100.0, 0.0, natural_freq_hz=FN, damping=ZETA)
    for i in range(1, round(0.2 / dt) + 1):
        x = act.step(dt, 80.5)  # small: peak speed ~20 µm/s, below the slew limit
        assert x - 80.0 == pytest.approx(_analytic_step(i * dt, 0.5), abs=2e-9)
    assert act.position_um == 80.5  # settled, at rest exactly


def test_actuator_overshoot_and_settling_match_zeta_and_omega() -> None:
    dt = 0.0005
    act = GapActuator(80.0, 100.0, 0.0, natural_freq_hz=FN, damping=ZETA)
    xs = np.array([act.step(dt, 81.0) for _ in range(400)]) - 80.0
    wd = 2 * math.pi * FN * math.sqrt(1 - ZETA**2)
    overshoot = math.exp(-math.pi * ZETA / math.sqrt(1 - ZETA**2))  # 1.5 %
    assert xs.max() - 1.0 == pytest.approx(overshoot, rel=0.02)
    assert (np.argmax(xs) + 1) * dt == pytest.approx(math.pi / wd, abs=dt)  # peak time π/ω_d
    outside = np.nonzero(np.abs(xs - 1.0) > 0.02)[0]
    settle = (outside[-1] + 1) * dt
    assert settle < 4.0 / (ZETA * 2 * math.pi * FN)  # 2 % band within 4/(ζω) = 40 ms


@pytest.mark.parametrize("dt", [0.01, 0.001])
def test_actuator_big_steps_are_slew_limited_and_stable(dt: float) -> None:
    act = GapActuator(80.0, 100.0, 0.1)
    xs = []
    for sp in (130.0, 40.0, 40.3):
        xs += [act.step(dt, sp) for _ in range(round(1.5 / dt))]
        assert act.position_um == pytest.approx(sp, abs=1e-9)
        assert act.velocity_um_s == 0.0
    moves = np.abs(np.diff([80.0, *xs]))
    assert moves.max() <= 100.0 * dt + 0.1 + 1e-9
    assert max(xs) < 130.0 + 0.1 + 1e-9 and min(xs) > 40.0 - 0.1 - 1e-9  # no ringing past


def test_force_limit_makes_the_cylinder_yield() -> None:
    eq = dataclasses.replace(QUIET, gap_force_limit_kn=100.0)  # the steady force is ~107 kN
    line = Line.at_steady_state(LFP, eq, 30.0, 20.0)
    cmd = line.steady_commands()
    for _ in range(500):
        line.step(0.01, cmd)
        assert max(line.roll_force_kn.values()) <= 100.0 + 1e-6
    opening = line.gap_yield_um["os"]
    assert opening > 1.0
    assert line.effective_gap_um["os"] == pytest.approx(line.steady_gap_um + opening)
    assert line.measurements()["gap_os_um"] == pytest.approx(line.steady_gap_um + opening)
    assert line.gap_actuators["os"].position_um == line.steady_gap_um  # the servo holds
    assert line.nip_areal_mass_mean_mg_cm2 == pytest.approx(30.0, rel=0.003)  # mass stays


def test_thermal_growth_first_order_to_minus_9_um_per_k() -> None:
    eq = dataclasses.replace(QUIET, roll_heater_time_constant_s=0.0)  # growth alone
    assert eq.thermal_gap_um_per_k == pytest.approx(-9.0)  # α·D = 11.25e-6 × 800 mm
    line = Line.at_steady_state(LFP, eq, 30.0, 20.0)
    cmd = line.steady_commands()
    gap0 = line.effective_gap_um["os"]
    line.disturb.roll_temperature_step(2.0)
    tau = eq.roll_growth_time_constant_s
    for _ in range(round(tau / 0.1)):
        line.step(0.1, cmd)
    expected = -9.0 * 2.0 * (1 - math.exp(-1))  # 63 % at t = τ
    assert line.thermal_gap_um == pytest.approx(expected, rel=1e-6)
    assert line.effective_gap_um["os"] - gap0 == pytest.approx(expected, rel=1e-6)
    assert line.measurements()["gap_os_um"] == line.steady_gap_um  # the sensor sees nothing
    for _ in range(round(5 * tau / 0.5)):
        line.step(0.5, cmd)
    assert line.thermal_gap_um == pytest.approx(-18.0, rel=0.01)


def test_roll_temperature_follows_its_setpoint_through_the_heater_lag() -> None:
    line = Line.at_steady_state(LFP, QUIET, 30.0, 20.0)
    cmd = line.steady_commands()
    line.disturb.roll_temperature_step(-4.0)
    for _ in range(600):
        line.step(0.1, cmd)  # τ_heat = 60 s
    assert line.measurements()["roll_temperature_c"] == pytest.approx(80.0 - 4 * (1 - math.exp(-1)))
    assert line.thermal_gap_um > 0.0  # cooler rolls: the gap opens, lagging the temperature
    assert line.thermal_gap_um < 9.0 * (80.0 - line.roll_temperature_c)


def test_eccentricity_at_the_roll_rotation_frequency_with_a_2x_harmonic() -> None:
    line = Line.at_steady_state(LFP, QUIET, 30.0, 50.0)
    cmd = line.steady_commands()
    line.disturb.eccentricity(3.0)
    dt = 0.01
    gaps = []
    for _ in range(6000):
        line.step(dt, cmd)
        gaps.append(line.effective_gap_um["ds"])
    g = np.array(gaps) - line.steady_gap_um
    f_roll = (50.0 / 60.0) / (math.pi * 0.8)  # v / (π·D) = 0.332 Hz
    up = np.nonzero((g[:-1] < 0.0) & (g[1:] >= 0.0))[0]  # one upward crossing per turn
    f_measured = (len(up) - 1) / ((up[-1] - up[0]) * dt)
    assert f_measured == pytest.approx(f_roll, rel=0.005)
    spectrum = np.abs(np.fft.rfft(g * np.hanning(len(g))))
    freqs = np.fft.rfftfreq(len(g), dt)
    a1 = spectrum[np.argmin(np.abs(freqs - f_roll))]
    a2 = spectrum[np.argmin(np.abs(freqs - 2 * f_roll))]
    assert a2 / a1 == pytest.approx(0.3, abs=0.05)
    # sin θ + 0.3·sin 2θ peaks at ±1.137 (θ = ±66°)
    assert np.abs(g).max() == pytest.approx(3.0 * 1.137, rel=0.01)


def test_roll_angle_is_integrated_through_speed_changes() -> None:
    line = Line.at_steady_state(LFP, QUIET, 30.0, 50.0)
    cmd = line.steady_commands()
    line.disturb.eccentricity(2.0)
    slow = cmd._replace(line_speed_sp_m_min=12.0)
    for i in range(3000):
        line.step(0.01, cmd if i < 700 else slow)
        theta = 2.0 * line.web_position_m / 0.8  # θ = ∫ 2v/D dt = 2·x/D
        assert line.roll_angle_rad == pytest.approx(theta % (2 * math.pi), abs=1e-6)
    expected = 2.0 * math.sin(theta) + 0.6 * math.sin(2 * theta)
    assert line.eccentricity_gap_um == pytest.approx(expected, abs=1e-6)


def test_bending_grows_with_force() -> None:
    line = Line.at_steady_state(LFP, QUIET, 30.0, 20.0)
    total = sum(line.roll_force_kn.values())
    assert line.bending_um == pytest.approx(total / 400.0, rel=1e-6)
    heavy = Line.at_steady_state(LFP, QUIET, 45.0, 20.0)
    assert sum(heavy.roll_force_kn.values()) > total and heavy.bending_um > line.bending_um
