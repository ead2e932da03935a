"""Each disturbance of `line.disturb` shows its symptom; invalid arguments are refused."""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest

from hmi.plant import LFP, Equipment, Line
from hmi.plant.disturbances import Disturbances

DT = 0.01
QUIET = Equipment(
    feeder_noise_rel=0.0,
    feeder_pulsation_rel=0.0,
    gauge_areal_mass_noise_rel=0.0,
    gauge_thickness_noise_um=0.0,
)
EVENTS = (
    "bulk_density_step",
    "powder_lot",
    "roll_temperature_step",
    "eccentricity",
    "gauge_noise",
    "gauge_fault",
    "feeder_bridging",
    "feeder_refill",
    "hydraulic_null_shift",
    "gap_sensor_drift",
)


def _line(eq: Equipment = QUIET, seed: int = 0) -> tuple[Line, object]:
    line = Line.at_steady_state(LFP, eq, 30.0, 20.0, seed=seed)
    return line, line.steady_commands()


def _run(line: Line, cmd, seconds: float, dt: float = DT) -> None:
    for _ in range(round(seconds / dt)):
        line.step(dt, cmd)


def test_methods_match_the_scenario_events() -> None:
    scenario = pytest.importorskip("hmi.sim.scenario")
    for name in EVENTS:
        params = set(inspect.signature(getattr(Disturbances, name)).parameters) - {"self"}
        models = [
            m for m in scenario.Event.__args__[0].__args__ if name in str(m.model_fields["type"])
        ]
        assert len(models) == 1, name
        assert params == set(models[0].model_fields) - {"type", "at_s"}, name


def test_bulk_density_step_moves_feed_factor_then_nip_intake() -> None:
    line, cmd = _line()
    active = line.feeders["active"]
    sp = cmd.feeder_sp_kg_h["active"]
    line.disturb.bulk_density_step(magnitude=0.05)
    _run(line, cmd, 0.02)
    assert active.flow_kg_h / sp == pytest.approx(1.05, rel=1e-3)  # same screw speed, denser
    _run(line, cmd, 30.0)
    assert active.flow_kg_h == pytest.approx(sp, rel=2e-3)  # the gravimetric trim took it back
    nip = []
    for _ in range(40):
        _run(line, cmd, 5.0, dt=0.05)
        nip.append(line.nip_areal_mass_mean_mg_cm2)
    assert line.nip_bulk_density_rel == pytest.approx(1.05, rel=1e-3)  # reached the bank
    assert max(nip) > 30.3  # the denser powder fills the gap with more mass ...
    assert nip[-1] < max(nip)  # ... until the bank has drained to the feed


def test_powder_lot_changes_force_and_thickness_not_mass() -> None:
    line, cmd = _line()
    force0 = line.roll_force_kn["os"]
    thick0 = line.film_thickness_um["os"]
    line.disturb.powder_lot(magnitude=0.10)
    _run(line, cmd, 300.0, dt=0.05)
    assert line.nip_gamma_rel == pytest.approx(1.10, rel=1e-3)
    assert line.nip[("os")].gamma_kn_mm == pytest.approx(LFP.gamma_kn_mm * line.nip_gamma_rel)
    assert line.roll_force_kn["os"] > 1.02 * force0  # harder to compact: more force ...
    assert line.film_thickness_um["os"] > thick0  # ... more mill stretch: a thicker film
    assert line.nip_areal_mass_mean_mg_cm2 == pytest.approx(30.0, rel=2e-3)


def test_roll_temperature_step_closes_the_gap_the_sensor_does_not_see() -> None:
    line, cmd = _line()
    line.disturb.roll_temperature_step(magnitude=3.0)
    _run(line, cmd, 600.0, dt=0.1)
    values = line.measurements()
    assert values["roll_temperature_c"] == pytest.approx(83.0, abs=0.01)
    assert line.effective_gap_um["os"] < line.steady_gap_um - 15.0
    assert values["gap_os_um"] == line.steady_gap_um


def test_eccentricity_ripples_gap_and_areal_mass() -> None:
    line, cmd = _line()
    line.disturb.eccentricity(amplitude_um=2.0)
    gaps, masses = [], []
    for _ in range(600):
        line.step(DT, cmd)
        gaps.append(line.effective_gap_um["os"])
        masses.append(line.nip_areal_mass_mean_mg_cm2)
    assert np.ptp(gaps) == pytest.approx(2 * 2.0 * 1.137, rel=0.02)
    assert np.ptp(masses) > 0.02 * 30.0
    line.disturb.eccentricity(amplitude_um=0.0)
    line.step(DT, cmd)
    assert line.eccentricity_gap_um == 0.0


def test_gauge_noise_sets_the_zone_reading_sigma() -> None:
    line, cmd = _line(seed=3)
    line.disturb.gauge_noise(sigma_pct=1.0)
    errors = []
    for _ in range(6):
        _run(line, cmd, 8.0)
        errors += list(line.gauge_profile_mg_cm2 / line.true_gauge_zones_mg_cm2() - 1)
    assert np.std(errors) == pytest.approx(0.01, rel=0.2)


def test_gauge_fault_stuck_holds_then_recovers() -> None:
    line, cmd = _line()
    heavier = cmd._replace(gap_sp_um={s: line.steady_gap_um + 5 for s in ("os", "ds")})
    held = line.measurements()["areal_mass_mg_cm2"]
    held_profile = line.gauge_profile_mg_cm2
    line.disturb.gauge_fault(mode="stuck", duration_s=30.0)
    for _ in range(29):
        _run(line, heavier, 1.0)
        assert line.measurements()["areal_mass_mg_cm2"] == held
        assert np.array_equal(line.gauge_profile_mg_cm2, held_profile)
    _run(line, heavier, 2.0)
    assert line.measurements()["areal_mass_mg_cm2"] > 1.03 * held


def test_gauge_fault_nan_reports_nan_for_its_duration() -> None:
    line, cmd = _line()
    line.disturb.gauge_fault(mode="nan", duration_s=10.0)
    _run(line, cmd, 9.9)
    values = line.measurements()
    assert math.isnan(values["areal_mass_mg_cm2"]) and math.isnan(values["thickness_um"])
    assert np.isnan(line.gauge_profile_mg_cm2).all()
    _run(line, cmd, 0.2)
    assert line.measurements()["areal_mass_mg_cm2"] == pytest.approx(30.0, rel=1e-6)


def test_gauge_fault_offset_shifts_readings_for_the_duration() -> None:
    line, cmd = _line()
    line.disturb.gauge_fault(mode="offset", duration_s=17.0, magnitude=2.0)
    _run(line, cmd, 16.05)  # two passes, all zones read in the fault
    assert line.measurements()["areal_mass_mg_cm2"] == pytest.approx(30.0 * 1.02, rel=1e-6)
    _run(line, cmd, 16.0)
    assert line.measurements()["areal_mass_mg_cm2"] == pytest.approx(30.0, rel=1e-5)


def test_gauge_fault_spike_hits_one_zone_reading() -> None:
    line, cmd = _line()
    _run(line, cmd, 1.0)
    line.disturb.gauge_fault(mode="spike", duration_s=0.01, magnitude=10.0)
    _run(line, cmd, 7.05)  # to the end of the pass
    ratio = line.gauge_profile_mg_cm2 / line.true_gauge_zones_mg_cm2()
    assert np.sum(ratio > 1.05) == 1 and ratio.max() == pytest.approx(1.10, rel=1e-6)
    assert line.measurements()["areal_mass_mg_cm2"] == pytest.approx(
        30.0 * (1 + 0.1 / 24), rel=1e-4
    )
    _run(line, cmd, 8.0)
    assert line.measurements()["areal_mass_mg_cm2"] == pytest.approx(30.0, rel=1e-6)


def test_feeder_bridging_drops_the_flow_the_screw_keeps_turning() -> None:
    line, cmd = _line()
    binder = line.feeders["binder"]
    sp = cmd.feeder_sp_kg_h["binder"]
    line.disturb.feeder_bridging(feeder="binder", severity=0.8, duration_s=10.0)
    _run(line, cmd, 0.5)
    assert binder.flow_kg_h / sp < 0.25
    assert binder.screw_speed_rev_s > 0.0
    _run(line, cmd, 2.5)
    assert line.measurements()["feeder_binder_flow_kg_h"] < 0.5 * sp  # the LIW reading sees it
    assert binder.trim == pytest.approx(0.25)  # the screw sped up as far as it may
    _run(line, cmd, 40.0)
    assert not binder.bridged and binder.flow_kg_h == pytest.approx(sp, rel=0.01)


def test_feeder_refill_starts_a_volumetric_refill() -> None:
    line, cmd = _line()
    carbon = line.feeders["carbon"]
    start = carbon.hopper_kg
    line.disturb.feeder_refill(feeder="carbon")
    _run(line, cmd, 3.0)
    assert carbon.refilling and carbon.hopper_kg > start
    _run(line, cmd, 30.0)
    assert not carbon.refilling and carbon.hopper_kg == pytest.approx(0.9 * 40.0, abs=0.1)
    assert carbon.density_offset < 0.0


def test_hydraulic_null_shift_moves_the_real_gap_not_the_reading() -> None:
    line, cmd = _line()
    line.disturb.hydraulic_null_shift(side="os", magnitude_um=5.0)
    _run(line, cmd, 1.0)
    values = line.measurements()
    assert values["gap_os_um"] == line.steady_gap_um
    assert line.effective_gap_um["os"] == pytest.approx(line.steady_gap_um + 5.0)
    assert line.effective_gap_um["ds"] == pytest.approx(line.steady_gap_um)
    m = line.nip_areal_mass_mg_cm2
    assert m["os"] / m["ds"] == pytest.approx((line.steady_gap_um + 5.0) / line.steady_gap_um)
    line.disturb.hydraulic_null_shift(side="os", magnitude_um=-5.0)  # cumulative
    _run(line, cmd, 0.1)
    assert line.effective_gap_um["os"] == pytest.approx(line.steady_gap_um)


def test_gap_sensor_drift_moves_the_reading_not_the_gap() -> None:
    line, cmd = _line()
    line.disturb.gap_sensor_drift(side="ds", rate_um_per_min=2.0)
    _run(line, cmd, 90.0, dt=0.05)
    values = line.measurements()
    assert values["gap_ds_um"] == pytest.approx(line.steady_gap_um + 3.0, rel=1e-6)
    assert values["gap_os_um"] == line.steady_gap_um
    assert line.effective_gap_um["ds"] == pytest.approx(line.steady_gap_um)
    line.disturb.gap_sensor_drift(side="ds", rate_um_per_min=0.0)
    _run(line, cmd, 10.0, dt=0.05)
    assert line.gap_sensor_drift_um["ds"] == pytest.approx(3.0, rel=1e-6)  # stays where it got


@pytest.mark.parametrize(
    ("event", "kwargs", "names"),
    [
        ("feeder_bridging", {"feeder": "hopper", "severity": 0.5, "duration_s": 1}, "feeder"),
        ("feeder_bridging", {"feeder": "active", "severity": 1.5, "duration_s": 1}, "severity"),
        ("feeder_bridging", {"feeder": "active", "severity": 0.5, "duration_s": -1}, "duration_s"),
        ("feeder_refill", {"feeder": "pump"}, "feeder"),
        ("hydraulic_null_shift", {"side": "left", "magnitude_um": 1.0}, "side"),
        ("gap_sensor_drift", {"side": "middle", "rate_um_per_min": 1.0}, "side"),
        ("gauge_fault", {"mode": "broken", "duration_s": 1.0}, "mode"),
        ("gauge_fault", {"mode": "nan", "duration_s": -2.0}, "duration_s"),
        ("gauge_noise", {"sigma_pct": -1.0}, "sigma_pct"),
        ("eccentricity", {"amplitude_um": -1.0}, "amplitude_um"),
        ("bulk_density_step", {"magnitude": float("nan")}, "magnitude"),
    ],
)
def test_invalid_arguments_name_the_parameter_and_allowed_values(event, kwargs, names) -> None:
    line, _ = _line()
    with pytest.raises(ValueError, match=names) as info:
        getattr(line.disturb, event)(**kwargs)
    if names in ("feeder", "side", "mode"):
        allowed = {
            "feeder": "active, carbon, binder",
            "side": "os, ds",
            "mode": "stuck, nan, spike, offset",
        }
        assert allowed[names] in str(info.value)
