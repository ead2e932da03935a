"""The Alarms screen's Resolve…: an engineer resolves the latched gauge / mass-balance alarm
with what was checked; an operator cannot."""

from __future__ import annotations

import pytest

from hmi.core.roles import Role
from hmi.runtime.commands import ResolveCondition
from hmi.security.session import Session
from tests.ui.test_alarm_banner import status, summary

NAME = "gauge_mass_balance_disagree"


def alarms_screen(qtbot, runtime, trend, role):
    from hmi.runtime.service import LineService
    from hmi.ui.main_window import MainWindow

    runtime.set(alarms=summary(status(NAME, 2), status("bank_low", 2)))
    win = MainWindow(LineService(runtime, Session("ann", role)), trend)
    win.timer.stop()
    qtbot.addWidget(win)
    win.show()
    win.show_screen("Alarms")
    return win.screens["Alarms"]


def test_an_engineer_resolves_the_latched_alarm_with_a_reason(qtbot, runtime, trend):
    screen = alarms_screen(qtbot, runtime, trend, Role.ENGINEER)
    assert screen.resolve_button.isEnabled()
    screen.select("bank_low")
    assert screen.ask_resolve() is None  # not a latched alarm: nothing to resolve
    screen.select(NAME)
    dialog = screen.ask_resolve()
    dialog.type_into("reason", "gauge standardised")
    dialog.confirm()
    assert runtime.commands == [ResolveCondition(NAME, "gauge standardised", "ann")]


@pytest.mark.parametrize("role", [Role.OPERATOR])
def test_an_operator_cannot_resolve(qtbot, runtime, trend, role):
    screen = alarms_screen(qtbot, runtime, trend, role)
    assert screen.ack_button.isEnabled() and not screen.resolve_button.isEnabled()
