import dataclasses
import pickle
import threading

import numpy as np
import pytest

from hmi.core.process import Quality
from hmi.hardware.base import CommunicationError
from hmi.runtime import Runtime, SetMode, SimClock, StartLine, StopLine, WriteSetpoint
from hmi.runtime.manual import SetpointRamps
from tests.runtime.fakes import EchoController, ScriptedProfile

PERIOD = 0.01


def make(on_read=None, clock=None, **kwargs):
    clock = clock or SimClock()
    profile = ScriptedProfile(on_read)
    controller = EchoController()
    runtime = Runtime(profile, controller, clock=clock, period_s=PERIOD, **kwargs)
    return runtime, profile, controller, clock


def test_ticks_fall_on_absolute_deadlines_even_when_work_takes_time():
    clock = SimClock()
    # each tick's work takes 3 ms: sleep(period) would drift to 13 ms per tick
    runtime, profile, _, _ = make(lambda t, n: clock.advance(0.003), clock=clock)
    runtime.run_for(1.0)
    times = np.array(profile.read_times)
    assert len(times) == 101
    np.testing.assert_allclose(times, np.arange(101) * PERIOD, atol=1e-9)
    assert runtime.latest().timing.overruns == 0


def test_a_long_tick_counts_missed_deadlines_and_the_loop_realigns():
    clock = SimClock()

    def slow_tick_10(t, n):
        if n == 10:
            clock.advance(0.025)  # tick 10 (at 0.09) overruns to 0.115: the 0.10 deadline is lost

    runtime, profile, _, _ = make(slow_tick_10, clock=clock)
    runtime.run_for(0.5)
    snap = runtime.latest()
    assert snap.timing.overruns == 1
    times = np.array(profile.read_times)
    after = times[times > 0.095]
    # the tick after the overrun starts late (0.115), then the grid is kept: 0.12, 0.13, ...
    assert after[0] == pytest.approx(0.115)
    np.testing.assert_allclose(after[1:], np.round(after[1:] / PERIOD) * PERIOD, atol=1e-9)
    assert after[1] == pytest.approx(0.12)
    # when it came and how late, for lining it up with other clocks (bench-trends)
    assert [(round(t, 6), round(late, 6)) for t, late in runtime.overrun_log] == [(0.115, 0.015)]


class JitterClock(SimClock):
    """Wakes up late by a scripted amount, like a loaded OS scheduler."""

    def __init__(self, lateness_s):
        super().__init__()
        self.lateness = list(lateness_s)

    def sleep_until(self, deadline):
        super().sleep_until(deadline)
        if self.lateness:
            self.advance(self.lateness.pop(0))


def test_lateness_statistics_match_the_measured_lateness():
    rng = np.random.default_rng(3)
    late = rng.uniform(0, 0.004, 200)
    runtime, *_ = make(clock=JitterClock(late))
    runtime.run_for(1.99)  # 200 ticks; stats are refreshed every 50 ticks
    timing = runtime.latest().timing
    assert timing.ticks == 200
    ms = late * 1000
    assert timing.lateness_p50_ms == pytest.approx(np.percentile(ms, 50))
    assert timing.lateness_p99_ms == pytest.approx(np.percentile(ms, 99))
    assert timing.lateness_max_ms == pytest.approx(ms.max())
    assert timing.overruns == 0


def test_setpoint_command_reaches_the_controller_on_the_next_tick():
    runtime, _, controller, _ = make(ramps=SetpointRamps({"areal_mass_target_mg_cm2": None}))
    runtime.run_for(0.05)
    runtime.submit(WriteSetpoint("line_speed_sp_m_min", 42.0, user="ann"))
    runtime.run_for(0.01)
    assert controller.inputs[-1].setpoints["line_speed_sp_m_min"] == 42.0
    snap = runtime.latest()
    assert snap.values["line_speed_sp_m_min"] == 42.0
    assert "line_speed_sp_m_min = 42 m/min by ann" in snap.messages


def test_a_speed_change_reaches_the_controller_as_a_ramp():
    runtime, _, controller, _ = make()  # default: 2 m/min per s
    runtime.run_for(0.05)
    runtime.submit(WriteSetpoint("line_speed_sp_m_min", 40.0, user="ann"))
    runtime.run_for(1.0)
    assert controller.inputs[-1].setpoints["line_speed_sp_m_min"] == pytest.approx(48.0)
    snap = runtime.latest()
    assert snap.values["line_speed_sp_m_min"] == 40.0, "the operator's value, as entered"
    assert snap.working_setpoints["line_speed_sp_m_min"] == pytest.approx(48.0)
    runtime.run_for(4.0)
    assert controller.inputs[-1].setpoints["line_speed_sp_m_min"] == 40.0


@pytest.mark.parametrize(
    ("tag", "value", "why"),
    [
        ("line_speed_sp_m_min", 500.0, "outside the allowed range 0 to 80 m/min"),
        ("line_speed_sp_m_min", float("nan"), "outside the allowed range"),
        ("gap_os_um", 100.0, "not a setpoint"),
        ("no_such_tag", 1.0, "unknown tag"),
    ],
)
def test_a_bad_setpoint_command_is_rejected_and_changes_nothing(tag, value, why):
    runtime, _, controller, _ = make()
    runtime.submit(WriteSetpoint(tag, value, user="ann"))
    runtime.run_for(0.02)
    assert controller.inputs[-1].setpoints["line_speed_sp_m_min"] == 50.0
    assert any(why in m for m in runtime.latest().messages)


def test_start_stop_and_mode_commands():
    runtime, _, controller, _ = make(running=False)
    runtime.run_for(0.01)
    assert controller.inputs[-1].running is False
    runtime.submit(StartLine("ann"))  # a start is a sequence (tests/runtime/test_sequences.py)
    runtime.submit(SetMode("manual", "ann"))
    runtime.run_for(0.01)
    snap = runtime.latest()
    assert snap.sequence.sequence == "start" and snap.sequence.step == "check"
    assert controller.inputs[-1].running is False, "not before its preconditions are met"
    assert controller.inputs[-1].mode == "manual" and snap.mode == "manual"
    runtime, _, controller, _ = make(running=True)
    runtime.run_for(0.01)
    assert controller.inputs[-1].running is True and runtime.latest().running
    runtime.submit(StopLine("ann", kind="quick"))
    runtime.run_for(0.01)
    assert controller.inputs[-1].running is False
    assert runtime.latest().values["line_run_cmd"] == 0.0


def test_snapshots_are_immutable_and_picklable_and_so_are_commands():
    runtime, *_ = make()
    snap = runtime.run_for(0.1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        snap.tick = 0
    assert pickle.loads(pickle.dumps(snap)) == snap
    for command in (
        WriteSetpoint("x", 1.0, "u"),
        StartLine("u"),
        StopLine("u"),
        StopLine("u", kind="emergency"),
        SetMode("auto", "u"),
    ):
        assert pickle.loads(pickle.dumps(command)) == command


def test_snapshot_carries_values_outputs_setpoints_and_quality():
    runtime, profile, _, _ = make()
    profile.value = 29.5
    snap = runtime.run_for(0.02)
    assert snap.values["areal_mass_mg_cm2"] == 29.5  # measured
    assert snap.values["gap_feedback_um"] == 29.5  # controller output
    assert snap.values["areal_mass_target_mg_cm2"] == 30.0  # setpoint
    assert snap.quality["areal_mass_mg_cm2"] == Quality.GOOD
    assert snap.corrections == {"seen": 29.5}


def test_a_read_failure_is_bad_quality_and_a_message_not_a_dead_loop():
    def lose_link(t, n):
        if 20 <= n < 30:
            raise CommunicationError("link timeout")

    runtime, profile, controller, _ = make(lose_link)
    snap = runtime.run_for(0.25)
    assert len(profile.read_times) == 26  # the loop kept its pace through the fault
    assert snap.timing.faults == 7  # reads 20..26 failed
    runtime.run_for(0.3)
    snap = runtime.latest()
    assert snap.timing.faults == 10
    assert any("link timeout" in m for m in snap.messages)
    assert snap.quality["areal_mass_mg_cm2"] == Quality.GOOD  # link back: good again


def test_during_a_lost_link_the_image_is_bad():
    runtime, *_ = make(lambda t, n: (_ for _ in ()).throw(CommunicationError("down")))
    snap = runtime.run_for(0.02)
    assert snap.quality["areal_mass_mg_cm2"] == Quality.BAD
    assert np.isnan(snap.values["areal_mass_mg_cm2"])


def test_a_controller_exception_holds_the_last_outputs():
    class Flaky(EchoController):
        def step(self, image, inputs, dt_s):
            if len(self.inputs) >= 5:
                raise ZeroDivisionError("boom")
            return super().step(image, inputs, dt_s)

    profile = ScriptedProfile()
    runtime = Runtime(profile, Flaky(), clock=SimClock(), period_s=PERIOD)
    runtime.run_for(0.2)
    assert profile.writes[-1] == profile.writes[4]  # held, not cleared
    assert any("boom" in m for m in runtime.latest().messages)


def test_controller_gets_the_actual_elapsed_time():
    clock = SimClock()
    runtime, _, controller, _ = make(
        lambda t, n: clock.advance(0.025) if n == 5 else None, clock=clock
    )
    runtime.run_for(0.2)
    assert controller.dts[0] == pytest.approx(PERIOD)
    assert max(controller.dts) == pytest.approx(0.025)  # tick 5 at 0.04, the next at 0.065


def test_threaded_runtime_takes_commands_and_stops():
    reached = threading.Event()

    def tick(t, n):
        if n >= 200:
            reached.set()

    runtime, *_ = make(tick)
    runtime.start()
    try:
        assert reached.wait(10), "the loop thread did not run"
        runtime.submit(WriteSetpoint("line_speed_sp_m_min", 33.0, "ann"))
        seen = threading.Event()
        for _ in range(100_000):  # bounded poll of the published snapshot
            snap = runtime.latest()
            if snap.values["line_speed_sp_m_min"] == 33.0:
                seen.set()
                break
            seen.wait(0.001)
        assert seen.is_set()
    finally:
        runtime.stop()
    assert not runtime.is_alive


def test_consecutive_synchronous_runs_neither_repeat_nor_skip_a_tick():
    runtime, profile, _, _ = make()
    runtime.run_for(0.3)
    runtime.run_for(0.2)
    runtime.run_for(0.05)
    times = np.array(profile.read_times)
    np.testing.assert_allclose(times, np.arange(56) * PERIOD, atol=1e-9)


def test_trend_samples_at_its_own_period_not_every_tick():
    runtime, profile, _, _ = make(trend_period_s=0.1)
    profile.value = 31.0
    runtime.run_for(1.0)  # ticks 0.00 … 1.00
    t, v = runtime.trend.window(10)
    np.testing.assert_allclose(t, np.arange(11) * 0.1, atol=1e-9)
    assert (v["areal_mass_mg_cm2"] == 31.0).all()


def test_starting_the_thread_shortens_the_gil_switch_interval():
    import sys

    from hmi.runtime.loop import GIL_SWITCH_INTERVAL_S

    before = sys.getswitchinterval()
    runtime, *_ = make()
    try:
        sys.setswitchinterval(0.005)  # CPython's default
        runtime.start()
        assert sys.getswitchinterval() <= GIL_SWITCH_INTERVAL_S
    finally:
        runtime.stop()
        sys.setswitchinterval(before)


def test_a_profile_that_cannot_simulate_faults_refuses_injection():
    from hmi.runtime import InjectFault

    runtime, *_ = make()
    runtime.submit(InjectFault("gauge_fault", {"mode": "nan"}, "eve"))
    snap = runtime.run_for(0.02)
    assert any("cannot simulate faults" in m for m in snap.messages)
    assert pickle.loads(pickle.dumps(InjectFault("x", {"a": 1}, "u"))) == InjectFault(
        "x", {"a": 1}, "u"
    )


class FloodController(EchoController):
    """Reports `flags` conditions from tick `at` on: an alarm flood from the control layer."""

    def __init__(self, flags: tuple[str, ...], at: int) -> None:
        super().__init__()
        self.flags, self.at = flags, at

    def step(self, image, inputs, dt_s):
        result = super().step(image, inputs, dt_s)
        if len(self.dts) >= self.at:
            return result._replace(conditions=self.flags)
        return result


def test_an_alarm_flood_raises_every_flag_alarm_once_and_only_those():
    """Past 8 flags the loop hands the engine a set: same alarms raised as with a tuple."""
    from hmi.alarms import AlarmEngine, definition
    from hmi.alarms.model import Event

    flags = tuple(f"flood{i}" for i in range(40))
    defs = [
        definition(name=f"flood_{i}", tag="bank_mass_kg", condition="flag", flag=f"flood{i}",
                   priority="low")
        for i in range(50)  # 40 raised, 10 never
    ]  # fmt: skip
    events = []
    engine = AlarmEngine(defs, events.append, settle_s=0.0)
    runtime = Runtime(ScriptedProfile(), FloodController(flags, at=10), clock=SimClock(),
                      period_s=PERIOD, alarms=engine)  # fmt: skip
    runtime.run_for(0.5)
    raised = sorted(e.alarm for e in events if e.event is Event.RAISED)
    assert raised == sorted(f"flood_{i}" for i in range(40))
    assert len(runtime.latest().alarms.active) == 40
