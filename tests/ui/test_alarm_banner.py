"""The alarm banner and the Alarms screen on hand-made alarm summaries (fake runtime)."""

import dataclasses

import pytest
from PySide6.QtCore import Qt

from hmi.alarms import AlarmState, AlarmStatus, AlarmSummary
from hmi.core.roles import Role
from hmi.runtime.commands import AcknowledgeAlarms, ShelveAlarm
from hmi.security.session import Session

S = AlarmState


def status(name: str, priority: int, state: AlarmState = S.UNACK, occurrence: int = 1):
    return AlarmStatus(
        name,
        "bank_mass_kg",
        priority,
        state,
        f"{name} message",
        9.0,
        8.0,
        "kg",
        1_780_000_000.0 + priority,
        occurrence,
    )


def summary(*alarms: AlarmStatus, version: int = 1) -> AlarmSummary:
    ordered = sorted(alarms, key=lambda a: (a.priority, -a.raised_wall))
    return AlarmSummary(version, tuple(ordered), len(alarms))


@pytest.fixture
def banner(qtbot):
    from hmi.ui.alarm_banner import AlarmBanner

    clock = [0.0]
    sounds: list[float] = []
    widget = AlarmBanner(sound=lambda: sounds.append(clock[0]), clock=lambda: clock[0])
    qtbot.addWidget(widget)
    widget.resize(600, 60)
    widget.show()
    return widget, clock, sounds


def test_banner_shows_the_most_urgent_unacknowledged_and_counts(banner):
    widget, clock, _ = banner
    widget.update_from(summary(status("a", 3), status("b", 1, S.ACKED), status("c", 2)))
    assert widget.full_text == "HIGH · c message   (+2)"  # critical b is acknowledged already
    assert [widget.counts[p].text() for p in (1, 2, 3, 4)] == ["C 1", "H 1", "M 1", "L 0"]
    assert widget.counts[4].property("state") == "normal"
    assert widget.counts[1].property("state") == "p1"


def test_banner_flashes_until_acknowledged_then_holds_steady(banner):
    widget, clock, _ = banner
    widget.update_from(summary(status("a", 2)))
    states = set()
    for i in range(4):
        clock[0] = i * 0.5
        widget.update_from(summary(status("a", 2)))
        states.add(widget.property("state"))
    assert states == {"p2on", "p2off"}
    widget.update_from(summary(status("a", 2, S.ACKED), version=2))
    assert widget.property("state") == "p2ack" and not widget.flashing
    widget.update_from(summary(version=3))
    assert widget.property("state") == "normal" and widget.full_text == "No active alarms"


def test_horn_repeats_until_silenced_and_sounds_again_for_a_new_alarm(banner):
    widget, clock, sounds = banner
    widget.update_from(summary(status("a", 2)))
    for i in range(1, 5):
        clock[0] = i * 1.0
        widget.update_from(summary(status("a", 2)))
    assert sounds == [0.0, 2.0, 4.0]
    assert widget.silence_button.isEnabled()
    widget.silence_button.click()
    clock[0] = 10.0
    widget.update_from(summary(status("a", 2)))
    assert len(sounds) == 3 and not widget.silence_button.isEnabled()
    widget.update_from(summary(status("a", 2), status("b", 3), version=2))  # a new one
    assert len(sounds) == 4


def test_shelved_and_suppressed_do_not_annunciate(banner):
    widget, _, sounds = banner
    widget.update_from(summary(status("a", 1, S.SHELVED), status("b", 2, S.SUPPRESSED)))
    assert widget.full_text == "No active alarms" and sounds == []
    assert widget.counts[1].text() == "C 0"


@pytest.fixture
def alarms_window(window, runtime):
    runtime.set(
        alarms=summary(
            status("a", 3), status("b", 1), status("c", 2, S.ACKED), status("d", 4, S.SHELVED)
        )
    )
    window.show_screen("Alarms")
    return window, window.screens["Alarms"], runtime


def test_the_active_list_sorts_and_filters(alarms_window):
    window, screen, _ = alarms_window
    assert [a.name for a in screen.visible()] == ["b", "c", "a"]  # by priority
    screen.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # by name
    assert [a.name for a in screen.visible()] == ["c", "b", "a"]
    screen.state_filter.choose("Unacknowledged")
    assert sorted(a.name for a in screen.visible()) == ["a", "b"]
    screen.priority_filter.choose("Medium")
    assert [a.name for a in screen.visible()] == ["a"]
    screen.priority_filter.choose("All")
    screen.state_filter.choose("Shelved")
    assert [a.name for a in screen.visible()] == ["d"]
    assert screen.count.text() == "1 shown of 4 not normal"


def test_acknowledge_visible_sends_the_unacknowledged_shown(alarms_window):
    window, screen, runtime = alarms_window
    screen.ack_all_button.click()
    assert runtime.commands == [AcknowledgeAlarms(("b", "a"), "op")]


def test_an_operator_cannot_shelve(alarms_window):
    window, screen, runtime = alarms_window
    assert screen.ack_button.isEnabled() and not screen.shelve_button.isEnabled()
    assert not screen.oos_button.isEnabled()


def test_a_supervisor_shelves_with_duration_and_reason(qtbot, runtime, trend):
    from hmi.runtime.service import LineService
    from hmi.ui.main_window import MainWindow

    runtime.set(alarms=summary(status("a", 3)))
    service = LineService(runtime, Session("sup", Role.SUPERVISOR))
    win = MainWindow(service, trend)
    win.timer.stop()
    qtbot.addWidget(win)
    win.show()
    win.show_screen("Alarms")
    screen = win.screens["Alarms"]
    screen.select("a")
    dialog = screen.ask_shelve()
    dialog.choices["4 h"].click()
    dialog.type_into("reason", "probe being cleaned")
    dialog.confirm()
    assert runtime.commands == [ShelveAlarm("a", 4 * 3600.0, "probe being cleaned", "sup")]


def test_a_flood_of_a_thousand_alarms_is_one_model_reset(alarms_window, qtbot):

    window, screen, runtime = alarms_window
    flood = [
        dataclasses.replace(status(f"x{i:04d}", 1 + i % 4), name=f"x{i:04d}") for i in range(1000)
    ]
    runtime.set(alarms=summary(*flood, version=99))
    window.refresh()  # its cost: `make bench` (alarm flood), never a timed assertion here
    assert screen.proxy.rowCount() == 1000
    assert window.header.banner.counts[1].text() == "C 250"
