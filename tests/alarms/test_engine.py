"""The ISA-18.2 state machine, walked on a simulated clock."""

from __future__ import annotations

import pytest

from hmi.alarms import AlarmState, definition
from tests.alarms.helpers import Driver, gauge_fault, high

S = AlarmState


def test_normal_unack_ack_normal() -> None:
    d = Driver(high())
    d.run(1.0, bank_mass_kg=5.0)
    assert d.state("bank_high") == S.NORMAL and d.events == []
    d.run(0.01, bank_mass_kg=9.0)
    assert d.state("bank_high") == S.UNACK
    assert d.engine.acknowledge("bank_high", "op")
    assert d.state("bank_high") == S.ACKED
    d.run(0.01, bank_mass_kg=5.0)
    assert d.state("bank_high") == S.NORMAL
    assert d.kinds() == ["raised", "acknowledged", "cleared"]
    raised, ack, cleared = d.events
    assert raised.value == 9.0 and raised.limit == 8.0 and raised.occurrence == 1
    assert ack.user == "op" and ack.state == S.ACKED
    assert cleared.state == S.NORMAL


def test_return_to_normal_unacknowledged_then_ack() -> None:
    d = Driver(high())
    d.run(0.01, bank_mass_kg=9.0)
    d.run(0.01, bank_mass_kg=5.0)
    assert d.state("bank_high") == S.RTN_UNACK
    assert d.engine.acknowledge("bank_high", "op")
    assert d.state("bank_high") == S.NORMAL
    assert not d.engine.acknowledge("bank_high", "op")  # nothing left to acknowledge


def test_a_cleared_alarm_raised_again_is_a_new_occurrence() -> None:
    d = Driver(high())
    d.run(0.01, bank_mass_kg=9.0)
    d.run(0.01, bank_mass_kg=5.0)
    d.run(0.01, bank_mass_kg=9.0)
    assert d.state("bank_high") == S.UNACK
    assert [e.occurrence for e in d.events if e.event == "raised"] == [1, 2]


def test_deadband_keeps_a_noisy_value_from_chattering() -> None:
    d = Driver(high(limit=8.0, deadband=0.5))
    d.run(0.01, bank_mass_kg=8.1)
    for v in (7.9, 8.1, 7.7, 8.2, 7.6):  # around the limit, never below limit - deadband
        d.run(0.01, bank_mass_kg=v)
    assert d.kinds() == ["raised"]
    d.run(0.01, bank_mass_kg=7.4)
    assert d.kinds() == ["raised", "cleared"]


def test_on_delay_and_off_delay() -> None:
    d = Driver(high(on_delay_s=2.0, off_delay_s=1.0))
    d.run(1.5, bank_mass_kg=9.0)
    d.run(0.5, bank_mass_kg=5.0)  # a short excursion never raises
    assert d.events == []
    d.run(1.99, bank_mass_kg=9.0)
    assert d.events == []
    d.run(0.02)
    assert d.kinds() == ["raised"]
    d.run(0.9, bank_mass_kg=5.0)
    d.run(0.05, bank_mass_kg=9.0)  # back before the off-delay ran out: same occurrence
    d.run(0.9, bank_mass_kg=5.0)
    assert d.kinds() == ["raised"]
    d.run(0.2)
    assert d.kinds() == ["raised", "cleared"]


def test_latching_stays_annunciated_until_acknowledged() -> None:
    d = Driver(high(latching=True))
    d.run(0.01, bank_mass_kg=9.0)
    d.run(1.0, bank_mass_kg=5.0)
    assert d.state("bank_high") == S.UNACK  # the condition has gone, the alarm has not
    d.engine.acknowledge("bank_high", "op")
    assert d.state("bank_high") == S.NORMAL


def test_latching_acknowledged_while_active_clears_on_return() -> None:
    d = Driver(high(latching=True))
    d.run(0.01, bank_mass_kg=9.0)
    d.engine.acknowledge("bank_high", "op")
    assert d.state("bank_high") == S.ACKED
    d.run(0.01, bank_mass_kg=5.0)
    assert d.state("bank_high") == S.NORMAL


def test_shelving_expires_on_the_runtime_clock() -> None:
    d = Driver(high())
    d.run(0.01, bank_mass_kg=9.0)
    d.engine.shelve("bank_high", "sup", 60.0, "sensor being cleaned")
    assert d.state("bank_high") == S.SHELVED
    summary = d.engine.summary()
    (status,) = summary.alarms
    assert status.state == S.SHELVED and status.user == "sup"
    assert status.reason == "sensor being cleaned" and status.shelved_until_wall > 0
    assert summary.counts() == {1: 0, 2: 0, 3: 0, 4: 0}  # shelved: not annunciated
    d.run(59.9)
    assert d.state("bank_high") == S.SHELVED
    d.run(0.2)  # expired; still high: a new occurrence
    assert d.state("bank_high") == S.UNACK
    assert d.kinds() == ["raised", "shelved", "unshelved", "raised"]
    unshelved = d.events[2]
    assert unshelved.user == "system" and unshelved.reason == "shelf expired"
    assert d.events[-1].occurrence == 2


def test_unshelve_by_hand_and_bad_duration() -> None:
    d = Driver(high())
    d.run(0.01, bank_mass_kg=5.0)
    with pytest.raises(ValueError):
        d.engine.shelve("bank_high", "sup", 0.0, "no")
    d.engine.shelve("bank_high", "sup", 600.0, "test")
    d.engine.unshelve("bank_high", "sup")
    assert d.state("bank_high") == S.NORMAL
    with pytest.raises(KeyError):
        d.engine.shelve("no_such_alarm", "sup", 10.0, "x")


def test_suppressed_by_design_while_the_line_is_stopped() -> None:
    low_speed = definition(
        name="line_speed_low",
        tag="line_speed_m_min",
        condition="low",
        priority="low",
        limit=2.0,
        suppress_when=["line_stopped"],
    )
    d = Driver(low_speed)
    d.running = False
    d.run(5.0, line_speed_m_min=0.0)
    assert d.state("line_speed_low") == S.SUPPRESSED
    assert d.kinds() == ["suppressed"]
    d.running = True
    d.run(0.01)
    assert d.state("line_speed_low") == S.UNACK
    assert d.kinds() == ["suppressed", "unsuppressed", "raised"]


def test_line_starting_suppression_lasts_the_settle_time() -> None:
    low_speed = definition(
        name="line_speed_low",
        tag="line_speed_m_min",
        condition="low",
        priority="low",
        limit=2.0,
        suppress_when=["line_starting"],
    )
    d = Driver(low_speed, settle_s=10.0)
    d.run(9.9, line_speed_m_min=0.0)
    assert d.state("line_speed_low") == S.SUPPRESSED
    d.run(0.2)
    assert d.state("line_speed_low") == S.UNACK


def test_suppressed_while_a_related_alarm_is_active() -> None:
    gauge = gauge_fault()
    areal = definition(
        name="areal_mass_out_of_tolerance",
        tag="areal_mass_mg_cm2",
        condition="deviation",
        setpoint_tag="areal_mass_target_mg_cm2",
        limit_tag="areal_mass_tolerance_pct",
        relative=True,
        priority="high",
        suppress_when=["alarm:gauge_fault"],
    )
    d = Driver(areal, gauge)
    d.run(0.1, areal_mass_mg_cm2=30.0, areal_mass_target_mg_cm2=30.0, areal_mass_tolerance_pct=1.5)
    d.flags = ("gauge_bad",)
    d.run(0.1, areal_mass_mg_cm2=40.0)
    assert d.state("gauge_fault") == S.UNACK
    assert d.state("areal_mass_out_of_tolerance") == S.SUPPRESSED
    assert "raised" not in d.kinds("areal_mass_out_of_tolerance")


def test_out_of_service_and_back() -> None:
    d = Driver(high())
    d.run(0.01, bank_mass_kg=9.0)
    d.engine.out_of_service("bank_high", "sup", "transmitter replaced")
    d.run(1.0)
    assert d.state("bank_high") == S.OUT_OF_SERVICE
    with pytest.raises(ValueError):
        d.engine.shelve("bank_high", "sup", 10, "x")
    d.engine.return_to_service("bank_high", "sup", "done")
    d.run(0.01)
    assert d.state("bank_high") == S.UNACK
    assert d.kinds() == ["raised", "out_of_service", "returned_to_service", "raised"]


@pytest.mark.parametrize(
    ("fields", "values", "quality", "flags"),
    [
        (dict(condition="low_low", tag="bank_mass_kg", limit=0.5), {"bank_mass_kg": 0.1}, {}, ()),
        (dict(condition="high_high", tag="bank_mass_kg", limit=9), {"bank_mass_kg": 9.5}, {}, ()),
        (
            dict(condition="deviation", tag="gap_os_um", setpoint_tag="gap_os_sp_um", limit=5),
            {"gap_os_um": 90.0, "gap_os_sp_um": 80.0},
            {},
            (),
        ),
        (
            dict(condition="bad_quality", tag="bank_mass_kg"),
            {"bank_mass_kg": 3.0},
            {"bank_mass_kg": 2},
            (),
        ),
        (
            dict(condition="discrete", tag="feeder_active_refilling", limit=1),
            {"feeder_active_refilling": 1.0},
            {},
            (),
        ),
        (
            dict(condition="flag", tag="line_speed_m_min", flag="a|link_lost"),
            {},
            {},
            ("link_lost",),
        ),
    ],
)
def test_every_condition_kind_raises(fields, values, quality, flags) -> None:
    d = Driver(definition(name="x", priority="medium", **fields))
    d.quality.update(quality)
    d.flags = flags
    d.run(0.05, **values)
    assert d.kinds() == ["raised"]


def test_uncertain_quality_is_no_bad_quality_alarm() -> None:
    d = Driver(definition(name="x", tag="bank_mass_kg", condition="bad_quality", priority="low"))
    d.quality["bank_mass_kg"] = 1
    d.run(0.05, bank_mass_kg=3.0)
    assert d.events == []


def test_rate_of_change_over_a_second() -> None:
    d = Driver(
        definition(name="x", tag="roll_temperature_c", condition="rate", priority="low", limit=1.0)
    )
    for i in range(300):  # 0.5 °C/s: no alarm
        d.run(0.01, roll_temperature_c=80.0 + 0.005 * i)
    assert d.events == []
    for i in range(300):  # 3 °C/s
        d.run(0.01, roll_temperature_c=82.0 + 0.03 * i)
    assert d.kinds() == ["raised"]


def test_summary_orders_by_priority_and_counts_unacknowledged() -> None:
    crit = high(name="crit", priority="critical", limit=9.0)
    low = high(name="low", priority="low", limit=1.0)
    d = Driver(low, crit)
    d.run(0.01, bank_mass_kg=9.5)
    summary = d.engine.summary()
    assert [a.name for a in summary.alarms] == ["crit", "low"]
    assert summary.counts(unacknowledged_only=True) == {1: 1, 2: 0, 3: 0, 4: 1}
    assert summary.top_unacknowledged().name == "crit"
    d.engine.acknowledge("crit", "op")
    assert d.engine.summary().top_unacknowledged().name == "low"
    v = d.engine.version
    d.run(1.0)
    assert d.engine.version == v  # nothing changed: the same summary object


def test_grade_change_suppression_after_a_setpoint_change() -> None:
    areal = definition(
        name="areal",
        tag="areal_mass_mg_cm2",
        condition="deviation",
        setpoint_tag="areal_mass_target_mg_cm2",
        limit=1.0,
        priority="high",
        suppress_when=["grade_change"],
    )
    d = Driver(areal, grade_change_s=10.0)
    d.run(1.0, areal_mass_mg_cm2=30.0, areal_mass_target_mg_cm2=30.0)
    d.run(9.9, areal_mass_target_mg_cm2=25.0)  # the product follows after the gauge delay
    assert d.state("areal") == S.SUPPRESSED
    d.run(0.2)
    assert d.state("areal") == S.UNACK


def test_flag_alarms_at_rest_off_delays_and_shelves_run_on_through_ticks_without_flags() -> None:
    """Ticks without flags pass over flag alarms at rest; one under way still moves on."""
    gauge = gauge_fault(off_delay_s=1.0)
    d = Driver(gauge, high())
    d.run(5.0, bank_mass_kg=5.0)  # long quiet: the flag alarm rests
    d.flags = ("gauge_bad",)
    d.run(0.01)
    assert d.kinds("gauge_fault") == ["raised"]
    d.flags = ()
    d.run(0.99)  # its off-delay runs on in ticks without flags
    assert d.state("gauge_fault") == S.UNACK
    d.run(0.02)
    assert d.state("gauge_fault") == S.RTN_UNACK
    d.engine.acknowledge("gauge_fault", "op")
    d.run(1.0)  # at rest again
    d.engine.shelve("gauge_fault", "sup", 2.0, "gauge head being cleaned")
    d.run(2.1)  # no flag all along: the shelf still expires on the clock
    assert d.kinds("gauge_fault")[-2:] == ["shelved", "unshelved"]
    d.flags = ("gauge_bad",)
    d.run(0.01)
    assert d.kinds("gauge_fault")[-1] == "raised"
