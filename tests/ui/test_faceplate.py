"""The operator taps equipment on the Overview mimic: its faceplate opens; a setpoint entered
there reaches the running line (the service checks the role); an alarm acknowledged there is
journaled with who did it. Real stack: emulated line, simulated clock, alarm engine, journal."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from hmi.alarms import AlarmState
from tests.ui.panel_stack import build_window, log_in

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def panel(qtbot, tmp_path):
    stack = build_window(tmp_path / "data", warm_up_s=5.0)
    qtbot.addWidget(stack.window)
    stack.window.resize(1024, 768)
    stack.window.show()
    stack.window.refresh()
    yield stack
    stack.security.close()


def tick(stack, seconds: float = 0.1) -> None:
    stack.runtime.run_for(seconds)
    stack.window.refresh()


def test_tapping_a_feeder_opens_its_faceplate_and_a_setpoint_reaches_the_runtime(qtbot, panel):
    log_in(panel, "eve")
    overview = panel.window.screens["Overview"]
    qtbot.mouseClick(overview.blocks["feeder_active"], LEFT)
    faceplate = overview.faceplate
    assert faceplate is not None and faceplate.isVisible()
    assert faceplate.windowTitle() == "Feeder, active material"
    tick(panel)
    assert faceplate.field("feeder_active_hopper_kg").text() != "----"
    assert faceplate.trend is not None and faceplate.trend.points > 0  # the small live trend

    button = faceplate.setpoints["hopper_refill_request_sp_frac"]
    qtbot.mouseClick(button, LEFT)
    keypad = button.active_dialog
    keypad.press("0.3")
    qtbot.mouseClick(keypad.ok_button, LEFT)
    tick(panel)
    assert panel.runtime.latest().value("hopper_refill_request_sp_frac") == pytest.approx(0.3)
    records = panel.security.audit.records()
    assert records[-1].action == "setpoint.write" and records[-1].user == "eve"


def test_an_operator_sees_the_engineer_setpoint_greyed_and_a_tap_says_why(qtbot, panel):
    log_in(panel, "ann")
    overview = panel.window.screens["Overview"]
    faceplate = overview.open_faceplate("feeder_binder")
    button = faceplate.setpoints["hopper_refill_request_sp_frac"]
    assert not button.isEnabled()
    qtbot.mouseClick(button, LEFT)
    assert button.active_dialog is None
    assert panel.window.nav.status.text() == (
        "Log in as Engineer or higher to change hopper level that requests a refill "
        "(fraction of capacity)"
    )


def test_an_alarm_acknowledged_on_the_faceplate_is_journaled(qtbot, panel):
    log_in(panel, "eve")  # an Engineer injects the fault (training), then acknowledges it
    panel.service.inject_fault("gauge_fault", reason="training", mode="nan", duration_s=60.0)
    tick(panel, 2.0)
    overview = panel.window.screens["Overview"]
    assert overview.blocks["gauge"].values[0].marker.priority == 2  # on the drawing
    qtbot.mouseClick(overview.blocks["gauge"], LEFT)
    faceplate = overview.faceplate
    tick(panel)
    assert faceplate.shown_alarms == ["gauge_fault"]
    assert faceplate.alarm_rows[0][0].isVisible()
    qtbot.mouseClick(faceplate.ack_button, LEFT)
    tick(panel)
    (alarm,) = [a for a in panel.runtime.latest().alarms.alarms if a.name == "gauge_fault"]
    assert alarm.state == AlarmState.ACKED
    panel.journal.sync()
    rows = panel.journal.query(alarm="gauge_fault")
    assert [(r.event, r.user) for r in rows] == [("raised", ""), ("acknowledged", "eve")]


def test_the_banner_shows_the_whole_alarm_and_acknowledges_it(qtbot, panel):
    log_in(panel, "eve")
    panel.service.inject_fault("gauge_fault", reason="training", mode="nan", duration_s=60.0)
    tick(panel, 2.0)
    banner = panel.window.header.banner
    qtbot.mouseClick(banner.text, LEFT)  # the text: the alarm on a page of its own
    detail = panel.window.alarm_detail
    assert detail is not None and detail.isVisible()
    assert detail.message.text() == "Areal-mass gauge fault: gauge loop on hold"
    assert detail.rows["Priority"].text() == "High"
    qtbot.mouseClick(detail.ack_button, LEFT)
    tick(panel)
    assert not banner.flashing
    panel.journal.sync()
    assert panel.journal.query(alarm="gauge_fault")[-1].event == "acknowledged"


def test_a_viewer_tapping_start_is_told_to_log_in(qtbot, panel):
    log_in(panel, None)
    start = panel.window.screens["Overview"].commands.start_button
    assert not start.isEnabled()
    qtbot.mouseClick(start, LEFT)
    assert panel.window.nav.status.text() == "Log in as Operator or higher to start the line"
