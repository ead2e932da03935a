"""Mass balance of the powder path against the emulated line's mixer and conveyor."""

import math

import pytest

from hmi.control.massbalance import PowderPath, RateLine
from hmi.plant.delay import TimeDelay
from hmi.plant.mixer import Mixer

DT = 0.1
W_M = 1.0
V_M_MIN = 50.0
FILM_KG_H = 900.0  # 30 mg/cm² × 1 m × 50 m/min


def test_rate_line_gives_back_the_same_flow_later_whatever_the_step():
    line = RateLine(5.0, 0.0)
    out = [line.step(DT, 100.0 if k < 10 else 0.0) for k in range(80)]
    assert sum(out) * DT == pytest.approx(100.0)  # 1 s of 100 kg/h comes out, 5 s later
    assert out.index(100.0) == pytest.approx(50, abs=1)
    odd = RateLine(5.0, 0.0)
    mass = sum(odd.step(0.037, 100.0 if k * 0.037 < 1.0 else 0.0) for k in range(300)) * 0.037
    assert mass == pytest.approx(100.0, rel=0.05)


class TruePath:
    """The plant's mixer and conveyor feeding a bank the nip draws from."""

    def __init__(self, flow_kg_h, bank_kg=3.0):
        self.mixer, self.conveyor = Mixer(45.0), TimeDelay(5.0)
        self.mixer.set_steady(flow_kg_h)
        self.conveyor.set_steady(flow_kg_h)
        self.bank = bank_kg

    def step(self, feed_kg_h, drawn_kg_h):
        into_bank = self.conveyor.step(DT, self.mixer.step(DT, feed_kg_h * DT / 3600.0))
        self.bank += into_bank - drawn_kg_h * DT / 3600.0


def run(seconds, feed, drawn, path=None):
    """Feed and draw (kg/h) as functions of t; returns the (t, measured, model) of each block."""
    true = TruePath(FILM_KG_H)
    obs = path or PowderPath(
        residence_s=45.0, conveyor_delay_s=5.0, roll_diameter_mm=800.0,
        flow_kg_h=FILM_KG_H, bank_kg=true.bank,
    )  # fmt: skip
    blocks = []
    for k in range(round(seconds / DT)):
        t = k * DT
        true.step(feed(t), drawn(t))
        dx = V_M_MIN / 60.0 * DT
        block = obs.step(DT, feed(t), dx, true.bank, W_M, 30.0)
        if block:
            blocks.append((t, *block))
    return blocks


def test_steady_line_draws_its_target():
    blocks = run(30.0, lambda t: FILM_KG_H, lambda t: FILM_KG_H)
    # one block per roll revolution: π·0.8 m at 50/60 m/s = 3.02 s
    assert len(blocks) == pytest.approx(30.0 / (math.pi * 0.8 / (50 / 60)), abs=1)
    for _, measured, model in blocks:
        assert measured == pytest.approx(30.0, rel=1e-9)
        assert model == pytest.approx(30.0)


def test_a_nip_that_draws_more_is_seen_within_a_revolution_not_a_gauge_scan():
    blocks = run(20.0, lambda t: FILM_KG_H, lambda t: FILM_KG_H * (1.05 if t >= 10.0 else 1.0))
    after = [m for t, m, _ in blocks if t > 13.1]
    assert after and all(m == pytest.approx(31.5, rel=1e-6) for m in after)


def test_a_feed_step_reaches_the_bank_through_the_mixer_and_the_conveyor():
    # feed +10 % at 10 s, the nip draws what arrives: the bank stays, the estimate follows
    true = TruePath(FILM_KG_H)
    obs = PowderPath(
        residence_s=45.0, conveyor_delay_s=5.0, roll_diameter_mm=800.0,
        flow_kg_h=FILM_KG_H, bank_kg=3.0,
    )  # fmt: skip
    drawn_prev, blocks = FILM_KG_H, []
    for k in range(round(120.0 / DT)):
        t = k * DT
        feed = FILM_KG_H * (1.1 if t >= 10.0 else 1.0)
        bank_before = true.bank
        true.step(feed, 0.0)
        drawn = (true.bank - bank_before) * 3600.0 / DT  # the nip draws what arrived
        true.bank = bank_before
        block = obs.step(DT, feed, V_M_MIN / 60.0 * DT, true.bank, W_M, 30.0)
        if block:
            blocks.append((t, block[0], drawn_prev))
        drawn_prev = drawn
    for t, measured, _ in blocks:
        expected = 30.0 * (1.0 + 0.1 * (1.0 - math.exp(-max(0.0, t - 1.5 - 15.0) / 45.0)))
        if t < 15.0:
            assert measured == pytest.approx(30.0, rel=1e-6)  # the conveyor's dead time
        else:
            assert measured == pytest.approx(expected, rel=0.01)
