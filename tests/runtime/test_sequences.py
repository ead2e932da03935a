"""Each step of the line sequences and each step's timeout, on scripted readings (issue 13).

The sequencer is stepped directly with process images built here, so each step's outputs and
its way out are checked one by one; the emulated line runs them end to end in
test_stop_start_bank.py and the shipped scenario."""

import pytest

from hmi.core.process import ProcessImage
from hmi.runtime.sequences import TIMEOUT_CONDITION, LineSequencer, SequenceConfig

FORMULATION = {"active": 0.95, "carbon": 0.03, "binder": 0.02}
SETPOINTS = {
    "areal_mass_target_mg_cm2": 30.0,
    "line_speed_sp_m_min": 50.0,
    "web_width_mm": 1000.0,
    "areal_mass_tolerance_pct": 1.5,
    "roll_temperature_sp_c": 80.0,
}
DT = 0.1


class Line:
    """Readings the test sets by hand."""

    def __init__(self, **values):
        self.values = {
            "bank_mass_kg": 3.0,
            "line_speed_m_min": 0.0,
            "gap_os_um": 100.0,
            "gap_ds_um": 100.0,
            "roll_temperature_c": 80.0,
            "areal_mass_mg_cm2": 30.0,
            "recycle_flow_kg_h": 0.0,
            "feeder_active_hopper_kg": 100.0,
            "feeder_carbon_hopper_kg": 20.0,
            "feeder_binder_hopper_kg": 20.0,
            "feeder_active_flow_kg_h": 0.0,
            "feeder_carbon_flow_kg_h": 0.0,
            "feeder_binder_flow_kg_h": 0.0,
        } | values

    def image(self):
        return ProcessImage(0.0, dict(self.values))


def run(seq, line, seconds, conditions=(), link_ok=True):
    plan = None
    for _ in range(round(seconds / DT)):
        plan = seq.plan(line.image(), SETPOINTS, conditions, DT, link_ok)
    return plan


def stopped(**kw):
    return LineSequencer(SequenceConfig(**kw), FORMULATION, running=False)


def test_a_start_checks_then_threads_ramps_settles_and_runs_with_the_bank_there():
    seq, line = stopped(), Line()
    seq.start()
    assert seq.state().step == "check"
    plan = run(seq, line, 0.1)
    assert seq.state().step == "thread", "preconditions met and the bank there: no priming"
    assert plan.outputs["line_run_cmd"] == 0.0, "the check step never runs the line"
    plan = run(seq, line, 5.0)
    assert plan.running and plan.speed_sp_m_min == 5.0, "threading speed"
    line.values["line_speed_m_min"] = 5.0
    run(seq, line, 6.0)
    assert seq.state().step == "ramp"
    speeds = [run(seq, line, 10.0).speed_sp_m_min for _ in range(3)]
    steps = [speeds[1] - speeds[0], speeds[2] - speeds[1]]
    assert steps == pytest.approx([5.0, 5.0]), "0.5 m/min per s"
    line.values["bank_mass_kg"] = 1.5  # below 0.7 × nominal: the ramp waits for the bank
    assert run(seq, line, 10.0).speed_sp_m_min == pytest.approx(speeds[-1], abs=0.06)
    line.values["bank_mass_kg"] = 3.0
    run(seq, line, 70.0)
    line.values["line_speed_m_min"] = 50.0
    run(seq, line, 0.2)
    assert seq.state().step == "settle"
    line.values["areal_mass_mg_cm2"] = 31.0  # 3.3 % off: not in spec
    run(seq, line, 30.0)
    assert seq.state().step == "settle"
    line.values["areal_mass_mg_cm2"] = 30.2
    run(seq, line, 15.0)
    assert seq.state().step == "settle", "two scans in spec are needed"
    plan = run(seq, line, 1.5)
    assert seq.state().line_state == "running" and seq.state().sequence == ""
    assert plan.running and plan.outputs == {}


def test_a_cold_start_primes_the_mixer_with_the_rolls_standing():
    seq, line = stopped(), Line(bank_mass_kg=0.0)
    seq.start()
    plan = run(seq, line, 0.2)
    assert seq.state().step == "prime"
    assert plan.outputs["line_run_cmd"] == 1.0 and plan.outputs["line_speed_out_m_min"] == 0.0
    assert plan.outputs["feeder_active_sp_kg_h"] == pytest.approx(200.0 * 0.95)
    assert plan.outputs["gap_os_sp_um"] == 100.0, "gap parked while priming"
    assert not plan.running, "the controller does not feed or move the gap yet"
    line.values.update(feeder_active_flow_kg_h=190.0, feeder_carbon_flow_kg_h=6.0)
    line.values["feeder_binder_flow_kg_h"] = 4.0
    run(seq, line, 30.0)
    assert seq.state().step == "prime", "waits for bank + powder on its way"
    line.values["bank_mass_kg"] = 2.5  # with ~2 kg in the mixer and conveyor: enough
    run(seq, line, 30.0)
    assert seq.state().step == "thread"


@pytest.mark.parametrize(
    ("what", "change"),
    [
        ("hopper", {"feeder_active_hopper_kg": 2.0}),
        ("rolls", {"roll_temperature_c": 60.0}),
        ("gaps", {"gap_ds_um": 140.0}),
    ],
)
def test_a_start_waits_in_check_for_each_precondition_and_times_out_holding(what, change):
    seq, line = stopped(), Line(**change)
    seq.start()
    plan = run(seq, line, 59.0)
    assert seq.state().step == "check" and not seq.state().held
    assert what in seq.state().waiting_for
    assert TIMEOUT_CONDITION not in plan.conditions
    plan = run(seq, line, 2.0)
    state = seq.state()
    assert state.held and state.step == "check", "timed out: holds, does not run on"
    assert plan.conditions == (TIMEOUT_CONDITION,)
    assert plan.outputs["line_run_cmd"] == 0.0 and plan.outputs["feeder_active_sp_kg_h"] == 0.0
    line.values.update(Line().values)  # fixed: still held until the operator starts again
    run(seq, line, 5.0)
    assert seq.state().held and seq.state().step == "check"
    assert "retried" in seq.start()
    run(seq, line, 0.2)
    assert seq.state().step == "thread"


def test_a_blocking_condition_keeps_a_start_in_check():
    seq, line = stopped(), Line()
    seq.start()
    run(seq, line, 5.0, conditions=("link_lost",))
    assert seq.state().step == "check" and "link_lost" in seq.state().waiting_for


@pytest.mark.parametrize(
    ("step", "stuck"),
    [
        ("prime", {"bank_mass_kg": 0.0}),  # the feeders deliver nothing
        ("thread", {"bank_mass_kg": 2.0}),  # the bank does not fill
        ("ramp", {"line_speed_m_min": 5.0}),  # the drive does not follow
        ("settle", {"areal_mass_mg_cm2": 33.0}),  # the film never comes into spec
    ],
)
def test_each_start_step_times_out_and_holds(step, stuck):
    timeouts = {"check": 60.0, "prime": 600.0, "thread": 240.0, "ramp": 600.0, "settle": 900.0}
    seq, line = stopped(), Line(**stuck)
    seq.start()
    seq.step = step  # enter the step directly, as the sequence would
    seq.step_elapsed_s = 0.0
    run(seq, line, timeouts[step] - 1.0)
    assert seq.state().step == step and not seq.state().held
    plan = run(seq, line, 2.0)
    assert seq.state().held and seq.state().step == step
    assert plan.conditions == (TIMEOUT_CONDITION,)
    assert seq.state().step_timeout_s == timeouts[step]


def running_line(**values):
    seq = LineSequencer(SequenceConfig(), FORMULATION, running=True)
    line = Line(line_speed_m_min=50.0, feeder_active_flow_kg_h=855.0, **values)
    run(seq, line, 1.0)  # steady: the hold-up estimate starts at Q·τ
    return seq, line


def test_a_normal_stop_feeds_nothing_runs_on_then_stops_the_rolls_and_parks():
    seq, line = running_line(gap_os_um=80.0, gap_ds_um=80.0)
    assert seq.holdup_kg == pytest.approx(855.0 / 3600 * 45.0, rel=0.01)
    seq.stop("normal")
    plan = run(seq, line, 1.0)
    assert seq.state().step == "run_on"
    assert plan.running and not plan.feed_enabled, "the line runs on, feed off"
    assert 0.0 < plan.speed_sp_m_min <= 50.0, "the speed follows the powder still coming"
    line.values.update(feeder_active_flow_kg_h=0.0)
    first = plan.speed_sp_m_min
    plan = run(seq, line, 60.0)
    assert plan.speed_sp_m_min < first, "slower as the mixer empties"
    for _ in range(300):
        run(seq, line, 1.0)
        if seq.state().step != "run_on":
            break
    assert seq.state().step == "roll_stop", "once the mixer is empty"
    plan = run(seq, line, 1.0)
    assert not plan.running and plan.outputs["line_run_cmd"] == 0.0
    line.values["line_speed_m_min"] = 0.0
    plan = run(seq, line, 0.2)
    assert seq.state().step == "park" and plan.outputs["gap_os_sp_um"] == 100.0
    line.values.update(gap_os_um=100.0, gap_ds_um=100.0)
    plan = run(seq, line, 0.2)
    state = seq.state()
    assert state.line_state == "stopped" and state.last_stop == "normal" and not state.sequence
    assert plan.outputs["gap_os_sp_um"] == 100.0, "stays parked while stopped"


@pytest.mark.parametrize("step", ["run_on", "roll_stop", "park"])
def test_each_normal_stop_step_times_out_and_holds(step):
    seq, line = running_line(gap_os_um=80.0, gap_ds_um=80.0)
    seq.stop("normal")
    seq.step, seq.step_elapsed_s = step, 0.0
    timeout = seq.config.timeouts_s[step]
    run(seq, line, timeout - 1.0)  # the mixer never empties / the rolls turn / the gap stuck
    assert seq.state().step == step and not seq.state().held
    plan = run(seq, line, 2.0)
    assert seq.state().held and plan.conditions == (TIMEOUT_CONDITION,)
    assert "retried" in seq.stop("normal")
    assert not seq.state().held


@pytest.mark.parametrize("kind", ["quick", "emergency"])
def test_quick_and_emergency_stops_cut_feed_and_drive_and_divert_the_mixer(kind):
    seq, line = running_line(gap_os_um=80.0, gap_ds_um=80.0)
    seq.stop(kind)
    plan = run(seq, line, 0.1)
    out = plan.outputs
    assert out["line_run_cmd"] == 0.0 and out["feeder_active_sp_kg_h"] == 0.0
    assert out["mixer_divert_cmd"] == 1.0
    assert ("gap_os_sp_um" in out) == (kind == "emergency"), "quick holds the gap"
    line.values.update(line_speed_m_min=0.0, feeder_active_flow_kg_h=0.0)
    line.values.update(gap_os_um=100.0, gap_ds_um=100.0)
    run(seq, line, 100.0)
    assert seq.state().step == f"{kind}_stop", "until the mixer is empty"
    run(seq, line, 100.0)
    assert seq.state().line_state == "stopped" and seq.state().last_stop == kind
    timeout_seq, line = running_line()
    timeout_seq.stop(kind)
    line.values["line_speed_m_min"] = 50.0  # the drive does not stop
    plan = run(timeout_seq, line, 601.0)
    assert timeout_seq.state().held and plan.conditions == (TIMEOUT_CONDITION,)
    assert plan.outputs["line_run_cmd"] == 0.0, "holding a stop keeps everything off"


def test_a_harder_stop_overrides_a_softer_one_never_the_reverse():
    seq, line = running_line()
    seq.stop("normal")
    seq.stop("quick")
    assert seq.state().sequence == "quick_stop"
    assert "under way" in seq.stop("normal")
    assert seq.state().sequence == "quick_stop"
    seq.stop("emergency")
    assert seq.state().sequence == "emergency_stop"
    assert seq.start().startswith("rejected"), "no start while a stop runs"


def test_a_link_lost_beyond_its_limit_is_an_emergency_stop():
    seq, line = running_line()
    run(seq, line, 9.0, link_ok=False)
    assert seq.state().line_state == "running", "a short loss: the line holds, as it was"
    short = LineSequencer(SequenceConfig(comm_loss_emergency_s=10.0), FORMULATION, running=True)
    run(short, line, 11.0, link_ok=False)
    assert short.state().sequence == "emergency_stop"
