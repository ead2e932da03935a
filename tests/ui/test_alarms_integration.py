"""End to end on the real stack (emulated line, simulated clock): a fault injected through the
line service raises an alarm in the runtime, the banner shows it flashing, it is acknowledged
from the Alarms screen, and both events are in the journal (and the action in the audit)."""

import pytest
from PySide6.QtCore import Qt

from hmi.alarms import AlarmState


@pytest.fixture
def stack(qtbot, tmp_path):
    from hmi.ui.main_window import MainWindow
    from tests.ui.alarm_stack import build

    stack = build(tmp_path / "data")
    stack.runtime.run_for(2.0)
    window = MainWindow(stack.service, stack.runtime.trend, clock_text=lambda: "12:00:00")
    window.timer.stop()
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.refresh()
    yield stack, window
    stack.close()


def test_a_fault_is_annunciated_acknowledged_from_the_alarms_screen_and_journaled(stack, qtbot):
    stack, window = stack
    banner = window.header.banner
    assert banner.full_text == "No active alarms" and not banner.flashing

    stack.service.inject_fault("gauge_fault", reason="training", mode="nan", duration_s=30.0)
    stack.runtime.run_for(1.0)
    window.refresh()
    assert banner.full_text == "HIGH · Areal-mass gauge fault: gauge loop on hold"
    assert banner.flashing and banner.property("state") in ("p2on", "p2off")
    assert banner.counts[2].text() == "H 1" and banner.counts[2].property("state") == "p2"
    window.grab().save("/tmp/alarm-banner.png")

    qtbot.mouseClick(banner.counts[2], Qt.MouseButton.LeftButton)  # the counts open Alarms
    assert window.current_screen_name() == "Alarms"
    screen = window.screens["Alarms"]
    assert [a.name for a in screen.visible()] == ["gauge_fault"]
    screen.select("gauge_fault")
    window.grab().save("/tmp/alarm-screen.png")
    qtbot.mouseClick(screen.ack_button, Qt.MouseButton.LeftButton)
    stack.runtime.run_for(0.05)
    window.refresh()
    (shown,) = screen.visible()
    assert shown.state == AlarmState.ACKED
    assert not banner.flashing and banner.property("state") == "p2ack"

    stack.journal.sync()
    rows = stack.journal.query(alarm="gauge_fault")
    assert [(r.event, r.user) for r in rows] == [("raised", ""), ("acknowledged", "eng")]
    assert rows[0].tag == "areal_mass_mg_cm2" and rows[0].priority == 2
    assert stack.security.audit.records()[-1].action == "alarm.acknowledge"

    screen.tabs.setCurrentIndex(1)  # the history tab reads the journal
    events = [r.event for r in screen.journal_model.rows if r.alarm == "gauge_fault"]
    assert events == ["acknowledged", "raised"]  # newest first
    assert "suppressed" in {r.event for r in screen.journal_model.rows}  # start-up, by design
    window.grab().save("/tmp/alarm-history.png")

    stack.runtime.run_for(40.0)  # the fault ends; the acknowledged alarm clears
    window.refresh()
    assert banner.full_text == "No active alarms"
