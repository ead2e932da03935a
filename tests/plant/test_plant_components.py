"""Feeders, mixer, gap actuators, speed drive and web transport, each on its own."""

from __future__ import annotations

import math
import statistics

import pytest

from hmi.plant.actuators import GapActuator, SpeedDrive
from hmi.plant.feeder import Feeder
from hmi.plant.mixer import Mixer
from hmi.plant.noise import NormalStream
from hmi.plant.transport import WebTransport

DT = 0.01


def _feeder(noise_rel: float = 0.0, hopper_kg: float = 150.0, seed: int = 0) -> Feeder:
    return Feeder(
        "active",
        capacity_kg=300.0,
        hopper_kg=hopper_kg,
        time_constant_s=0.5,
        noise_rel=noise_rel,
        noise_corr_s=0.2,
        refill_request_frac=0.2,
        refill_complete_frac=0.9,
        refill_time_s=30.0,
        rng=NormalStream(seed, 0),
    )


def test_feeder_follows_setpoint_through_first_order_lag() -> None:
    f = _feeder()
    flows = []
    for _ in range(500):
        f.step(DT, 100.0)
        flows.append(f.flow_kg_h)
    assert flows[49] == pytest.approx(100.0 * (1 - math.exp(-0.5 / 0.5)), rel=1e-9)  # t = τ
    assert flows[-1] == pytest.approx(100.0, rel=1e-4)
    assert 150.0 - f.hopper_kg == pytest.approx(f.delivered_total_kg, rel=1e-12)
    assert f.delivered_total_kg == pytest.approx(sum(flows) * DT / 3600.0, rel=1e-12)


def test_feeder_noise_is_about_0_3_percent() -> None:
    f = _feeder(noise_rel=0.003)
    f.set_flow(100.0)
    flows = []
    for _ in range(6000):
        f.step(DT, 100.0)
        flows.append(f.flow_kg_h)
    assert statistics.pstdev(flows) / 100.0 == pytest.approx(0.003, rel=0.3)
    assert statistics.fmean(flows) == pytest.approx(100.0, rel=0.002)


def test_feeder_flows_to_zero_on_zero_setpoint() -> None:
    f = _feeder(noise_rel=0.003)
    f.set_flow(100.0)
    for _ in range(2000):
        f.step(DT, 0.0)
    assert f.flow_kg_h == 0.0


def test_feeder_refills_from_request_to_complete_level_in_about_30_s() -> None:
    f = _feeder(hopper_kg=0.2 * 300.0 + 1.0)
    f.set_flow(1800.0)  # 0.5 kg/s: crosses 20 % in 2 s
    t, start, end = 0.0, None, None
    low = f.hopper_kg
    while t < 60.0:
        f.step(DT, 1800.0)
        t += DT
        low = min(low, f.hopper_kg)
        if start is None and f.refilling:
            start = t
        if start is not None and end is None and not f.refilling:
            end = t
    assert start is not None and end is not None
    assert low == pytest.approx(0.2 * 300.0, abs=0.1)
    assert f.hopper_kg <= 0.9 * 300.0 + 1e-9
    assert 30.0 <= end - start <= 35.0  # 210 kg at 7 kg/s, less the 0.5 kg/s fed meanwhile
    assert f.refilled_total_kg == pytest.approx(f.hopper_kg + f.delivered_total_kg - 61.0)


def test_feeder_hopper_never_negative_when_starved() -> None:
    f = Feeder(
        "binder",
        capacity_kg=1.0,
        hopper_kg=0.01,
        time_constant_s=0.0,
        noise_rel=0.0,
        noise_corr_s=0.2,
        refill_request_frac=0.0,
        refill_complete_frac=0.5,
        refill_time_s=30.0,
        rng=NormalStream(0, 0),
    )
    total = sum(f.step(DT, 3600.0) for _ in range(10))
    assert total == pytest.approx(0.01)
    assert f.hopper_kg == 0.0 and f.flow_kg_h == 0.0


def test_mixer_lag_and_conservation() -> None:
    m = Mixer(45.0)
    out = sum(m.step(DT, 0.1 * DT) for _ in range(4500))  # 0.1 kg/s for one residence time
    assert m.outflow_kg_h / 360.0 == pytest.approx(1 - math.exp(-1), rel=1e-3)
    assert out + m.holdup_kg == pytest.approx(0.1 * 45.0, rel=1e-12)
    m.set_steady(360.0)
    assert m.holdup_kg == pytest.approx(4.5)
    assert m.step(DT, 0.1 * DT) == pytest.approx(0.1 * DT, rel=1e-12)
    assert Mixer(0.0).step(DT, 0.3) == 0.3


def test_gap_actuator_rate_limit_and_resolution() -> None:
    # Changed with the second-order actuator (was a first-order lag): a 50 µm step is
    # slew-limited, then the position loop settles onto the setpoint.
    act = GapActuator(80.0, 100.0, 0.1)
    positions = []
    for _ in range(200):
        positions.append(act.step(DT, 130.0))
    steps = [b - a for a, b in zip([80.0, *positions], positions, strict=False)]
    assert max(steps) <= 100.0 * DT + 0.1 + 1e-9  # slew ≤ 100 µm/s (plus one quantum)
    assert positions[9] == pytest.approx(90.0, abs=0.11)  # 0.1 s at full rate
    assert positions[-1] == pytest.approx(130.0, abs=1e-9)
    for p in positions:
        assert abs(p / 0.1 - round(p / 0.1)) < 1e-6


@pytest.mark.parametrize(("sp", "expected"), [(80.04, 80.0), (80.06, 80.1), (79.96, 80.0)])
def test_gap_actuator_resolution_setpoints(sp: float, expected: float) -> None:
    act = GapActuator(80.0, 100.0, 0.1)
    for _ in range(100):
        act.step(DT, sp)
    assert act.position_um == pytest.approx(expected, abs=1e-9)


def test_speed_drive_ramps_at_limited_acceleration() -> None:
    d = SpeedDrive(20.0)
    speeds = [d.step(DT, 20.0) for _ in range(150)]
    assert speeds[49] == pytest.approx(10.0)
    assert speeds[99] == pytest.approx(20.0)
    assert speeds[-1] == 20.0
    for _ in range(60):
        d.step(DT, 0.0)
    assert d.speed_m_min == pytest.approx(8.0)


def test_web_transport_delay_in_metres() -> None:
    # Film made while the web moves from x to x + 5 mm reaches the gauge when the web has moved
    # a further L = 2.0 m: the delay is a distance, quantized to one cell.
    tr = WebTransport(2.0, 0.005, (1.0, 1.0, 1.0, 1.0))
    assert tr.cells == 400 and tr.length_m == pytest.approx(2.0)
    tr.advance(1.0, (2.0, 2.0, 2.0, 2.0))  # film "2" made over 0..1 m
    tr.advance(0.0, (9.0, 9.0, 9.0, 9.0))  # no motion, no write
    tr.advance(0.995, (3.0, 3.0, 3.0, 3.0))  # film "3" made over 1..3 m
    assert tr.at_gauge()[0] == 1.0  # at 1.995 m the first new film is still 5 mm short
    tr.advance(0.005, (3.0, 3.0, 3.0, 3.0))
    assert tr.at_gauge()[0] == 1.0  # 2.000 m: the film made at 0 m, the initial film
    tr.advance(0.005, (3.0, 3.0, 3.0, 3.0))
    assert tr.at_gauge()[0] == 2.0  # 2.005 m: film made over 0..5 mm
    tr.advance(0.995, (3.0, 3.0, 3.0, 3.0))
    assert tr.at_gauge()[0] == 2.0  # 3.000 m: film made at 0.995..1.0 m
    tr.advance(0.005, (3.0, 3.0, 3.0, 3.0))
    assert tr.at_gauge()[0] == 3.0  # 3.005 m
    for _ in range(1000):  # many small steps that do not land on boundaries
        tr.advance(0.0033, (4.0, 4.0, 4.0, 4.0))
    assert tr.at_gauge()[0] == 4.0  # 3.3 m of film "4" made
    tr.advance(50.0, (5.0, 5.0, 5.0, 5.0))  # a long jump overwrites everything
    assert tr.at_gauge()[0] == 5.0
