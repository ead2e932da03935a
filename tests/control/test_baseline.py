"""The baseline: plain PI gauge → gap with fixed gains, feed = target × width × speed."""

import math

import pytest

from hmi.control import (
    CONTROLLERS,
    BaselineController,
    ControlInputs,
    LineControllerConfig,
    make_controller,
)
from hmi.control.line import feed_total_kg_h
from hmi.control.pi import PI
from hmi.core.process import ProcessImage, Quality

SETPOINTS = {"areal_mass_target_mg_cm2": 30.0, "line_speed_sp_m_min": 50.0, "web_width_mm": 1000}
AUTO = ControlInputs(SETPOINTS, running=True, mode="auto")
DT = 0.01


def image(areal_mass=30.0, speed=50.0, gap=80.0, quality=Quality.GOOD, t=0.0):
    values = {
        "areal_mass_mg_cm2": areal_mass,
        "line_speed_m_min": speed,
        "gap_os_um": gap,
        "gap_ds_um": gap + 2.0,
    }
    q = dict.fromkeys(values, Quality.GOOD)
    q["areal_mass_mg_cm2"] = quality
    return ProcessImage(t, values, q)


def test_registry_offers_baseline_and_pi_as_its_alias():
    assert CONTROLLERS["baseline"] is BaselineController
    assert CONTROLLERS["pi"] is BaselineController
    ctl = make_controller("baseline", {"active": 0.95, "carbon": 0.03, "binder": 0.02}, 1.5)
    assert ctl.name == "baseline" and ctl.config.gauge_distance_m == 1.5
    with pytest.raises(ValueError, match="no controller named 'x'"):
        make_controller("x", {"active": 1.0, "carbon": 0.0, "binder": 0.0}, 2.0)


def test_feed_is_areal_mass_times_width_times_speed():
    # 30 mg/cm² = 300 g/m²; 1 m × 50 m/min = 50 m²/min = 3000 m²/h -> 900 kg/h
    assert feed_total_kg_h(30.0, 1000.0, 50.0) == pytest.approx(300 * 3000 / 1000)
    assert feed_total_kg_h(12.5, 400.0, 20.0) == pytest.approx(125 * 0.4 * 20 * 60 / 1000)


def test_feeders_split_the_total_by_formulation_and_stop_with_the_line():
    ctl = BaselineController()
    out = ctl.step(image(), AUTO, DT).outputs
    assert out["feed_total_sp_kg_h"] == pytest.approx(900.0)
    assert out["feeder_active_sp_kg_h"] == pytest.approx(0.96 * 900)
    assert out["feeder_carbon_sp_kg_h"] + out["feeder_binder_sp_kg_h"] == pytest.approx(36.0)
    stopped = ctl.step(image(), ControlInputs(SETPOINTS, False, "auto"), DT).outputs
    assert stopped["feed_total_sp_kg_h"] == 0.0
    assert stopped["line_run_cmd"] == 0.0 and stopped["line_speed_out_m_min"] == 0.0


def test_feed_follows_the_measured_speed_during_a_ramp():
    out = BaselineController().step(image(speed=25.0), AUTO, DT).outputs
    assert out["feed_total_sp_kg_h"] == pytest.approx(450.0)


def test_bad_formulation_is_refused_with_the_field_named():
    with pytest.raises(ValueError, match="formulation"):
        LineControllerConfig(formulation={"active": 0.9, "carbon": 0.05, "binder": 0.02})


def test_first_output_is_bumpless_from_the_actuator_positions():
    out = BaselineController().step(image(gap=80.0), AUTO, DT).outputs
    assert out["gap_os_sp_um"] == pytest.approx(80.0, abs=0.01)
    assert out["gap_ds_sp_um"] == pytest.approx(82.0, abs=0.01)
    assert out["gap_os_ref_um"] == out["gap_os_sp_um"]  # no compensation: ref is the setpoint


def test_step_response_is_a_pi_with_fixed_gains():
    ctl = BaselineController()
    gaps = [ctl.step(image(areal_mass=29.0), AUTO, DT).outputs["gap_os_sp_um"] for _ in range(500)]
    assert gaps[-1] > gaps[100] > 80.0
    c = ctl.config
    kp = c.kp_loop_gain / c.plant_gain_mg_cm2_per_um
    ki = c.ki_loop_gain / (c.plant_gain_mg_cm2_per_um * c.gauge_distance_m / (50 / 60))
    # PI on a constant 1 mg/cm² error: kp·e + ki·e·t (rate limit not reached)
    assert gaps[-1] - 80.0 == pytest.approx(kp * 1.0 + ki * 1.0 * 500 * DT, rel=1e-6)


def test_gains_are_fixed_whatever_the_speed():
    def integral_after(speed):
        ctl = BaselineController()
        for _ in range(100):
            ctl.step(image(areal_mass=29.0, speed=speed), AUTO, DT)
        return ctl._pi.integral

    # tuned at the nominal dead time; no scheduling, no dead-time compensation
    assert integral_after(25.0) == pytest.approx(integral_after(50.0), rel=1e-12)


@pytest.mark.parametrize(
    "bad",
    [{"areal_mass": float("nan")}, {"quality": Quality.BAD}, {"quality": Quality.UNCERTAIN}],
)
def test_a_bad_gauge_value_holds_the_gap(bad):
    ctl = BaselineController()
    for _ in range(200):
        ctl.step(image(areal_mass=29.0), AUTO, DT)
    held = ctl.step(image(areal_mass=29.0), AUTO, DT).outputs["gap_os_sp_um"]
    for _ in range(300):
        result = ctl.step(image(**{"areal_mass": 29.0, **bad}), AUTO, DT)
        assert result.outputs["gap_os_sp_um"] == pytest.approx(held, abs=0.2)
    assert "gauge_bad" in result.conditions


def test_manual_mode_holds_feedback_and_auto_resumes_bumplessly():
    ctl = BaselineController()
    for _ in range(200):
        ctl.step(image(areal_mass=29.0), AUTO, DT)
    for _ in range(10):  # zero error: the proportional part leaves, within the rate limit
        before = ctl.step(image(areal_mass=30.0), AUTO, DT).outputs["gap_os_sp_um"]
    manual = ControlInputs(SETPOINTS, True, "manual")
    for _ in range(100):
        out = ctl.step(image(areal_mass=25.0), manual, DT).outputs
    assert out["gap_os_sp_um"] == pytest.approx(before)
    resumed = ctl.step(image(areal_mass=30.0), AUTO, DT).outputs["gap_os_sp_um"]
    assert resumed == pytest.approx(before, abs=1e-6)


def test_gap_command_is_rate_limited():
    ctl = BaselineController(LineControllerConfig(gap_rate_um_s=5.0, kp_loop_gain=50.0))
    ctl.step(image(), AUTO, DT)
    out = ctl.step(image(areal_mass=20.0), AUTO, DT).outputs
    assert out["gap_os_sp_um"] - 80.0 == pytest.approx(5.0 * DT)


def test_pi_anti_windup_recovers_as_soon_as_the_error_reverses():
    pi = PI(kp=1.0, ki=10.0, out_min=-5.0, out_max=5.0)
    for _ in range(1000):
        assert pi.step(1.0, DT) <= 5.0
    assert pi.integral <= 5.0  # no wind-up past the limit
    out = pi.step(-1.0, DT)
    assert out < 5.0 - 0.9  # the proportional part acts at once


def test_pi_track_sets_output_without_a_bump():
    pi = PI(kp=2.0, ki=1.0, out_min=-100, out_max=100)
    pi.track(7.0, error=0.5)
    assert pi.output(0.5) == pytest.approx(7.0)
    assert math.isfinite(pi.integral)
