"""Eccentricity: angle-indexed adaptive feedforward learned from the roll force."""

import math

import pytest

from hmi.control.eccentricity import EccentricityCompensator

DT = 0.01
D_MM = 800.0
K = 0.94  # kN per µm of gap at the LFP point


def eccentricity(theta):
    return 2.0 * math.sin(theta + 0.7) + 0.6 * math.sin(2.0 * theta - 0.3)


def harmonic_amplitude(values, angles, n):
    """|Fourier coefficient| of `values` at n× the roll angle (whole revolutions)."""
    s = sum(v * math.sin(n * a) for v, a in zip(values, angles, strict=True))
    c = sum(v * math.cos(n * a) for v, a in zip(values, angles, strict=True))
    return 2.0 * math.hypot(s, c) / len(values)


def run(seconds, stiffness_estimate=K, speed=50.0, moves=None):
    """The gap the material sees = setpoint (applied one tick late) + e(θ); the force is K·that
    plus a slow drift. Returns (gap residuals, angles) of the last 6 s and the compensator."""
    comp = EccentricityCompensator(D_MM, adapt_time_s=4.0, lead_s=DT)
    theta, sp, residual, angles = 0.0, 0.0, [], []
    steps = round(seconds / DT)
    for k in range(steps):
        theta += comp.angular_speed_rad_s(speed) * DT
        ref = moves(k * DT) if moves else 0.0
        gap = ref + sp + eccentricity(theta)  # what the material sees, µm about the ref
        force = 107.0 + K * gap + 0.5 * math.sin(k * DT / 50.0)  # + a slow drift
        comp.adapt(theta, force, ref, stiffness_estimate, DT)
        sp = comp.compensation_um(theta, speed)
        if k >= steps - 600:
            residual.append(gap - ref)
            angles.append(theta)
    return residual, angles, comp


def test_roll_frequency_amplitude_is_reduced_tenfold():
    before, angles, _ = run(3.0, stiffness_estimate=1e12)  # learns nothing: uncompensated
    assert harmonic_amplitude(before, angles, 1) == pytest.approx(2.0, rel=0.02)
    after, angles, comp = run(40.0)
    assert harmonic_amplitude(after, angles, 1) < 0.2 / 10  # 1× : 2 µm -> < 0.02 µm
    assert harmonic_amplitude(after, angles, 2) < 0.06 / 10
    assert comp.amplitude_um == pytest.approx(2.6, rel=0.02)


@pytest.mark.parametrize("ratio", [0.5, 2.0])
def test_a_wrong_nip_stiffness_only_changes_the_speed(ratio):
    after, angles, _ = run(60.0, stiffness_estimate=K * ratio)
    assert harmonic_amplitude(after, angles, 1) < 0.05


def test_the_same_angle_map_holds_at_another_speed():
    _, _, comp = run(40.0, speed=50.0)
    learned = comp.a1, comp.b1
    after, angles, _ = run(40.0, speed=20.0)
    assert harmonic_amplitude(after, angles, 1) < 0.05
    assert learned == pytest.approx((2.0 * math.cos(0.7), 2.0 * math.sin(0.7)), abs=0.05)


def test_own_large_moves_are_not_learned_as_eccentricity():
    # a 10 µm grade-change step of the reference at 20 s: its force step is not eccentricity
    _, _, comp = run(40.0, moves=lambda t: -10.0 if t > 20.0 else 0.0)
    assert comp.amplitude_um == pytest.approx(2.6, rel=0.05)
