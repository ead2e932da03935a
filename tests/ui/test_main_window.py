"""Main window: header, navigation, only the visible screen updates, no snapshot yet."""

import pytest
from PySide6.QtCore import Qt

from tests.ui.fakes import FakeRuntime, make_snapshot


def test_header_shows_line_state_mode_recipe_user_clock_and_loop_health(window, runtime):
    header = window.header
    assert header.state.value.text() == "RUNNING"
    assert header.mode.value.text() == "AUTO"
    assert header.recipe.value.text() == "LFP 30 mg/cm²"
    assert header.user.value.text() == "op · Operator"
    assert header.clock.text() == "12:34:56"
    assert "p99 0.4 ms" in header.health.text() and "overruns 0" in header.health.text()
    assert header.alarms.text() == "No active alarms"

    runtime.snapshot = make_snapshot(running=False, mode="manual")
    window.refresh()
    assert header.state.value.text() == "STOPPED"
    assert header.mode.value.text() == "MANUAL"


def test_header_clock_defaults_to_the_snapshot_wall_time(qtbot, runtime, trend, session):
    import time

    from hmi.runtime.service import LineService
    from hmi.ui.main_window import MainWindow

    win = MainWindow(LineService(runtime, session), trend)
    win.timer.stop()
    qtbot.addWidget(win)
    win.refresh()
    expected = time.strftime("%H:%M:%S", time.localtime(runtime.snapshot.wall_time))
    assert win.header.clock.text() == expected


def test_navigation_switches_screens(window, qtbot):
    assert window.current_screen_name() == "Overview"
    qtbot.mouseClick(window.nav.buttons["Trends"], Qt.MouseButton.LeftButton)
    assert window.current_screen_name() == "Trends"
    assert window.nav.buttons["Trends"].isChecked()
    window.show_screen("overview")
    assert window.current_screen_name() == "Overview"
    with pytest.raises(ValueError, match="Overview, Alarms, Trends"):
        window.show_screen("Recipes")


def test_navigation_buttons_are_touch_sized(window):
    for button in window.nav.buttons.values():
        assert button.height() >= 60  # the status line has its own row above them now


def test_only_the_visible_screen_updates(window, runtime):
    overview, trends = window.screens["Overview"], window.screens["Trends"]
    before = trends.update_count, trends.redraw_count
    for tick in range(2000, 2010):
        runtime.snapshot = make_snapshot(tick)
        window.refresh()
    assert (trends.update_count, trends.redraw_count) == before
    shown = overview.update_count

    window.show_screen("Trends")
    for tick in range(3000, 3010):
        runtime.snapshot = make_snapshot(tick)
        window.refresh()
    assert trends.update_count >= 10 and trends.redraw_count > before[1]
    assert overview.update_count == shown
    label = overview.field("areal_mass_mg_cm2")
    runtime.snapshot = make_snapshot(areal_mass_mg_cm2=12.0)
    window.refresh()
    assert label.text() == "30.08"  # hidden: not touched


def test_no_snapshot_yet_shows_no_data(qtbot, trend, session):
    from hmi.runtime.service import LineService
    from hmi.ui.main_window import MainWindow

    runtime = FakeRuntime()
    runtime.snapshot = None
    win = MainWindow(LineService(runtime, session), trend)
    win.timer.stop()
    qtbot.addWidget(win)
    win.refresh()
    assert win.header.state.value.text() == "NO DATA"
    field = win.screens["Overview"].field("areal_mass_mg_cm2")
    assert field.text() == "----" and field.property("state") == "bad"
    win.show_screen("Trends")  # nothing to plot, nothing breaks
    win.refresh()


def test_the_timer_pulls_snapshots(window, runtime, qtbot):
    window.timer.start()
    runtime.snapshot = make_snapshot(areal_mass_mg_cm2=25.5)
    field = window.screens["Overview"].field("areal_mass_mg_cm2")
    qtbot.waitUntil(lambda: field.text() == "25.50", timeout=2000)
    assert window.timer.interval() == 40


def test_status_messages_name_labels_not_tags(window, runtime):
    runtime.set(messages=("line_speed_sp_m_min = 42.5 m/min by op",))
    window.refresh()
    assert window.nav.status.text() == "Line speed setpoint = 42.5 m/min by op"
    runtime.set(messages=("fault gauge_fault injected by eve",))
    window.refresh()
    assert window.nav.status.text() == "Fault gauge fault injected by eve"


def test_runtime_messages_reach_the_status_line(window, runtime):
    runtime.set(messages=("line started by op", "rejected: web_width_mm out of range"))
    window.refresh()
    assert window.nav.status.text() == "Rejected: Film width leaving nip 1 out of range"
    assert window.nav.status.property("state") == "deviation"


def test_screenshots_at_panel_size(window, tmp_path):
    for name in ("Overview", "Trends"):
        window.show_screen(name)
        window.refresh()
        image = window.grab()
        assert (image.width(), image.height()) == (1280, 800)
        assert image.save(str(tmp_path / f"{name}.png"))
