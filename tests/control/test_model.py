"""The model controller: start, outputs, feed, grade change, modes, limits and the hold on
every kind of bad input — on synthetic images where a single step tells, on the emulated line
(tests.control.helpers.LineRig) where the physics must answer."""

import math

import pytest

from hmi.control import CONTROLLERS, DEFAULT_CONTROLLER, ModelController, make_controller
from hmi.core.tags import SIDES, TAGS, TagKind
from tests.control.helpers import AUTO, DT, LineRig, image, inputs, lost

FORMULATION = {"active": 0.95, "carbon": 0.03, "binder": 0.02}


def controller(**line):
    return make_controller("model", FORMULATION, 2.0, line)


def gaps(result):
    return [result.outputs[f"gap_{s}_sp_um"] for s in SIDES]


def test_the_model_controller_is_the_default_and_takes_machine_data():
    assert DEFAULT_CONTROLLER == "model" and CONTROLLERS["model"] is ModelController
    ctl = controller(mill_modulus_kn_um=3.0, roll_diameter_mm=600.0, unrelated_field=1)
    assert ctl.config.mill_modulus_kn_um == 3.0 and ctl.config.roll_diameter_mm == 600.0
    assert ctl.config.gauge_distance_m == 2.0


def test_first_output_is_bumpless_and_every_output_is_a_registry_tag():
    result = controller().step(image(gap_os_um=80.0, gap_ds_um=82.0), AUTO, DT)
    out = result.outputs
    assert gaps(result) == pytest.approx([80.0, 82.0])
    assert out["gap_os_ref_um"] == pytest.approx(80.0) and out["gap_ds_ref_um"] == pytest.approx(
        82.0
    )
    for name in out:
        assert TAGS[name].kind is TagKind.OUTPUT, name
    assert set(result.corrections) <= set(out)
    assert result.conditions == ()


def test_feed_is_the_mass_balance_split_by_formulation():
    out = controller().step(image(), AUTO, DT).outputs
    assert out["feed_feedforward_kg_h"] == out["feed_total_sp_kg_h"] == pytest.approx(900.0)
    assert out["feed_recycle_kg_h"] == pytest.approx(26.88)
    assert out["feeder_active_sp_kg_h"] == pytest.approx(0.95 * (900 - 26.88), rel=1e-3)


def test_gap_command_is_rate_limited():
    ctl = controller(gap_rate_um_s=5.0)
    ctl.step(image(), AUTO, DT)
    for k in range(1, 4):  # a new target is acted on at once, the gap at 5 µm/s
        out = ctl.step(image(), inputs(areal_mass_target_mg_cm2=26.0), DT).outputs
        assert 79.6 - out["gap_os_sp_um"] == pytest.approx(k * 5.0 * DT, abs=1e-6)


def test_a_lost_link_holds_every_output_as_last_written():
    ctl = controller()
    for k in range(50):
        last = ctl.step(image(k * DT), AUTO, DT)
    held = ctl.step(lost(), AUTO, DT)
    assert held.conditions == ("link_lost",)
    assert {k: v for k, v in held.outputs.items() if k != "controller_holding"} == {
        k: v for k, v in last.outputs.items() if k != "controller_holding"
    }
    assert held.outputs["controller_holding"] == 1.0


def test_setpoint_is_the_reference_plus_the_compensations():
    rig = LineRig(controller())
    rig.run(5.0)
    rig.profile.inject("roll_temperature_step", {"magnitude": 1.0})
    rig.profile.inject("eccentricity", {"amplitude_um": 1.0})
    rig.run(25.0)
    rig.profile.inject("hydraulic_null_shift", {"side": "ds", "magnitude_um": 1.0})
    out = rig.run(60.0).outputs
    for s in SIDES:
        terms = ("thermal", "eccentricity", "tilt", "gaugemeter")
        total = out[f"gap_{s}_ref_um"] + sum(out[f"gap_{s}_{x}_um"] for x in terms)
        assert out[f"gap_{s}_sp_um"] == pytest.approx(total, abs=1e-9)
        ref = out[f"gap_{s}_feedforward_um"] + out[f"gap_{s}_monitor_um"]
        assert out[f"gap_{s}_ref_um"] == pytest.approx(ref, abs=1e-6)
    assert out["gap_os_thermal_um"] > 0.3  # the rolls grew: the setpoint opens
    # DS shifted open: its wedge corrections (forces first, gauge edges after) close it alone
    assert out["gap_ds_gaugemeter_um"] + out["gap_ds_tilt_um"] == pytest.approx(-1.0, abs=0.1)
    assert out["gap_os_gaugemeter_um"] + out["gap_os_tilt_um"] == pytest.approx(0.0, abs=0.1)
    for s in SIDES:  # so the material sees the reference on both sides
        assert rig.line.effective_gap_um[s] == pytest.approx(out[f"gap_{s}_ref_um"], abs=0.2)


def test_thermal_step_is_compensated_on_the_setpoint_not_the_reference():
    rig = LineRig(controller())
    rig.run(2.0)
    rig.profile.inject("roll_temperature_step", {"magnitude": 2.0})
    out = rig.run(300.0).outputs
    growth = rig.line.thermal_gap_um
    assert out["gap_os_thermal_um"] == pytest.approx(-growth, abs=0.1)
    for s in SIDES:  # what the material sees is what the reference says
        assert rig.line.effective_gap_um[s] == pytest.approx(out[f"gap_{s}_ref_um"], abs=0.15)


def test_grade_change_steps_gap_and_feed_within_a_fraction_of_a_second():
    rig = LineRig(controller())
    rig.run(2.0)
    rig.setpoints["areal_mass_target_mg_cm2"] = 26.0
    out = rig.run(0.5).outputs
    assert out["gap_os_sp_um"] == pytest.approx(79.6 * 26 / 30, abs=0.3)
    assert out["feed_feedforward_kg_h"] == pytest.approx(780.0, rel=1e-3)
    assert rig.line.nip_areal_mass_mean_mg_cm2 == pytest.approx(26.0, rel=0.003)


@pytest.mark.parametrize(
    ("fault", "condition"),
    [
        ({"mode": "nan", "duration_s": 30.0}, "gauge_bad"),
        ({"mode": "stuck", "duration_s": 40.0}, "gauge_stuck"),
        ({"mode": "spike", "duration_s": 1.0, "magnitude": 20.0}, "gauge_spike"),
        ({"mode": "offset", "duration_s": 40.0, "magnitude": 3.0}, "gauge_spike"),
        ("comm_loss", "link_lost"),
    ],
    ids=["nan", "stuck", "spike", "offset", "link-lost"],
)
def test_a_bad_input_never_moves_the_gap_and_raises_its_condition(fault, condition):
    rig = LineRig(controller())
    rig.run(30.0)
    ctl, before = rig.controller, gaps(rig.result)
    mismatch, during = ctl.monitor.mismatch, []

    def watch(result):
        if condition in result.conditions:
            during.append((ctl.monitor.mismatch, result.outputs["controller_holding"]))
            assert gaps(result) == pytest.approx(before, abs=0.2)  # the film is still on target

    if fault == "comm_loss":
        rig.profile.inject("comm_loss", {"duration_s": 5.0})
    else:
        rig.profile.inject("gauge_fault", fault)
    rig.run(40.0, each=watch)
    assert during, "the condition was never raised"
    assert all(m == mismatch and holding == 1.0 for m, holding in during)  # nothing learned
    assert rig.line.nip_areal_mass_mean_mg_cm2 == pytest.approx(30.0, rel=0.002)


def test_other_bad_readings_raise_conditions_and_keep_the_line_on_target():
    ctl = controller()
    for k in range(100):
        ctl.step(image(k * DT), AUTO, DT)
    bad = ("roll_force_os_kn", "bank_mass_kg", "roll_angle_rad", "roll_temperature_c")
    result = ctl.step(image(1.0, bad=bad), AUTO, DT)
    for k in range(1, 100):
        result = ctl.step(image(1.0 + k * DT, bad=bad), AUTO, DT)
    assert {"force_bad", "bank_bad", "roll_temperature_bad"} <= set(result.conditions)
    assert gaps(result) == pytest.approx([79.6, 79.6], abs=0.05)


def test_manual_holds_the_feedback_and_both_transfers_are_bumpless():
    rig = LineRig(controller())
    rig.run(20.0)
    rig.profile.inject("bulk_density_step", {"magnitude": 0.05})  # the feedback has work
    rig.run(20.0)
    before = gaps(rig.result)
    first = rig.run(DT, mode="manual")
    assert gaps(first) == pytest.approx(before, abs=0.1)  # within the actuator's resolution
    learned = rig.controller.intake.c, rig.controller.monitor.mismatch, rig.controller.cd.wedge_um
    out = rig.run(30.0, mode="manual")
    assert out.outputs["controller_auto"] == 0.0
    held = rig.controller.intake.c, rig.controller.monitor.mismatch, rig.controller.cd.wedge_um
    assert held == learned  # no feedback learned in manual: only the feedforward acts
    last = gaps(out)
    back = rig.run(DT)
    assert gaps(back) == pytest.approx(last, abs=0.1)
    assert back.outputs["controller_auto"] == 1.0


def test_anti_windup_the_gap_leaves_its_limit_as_soon_as_it_may():
    rig = LineRig(controller(gap_max_um=82.0))
    rig.run(2.0)
    rig.setpoints["areal_mass_target_mg_cm2"] = 35.0  # needs ~93 µm: out of reach
    out = rig.run(300.0)
    assert gaps(out) == pytest.approx([82.0, 82.0], abs=0.1)
    rig.setpoints["areal_mass_target_mg_cm2"] = 29.0  # reachable again: leaves at once
    out = rig.run(1.0)
    assert max(gaps(out)) < 81.0
    out = rig.run(60.0)
    assert rig.line.nip_areal_mass_mean_mg_cm2 == pytest.approx(29.0, rel=0.005)


def test_a_stopped_line_holds_the_gap_and_stops_the_feed():
    ctl = controller()
    for k in range(10):
        ctl.step(image(k * DT), AUTO, DT)
    stopped = inputs(running=False)
    for k in range(1000):
        out = ctl.step(image(k * DT, line_speed_m_min=0.0, bank_mass_kg=4.0), stopped, DT)
    assert out.outputs["feeder_active_sp_kg_h"] == 0.0 and out.outputs["line_run_cmd"] == 0.0
    assert gaps(out) == pytest.approx([79.6, 79.6], abs=0.01)
    assert math.isfinite(out.outputs["gauge_dead_time_s"])


def test_a_faster_line_is_fed_first_and_sped_up_after_the_powder_path():
    rig = LineRig(controller())
    rig.run(5.0)
    rig.setpoints["line_speed_sp_m_min"] = 65.0
    out = rig.run(1.0).outputs
    assert out["line_speed_out_m_min"] == 50.0  # held while the feed brings more
    assert out["feed_feedforward_kg_h"] == pytest.approx(0.6 * 30.0 * 65.0)
    hold = rig.controller.config.conveyor_delay_s + rig.controller.config.feed_lead_time_s
    lowest = [rig.line.bank_mass_kg]
    rig.run(hold + 1.0, each=lambda r: lowest.append(rig.line.bank_mass_kg))
    assert rig.result.outputs["line_speed_out_m_min"] == 65.0
    rig.run(60.0, each=lambda r: lowest.append(rig.line.bank_mass_kg))
    assert min(lowest) > 2.5  # the bank never had to bridge the powder path
    assert rig.line.nip_areal_mass_mean_mg_cm2 == pytest.approx(30.0, rel=0.003)


def test_the_line_is_not_asked_to_go_faster_than_the_feeders_can_feed():
    ctl = controller()
    result = None
    for k in range(20):
        result = ctl.step(image(k * DT), inputs(areal_mass_target_mg_cm2=45.0,
                                                line_speed_sp_m_min=80.0), DT)  # fmt: skip
    assert result.outputs["line_speed_out_m_min"] < 80.0
    assert "feed_limited" in result.conditions
    assert result.outputs["feeder_active_sp_kg_h"] <= 2000.0


def test_a_starved_bank_stops_the_gap_opening_and_the_eccentricity_learning():
    ctl = controller()
    for k in range(100):
        ctl.step(image(k * DT), AUTO, DT)
    learned = (ctl.ecc.a1, ctl.ecc.b1)
    for k in range(300):  # the bank is nearly empty and the force jumps about
        t = 1.0 + k * DT
        force = 80.0 + 20.0 * math.sin(9 * t)
        starved = image(t, bank_mass_kg=0.3, roll_force_os_kn=force, roll_force_ds_kn=force)
        result = ctl.step(starved, AUTO, DT)
    assert "bank_low" in result.conditions
    assert (ctl.ecc.a1, ctl.ecc.b1) == learned
    # the set-up compensates the bank down to its floor, not to 0.3 kg (which is 4× the gap)
    floor = ctl.config.bank_low_kg
    assert gaps(result)[0] <= 1.01 * 79.6 * ctl.intake.phi(2.993) / ctl.intake.phi(floor)
