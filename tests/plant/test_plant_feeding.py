"""Loss-in-weight feeders, mixer heat and shear, conveyor and recycle delays."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from hmi.plant import LFP, Equipment, Line
from hmi.plant.delay import TimeDelay
from hmi.plant.feeder import Feeder
from hmi.plant.mixer import PTFE_FIBRILLATION_C
from hmi.plant.noise import NormalStream

DT = 0.01
QUIET = Equipment(feeder_noise_rel=0.0, feeder_pulsation_rel=0.0, gauge_areal_mass_noise_rel=0.0)


def _liw(**overrides) -> Feeder:
    """A feeder with the line's loss-in-weight settings (no noise unless asked)."""
    kw = dict(
        capacity_kg=300.0,
        hopper_kg=180.0,
        time_constant_s=0.5,
        noise_rel=0.0,
        noise_corr_s=0.2,
        refill_request_frac=0.2,
        refill_complete_frac=0.9,
        refill_time_s=30.0,
        rng=NormalStream(0, 0),
        feed_factor_kg_rev=0.2,
        fill_gain=0.15,
        liw_filter_s=1.0,
        gravimetric_time_s=4.0,
        trim_limit_frac=0.25,
        refill_density_drop=0.04,
        density_settle_s=120.0,
    )
    kw.update(overrides)
    return Feeder("active", **kw)


def _run(feeder: Feeder, sp: float, seconds: float) -> list[float]:
    return [feeder.step(DT, sp) * 3600.0 / DT for _ in range(round(seconds / DT))]


def test_feed_factor_grows_with_bulk_density_and_fill() -> None:
    f = _liw()
    # ff = ff0 · ρ_rel · (1 + δ) · (1 + k·fill)
    assert f.feed_factor_kg_rev == pytest.approx(0.2 * (1 + 0.15 * 0.6))
    f.bulk_density_rel = 1.1
    f.hopper_kg = 270.0
    assert f.feed_factor_kg_rev == pytest.approx(0.2 * 1.1 * (1 + 0.15 * 0.9))


def test_gravimetric_trim_holds_the_setpoint_whatever_the_feed_factor() -> None:
    f = _liw()  # calibrated at half fill, running at 60 %: the volumetric guess is 1.4 % high
    f.set_flow(0.0)
    flows = _run(f, 300.0, 60.0)
    assert np.mean(flows[-500:]) == pytest.approx(300.0, rel=1e-3)
    # the trim has made up the fill effect (lagging the slowly draining hopper a little)
    assert f.trim == pytest.approx(0.2 * 1.075 / f.feed_factor_kg_rev - 1.0, abs=5e-4)
    assert f.measured_flow_kg_h == pytest.approx(300.0, rel=1e-3)
    assert f.screw_speed_rev_s == pytest.approx(300.0 / 3600.0 / f.feed_factor_kg_rev, rel=1e-3)


def test_screw_pulsation_at_the_screw_frequency() -> None:
    f = _liw(pulsation_rel=0.01, gravimetric_time_s=0.0, fill_gain=0.0, refill_request_frac=0.0)
    f.set_flow(720.0)  # 0.2 kg/s at 0.2 kg/rev: 1 rev/s
    flows = np.array(_run(f, 720.0, 20.0))
    spectrum = np.abs(np.fft.rfft(flows - flows.mean()))
    freqs = np.fft.rfftfreq(len(flows), DT)
    assert freqs[np.argmax(spectrum)] == pytest.approx(1.0, abs=0.05)
    assert (flows.max() - flows.min()) / 2 / 720.0 == pytest.approx(0.01, rel=0.02)


def test_refill_runs_volumetric_and_fresh_powder_is_looser() -> None:
    f = _liw(hopper_kg=0.2 * 300.0 + 0.5)
    f.set_flow(342.0)
    _run(f, 342.0, 10.0)  # crosses 20 % after ~5 s
    assert f.refilling
    speeds, flows, factors = [], [], []
    reading = f.measured_flow_kg_h
    while f.refilling:
        _run(f, 342.0, 0.5)
        if f.refilling:
            flows.append(f.flow_kg_h)
            speeds.append(f.screw_speed_rev_s)
            factors.append(f.feed_factor_kg_rev)
            assert f.measured_flow_kg_h == reading  # the weight cannot measure while filling
    # Volumetric: the screw speed stays, the flow follows the feed factor up as the hopper fills
    assert max(speeds) - min(speeds) < 1e-6 * speeds[0]
    assert flows[-1] / flows[0] == pytest.approx(factors[-1] / factors[0], rel=1e-4)
    assert flows[-1] / 342.0 - 1 > 0.08  # +9 % near 90 % fill against 20 %
    # Fresh powder mixes with what was left: δ = −drop · added / after
    added = f.hopper_kg - (0.2 * 300.0 - 0.3)
    assert f.density_offset == pytest.approx(-0.04 * added / f.hopper_kg, rel=0.02)
    delta = f.density_offset
    _run(f, 342.0, 120.0)  # settles back over τ = 120 s
    assert f.density_offset == pytest.approx(delta * math.exp(-1), rel=0.01)
    assert f.flow_kg_h == pytest.approx(342.0, rel=0.003)  # gravimetric again


def test_bridging_drops_flow_and_the_screw_speeds_up_within_its_trim() -> None:
    f = _liw()
    f.set_flow(342.0)
    n0, trim0 = f.screw_speed_rev_s, f.trim
    f.bridge(0.3, 20.0)
    flows = _run(f, 342.0, 0.05)
    assert flows[-1] == pytest.approx(0.7 * 342.0, rel=0.01)  # the screw turns, the arch holds
    flows += _run(f, 342.0, 19.9)
    assert f.trim == pytest.approx(0.25)  # the screw sped up to the end of its trim range
    assert f.screw_speed_rev_s == pytest.approx(n0 * 1.25 / (1 + trim0), rel=1e-6)
    assert max(flows[-100:]) < 0.95 * 342.0  # cannot make up 30 % with +25 %
    _run(f, 342.0, 60.0)
    assert not f.bridged and f.flow_kg_h == pytest.approx(342.0, rel=0.003)
    # a shallow bridge is made up once the trim has integrated
    f.bridge(0.1, 60.0)
    flows = _run(f, 342.0, 50.0)
    assert min(flows) < 0.93 * 342.0
    assert np.mean(flows[-200:]) == pytest.approx(342.0, rel=0.003)


def test_time_delay_releases_after_the_delay_and_conserves_mass() -> None:
    d = TimeDelay(5.0)
    out = [d.step(DT, 1.0 if i == 0 else 0.0) for i in range(1000)]
    first = next(i for i, m in enumerate(out) if m > 0.0)
    assert first * DT == pytest.approx(5.0, abs=0.06)
    assert sum(out) == pytest.approx(1.0) and d.holdup_kg == pytest.approx(0.0, abs=1e-12)
    d.set_steady(360.0)
    assert d.holdup_kg == pytest.approx(0.5)  # 0.1 kg/s × 5 s
    assert sum(d.step(DT, 0.001) for _ in range(500)) == pytest.approx(0.5, rel=1e-9)
    assert TimeDelay(0.0).step(DT, 0.3) == 0.3


def test_conveyor_delays_a_feed_step_by_its_delay() -> None:
    eq = dataclasses.replace(
        QUIET, mixer_residence_s=0.0, feeder_time_constant_s=0.0, feeder_gravimetric_time_s=0.0
    )
    line = Line.at_steady_state(LFP, eq, 30.0, 20.0)
    cmd = line.steady_commands()
    more = cmd._replace(feeder_sp_kg_h={k: 2 * v for k, v in cmd.feeder_sp_kg_h.items()})
    holdup = []
    for _ in range(800):
        line.step(DT, more)
        holdup.append(line.conveyor_holdup_kg)
    # The conveyor holds feed for 5 s: its hold-up rises until the first doubled feed comes out
    peak = int(np.argmax(holdup))
    assert peak * DT == pytest.approx(5.0, abs=0.1)


def test_mixer_shear_energy_power_and_temperature() -> None:
    line = Line.at_steady_state(LFP, Equipment(), 30.0, 20.0)
    eq = line.equipment
    assert line.shear_energy_kwh_kg == pytest.approx(1.6 * 45.0 / 3600.0)  # k·τ = 0.02 kWh/kg
    assert line.mixer_heat.power_kw(line.mixer_holdup_kg) == pytest.approx(1.5 + 1.6 * 4.5)
    rise = 0.1 * 1.6 * 45.0 / 0.8  # f·k·τ / c_p = 9 K
    assert line.mixer_temperature_c == pytest.approx(eq.ambient_temperature_c + rise)
    assert line.mixer_temperature_c > PTFE_FIBRILLATION_C and line.fibrillating
    cold = Line(LFP, dataclasses.replace(eq, ambient_temperature_c=5.0))
    assert cold.mixer_temperature_c == 5.0 and not cold.fibrillating


def test_recycled_trim_returns_after_the_recycle_delay() -> None:
    line = Line.at_steady_state(LFP, QUIET, 30.0, 20.0)
    steady = line.recycle_flow_kg_h
    cmd = line.steady_commands()._replace(line_speed_sp_m_min=0.0)
    recycled = []
    for _ in range(7000):  # stop the web: no more trim is cut, the loop empties in 60 s
        before = line.recycle_in_total_kg
        line.step(DT, cmd)
        recycled.append((line.recycle_in_total_kg - before) * 3600.0 / DT)
    assert np.mean(recycled[100:5500]) == pytest.approx(steady, rel=0.05)
    assert max(recycled[6200:]) == 0.0 and line.recycle_holdup_kg == pytest.approx(0.0, abs=1e-9)
