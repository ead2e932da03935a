"""Overview: values follow the snapshot, bad quality is visible, setpoints go through the
keypad to the service, commands reach the service, refusals are shown and nothing is sent."""

import math

from PySide6.QtCore import Qt

from hmi.core.roles import Role
from hmi.runtime.commands import SetMode, StartLine, StopLine
from hmi.security.session import Session
from tests.ui.fakes import make_snapshot


def overview(window):
    return window.screens["Overview"]


def test_values_follow_the_snapshot_with_registry_decimals_and_unit(window, runtime):
    screen = overview(window)
    assert screen.field("areal_mass_mg_cm2").text() == "30.08"
    assert screen.field("gap_os_um").text() == "101.3"
    assert screen.unit_label("areal_mass_mg_cm2").text() == "mg/cm²"
    assert screen.unit_label("gap_os_um").text() == "µm"

    runtime.snapshot = make_snapshot(areal_mass_mg_cm2=31.456, gap_os_um=99.94, bank_mass_kg=3.1)
    window.refresh()
    assert screen.field("areal_mass_mg_cm2").text() == "31.46"  # 2 decimals
    assert screen.field("gap_os_um").text() == "99.9"  # 1 decimal
    assert screen.bar("bank_mass_kg").text == "3.10 kg"  # on the bank's bar in nip 1
    assert screen.field("line_speed_sp_m_min").text() == "50.0"


def test_corrections_come_from_the_snapshot(window, runtime):
    runtime.set(corrections={"feed_feedforward_kg_h": 812.34, "gap_feedback_um": -4.26})
    screen = overview(window)
    mixer = screen.open_faceplate("mixer")
    window.refresh()
    assert mixer.field("feed_feedforward_kg_h").text() == "812.3"
    nip = screen.open_faceplate("nip")
    window.refresh()
    assert nip.field("gap_feedback_um").text() == "-4.3"


def test_bad_quality_and_nan_show_dashes_in_the_abnormal_style(window, runtime):
    screen = overview(window)
    runtime.snapshot = make_snapshot(bad=("gap_os_um",), thickness_um=math.nan)
    window.refresh()
    for name in ("gap_os_um", "thickness_um"):
        assert screen.field(name).text() == "----"
        assert screen.field(name).property("state") == "bad"
    assert screen.field("gap_ds_um").property("state") == "normal"

    runtime.snapshot = make_snapshot()
    window.refresh()
    assert screen.field("gap_os_um").text() == "101.3"
    assert screen.field("gap_os_um").property("state") == "normal"


def test_areal_mass_beyond_tolerance_is_amber_with_signed_deviation(window, runtime):
    screen = overview(window)
    assert screen.field("areal_mass_deviation_pct").text() == "+0.3"
    assert screen.field("areal_mass_mg_cm2").property("state") == "normal"
    runtime.snapshot = make_snapshot(areal_mass_mg_cm2=29.1)
    window.refresh()
    assert screen.field("areal_mass_deviation_pct").text() == "-3.0"
    assert screen.field("areal_mass_mg_cm2").property("state") == "deviation"
    assert screen.gauge.deviation_bar.beyond


def test_the_tolerance_comes_from_the_line(window, runtime):
    screen = overview(window)
    runtime.snapshot = make_snapshot(areal_mass_mg_cm2=29.1, areal_mass_tolerance_pct=4.0)
    window.refresh()
    assert screen.field("areal_mass_mg_cm2").property("state") == "normal"
    assert screen.gauge.deviation_bar.tolerance == 4.0


def test_keypad_sends_the_entered_setpoint(window, runtime, qtbot):
    button = overview(window).setpoint("line_speed_sp_m_min")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = button.active_dialog
    assert dialog is not None and dialog.isVisible()
    assert "Line speed setpoint" in dialog.windowTitle()
    assert "0 – 80 m/min" in dialog.range_label.text()
    qtbot.mouseClick(dialog.clear_button, Qt.MouseButton.LeftButton)
    for key in "42.5":
        qtbot.mouseClick(dialog.keys[key], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert runtime.writes() == [("line_speed_sp_m_min", 42.5)]
    assert not dialog.isVisible()
    assert "42.5 m/min" in window.nav.status.text()


def test_first_key_replaces_the_current_value_and_backspace_edits(window, runtime):
    dialog = overview(window).setpoint("line_speed_sp_m_min").open_keypad()
    assert dialog.edit.text() == "50.0"
    dialog.press("37")  # replaces the selected current value
    dialog.press("\u232b")
    dialog.press("6")
    assert dialog.edit.text() == "36"
    dialog.confirm()
    assert runtime.writes() == [("line_speed_sp_m_min", 36.0)]


def test_keypad_works_with_a_keyboard(window, runtime, qtbot):
    dialog = overview(window).setpoint("areal_mass_target_mg_cm2").open_keypad()
    qtbot.keyClicks(dialog.edit, "35.25")
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    assert runtime.writes() == [("areal_mass_target_mg_cm2", 35.25)]


def test_out_of_range_shows_the_range_and_sends_nothing(window, runtime):
    dialog = overview(window).setpoint("line_speed_sp_m_min").open_keypad()
    dialog.press("95")
    dialog.confirm()
    assert runtime.writes() == []
    assert dialog.isVisible()
    assert dialog.error.text()
    assert "0 to 80 m/min" in dialog.error.text()
    dialog.press("\u232b")  # typing clears the message; 9 is in range
    assert dialog.error.text() == ""
    dialog.confirm()
    assert runtime.writes() == [("line_speed_sp_m_min", 9.0)]


def test_empty_entry_is_refused_in_the_dialog(window, runtime):
    dialog = overview(window).setpoint("areal_mass_target_mg_cm2").open_keypad()
    dialog.clear_button.click()
    dialog.confirm()
    assert runtime.writes() == []
    assert "10 to 50 mg/cm²" in dialog.error.text()


def test_cancel_sends_nothing(window, runtime):
    dialog = overview(window).setpoint("areal_mass_target_mg_cm2").open_keypad()
    dialog.press("20")
    dialog.cancel_button.click()
    assert not dialog.isVisible()
    assert runtime.writes() == []


def test_start_stop_and_mode_buttons_call_the_service(window, runtime, qtbot):
    commands = overview(window).commands
    for button in (commands.stop_button, commands.start_button, commands.manual_button):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    kinds = [type(c) for c in runtime.commands]
    assert kinds == [StopLine, StartLine, SetMode]
    assert runtime.commands[-1].mode == "manual"
    assert runtime.commands[0].user == "op"


def test_line_state_is_shown_on_the_command_buttons(window, runtime):
    commands = overview(window).commands
    assert commands.start_button.property("active") == "true"
    assert commands.stop_button.property("active") == "false"
    runtime.snapshot = make_snapshot(running=False, mode="manual")
    window.refresh()
    assert commands.start_button.property("active") == "false"
    assert commands.stop_button.property("active") == "true"
    assert commands.manual_button.property("active") == "true"


def test_a_viewer_sees_disabled_controls_and_the_service_refuses_anyway(qtbot, runtime, trend):
    from hmi.runtime.service import LineService
    from hmi.ui.main_window import MainWindow

    win = MainWindow(LineService(runtime, Session("guest", Role.VIEWER)), trend)
    win.timer.stop()
    qtbot.addWidget(win)
    win.refresh()
    screen = overview(win)
    commands = screen.commands
    for button in (commands.start_button, commands.stop_button, commands.manual_button):
        assert not button.isEnabled()
        assert "Requires Operator or higher" in button.toolTip()
    assert not screen.setpoint("line_speed_sp_m_min").isEnabled()
    qtbot.mouseClick(commands.start_button, Qt.MouseButton.LeftButton)  # disabled: no effect
    assert runtime.commands == []
    dialog = screen.setpoint("line_speed_sp_m_min").open_keypad()  # past the UI: refused
    dialog.press("40")
    dialog.confirm()
    assert dialog.error.text() == (
        "Viewer may not change line speed setpoint: log in as Operator or higher"
    )  # words an operator reads: no tag or action names
    assert runtime.commands == []


def test_setpoint_entries_follow_the_tag_write_role(qtbot):
    from PySide6.QtWidgets import QWidget

    from hmi.ui.access import apply_session
    from hmi.ui.widgets import SetpointButton

    parent = QWidget()
    qtbot.addWidget(parent)
    speed = SetpointButton("line_speed_sp_m_min", lambda n, v: v, lambda m, e: None, parent)
    width = SetpointButton("web_width_mm", lambda n, v: v, lambda m, e: None, parent)
    for role, expected in (
        (Role.VIEWER, (False, False)),
        (Role.OPERATOR, (True, False)),  # web_width_mm: write_role Engineer in the registry
        (Role.ENGINEER, (True, True)),
    ):
        apply_session(parent, Session("x", role))
        assert (speed.isEnabled(), width.isEnabled()) == expected, role
    assert "Requires" not in width.toolTip()  # the note goes once the role may
