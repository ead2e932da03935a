"""The window on the real runtime (emulated line, simulated clock): what the overview shows is
the runtime's snapshot, and a setpoint entered in the keypad reaches the loop."""

import pytest


@pytest.fixture
def stack(qtbot):
    from hmi.ui.main_window import MainWindow
    from tests.ui.real_stack import build

    runtime, service = build()
    runtime.run_for(2.0)
    window = MainWindow(service, runtime.trend)
    window.timer.stop()
    qtbot.addWidget(window)
    window.show()
    window.refresh()
    return runtime, window


def test_overview_shows_the_runtime_snapshot(stack):
    runtime, window = stack
    snap = runtime.latest()
    overview = window.screens["Overview"]
    assert overview.field("areal_mass_mg_cm2").text() == f"{snap.value('areal_mass_mg_cm2'):.2f}"
    assert overview.field("gap_os_um").text() == f"{snap.value('gap_os_um'):.1f}"
    assert window.header.state.value.text() == "RUNNING"
    assert window.header.recipe.value.text() == snap.recipe_name


def test_displayed_values_follow_the_snapshots_as_the_clock_advances(stack):
    runtime, window = stack
    overview = window.screens["Overview"]
    from hmi.runtime import WriteSetpoint

    runtime.submit(WriteSetpoint("line_speed_sp_m_min", 30.0, "test"))
    shown = []
    for _ in range(4):
        runtime.run_for(0.5)  # the drive ramps down at a limited rate
        window.refresh()
        snap = runtime.latest()
        text = overview.field("line_speed_m_min").text()
        assert text == f"{snap.value('line_speed_m_min'):.1f}"
        shown.append(float(text))
    assert shown == sorted(shown, reverse=True) and shown[-1] < shown[0]


def test_a_line_speed_entered_in_the_keypad_reaches_the_loop(stack):
    runtime, window = stack
    dialog = window.screens["Overview"].setpoint("line_speed_sp_m_min").open_keypad()
    dialog.press("42.5")
    dialog.confirm()
    assert not dialog.isVisible()
    runtime.run_for(0.05)
    assert runtime.latest().values["line_speed_sp_m_min"] == 42.5
    window.refresh()
    assert window.screens["Overview"].field("line_speed_sp_m_min").text() == "42.5"


def test_trends_plot_the_runtime_trend(stack):
    runtime, window = stack
    window.show_screen("Trends")
    curve = window.screens["Trends"].chart.curves["areal_mass_mg_cm2"]
    x, y = curve.xData, curve.yData  # on clock time: the newest sample at the snapshot's
    t, trend = runtime.trend.window(600)
    snapshot = runtime.latest()
    assert len(x) == len(t) > 10
    assert x[-1] == pytest.approx(t[-1] + snapshot.wall_time - snapshot.t_s)
    assert y[-1] == trend["areal_mass_mg_cm2"][-1]
