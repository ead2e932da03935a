"""Trends, live from the ring buffer (no historian): cheap frames, clock time, presets,
redraw throttling, one plot per unit."""

import numpy as np

from tests.ui.fakes import make_snapshot


def trends_screen(window):
    window.show_screen("Trends")
    return window.screens["Trends"]


def test_plot_items_are_set_for_cheap_frames(window):
    screen = trends_screen(window)
    plots = screen.chart.plots
    assert set(plots) == {"mg/cm²", "µm", "kg", "kN"}  # one y-axis per unit
    for item in plots.values():
        assert item.ctrl.downsampleCheck.isChecked() and item.ctrl.autoDownsampleCheck.isChecked()
        assert item.ctrl.peakRadio.isChecked()
        assert item.ctrl.clipToViewCheck.isChecked()
    for curve in screen.chart.curves.values():
        assert curve.opts["pen"].width() <= 1
        assert curve.opts["antialias"] is False


def test_curves_are_on_clock_time_ending_now(window, runtime):
    screen = trends_screen(window)
    snapshot = runtime.snapshot
    curve = screen.chart.curves["gap_os_um"]
    x, y = curve.xData, curve.yData  # the data given, before display downsampling
    assert np.isclose(x[-1], snapshot.wall_time)  # the newest sample is "now" on the clock
    assert x[0] >= snapshot.wall_time - screen.window_s - 1e-6
    assert np.isclose(y[-1], 100.0 + 999 * 0.001)
    low, high = screen.chart.plots["µm"].viewRange()[0]
    # the axis moves in steps of 1/20 of the span: "now" is within the last step
    assert snapshot.wall_time <= high + 1e-6 < snapshot.wall_time + 30.0
    assert np.isclose(high - low, 600.0)


def test_the_live_time_axis_moves_in_steps_not_every_frame(window, runtime):
    screen = trends_screen(window)
    first = screen.chart.time_range
    runtime.snapshot = make_snapshot(1000 + 100)  # 1 s later: redrawn, the axis stays
    window.refresh()
    assert screen.chart.time_range == first
    runtime.snapshot = make_snapshot(1000 + 3100)  # 31 s later: past a 30 s step
    window.refresh()
    assert screen.chart.time_range.end == first.end + 30.0


def test_presets_set_the_span_and_say_which_is_on(window):
    screen = trends_screen(window)
    screen.preset_buttons[3600.0].click()
    assert screen.window_s == 3600.0 and screen.live
    low, high = screen.chart.plots["kg"].viewRange()[0]
    assert round(high - low) == 3600
    assert screen.preset_buttons[3600.0].isChecked()
    assert not screen.preset_buttons[600.0].isChecked()
    assert "LIVE" in screen.state_label.text()


def test_pause_holds_the_range_and_resume_follows_the_clock(window, runtime):
    screen = trends_screen(window)
    held = screen.span
    screen.pause_button.click()
    assert not screen.live and screen.pause_button.text() == "Resume"
    assert not any(b.isChecked() for b in screen.preset_buttons.values())
    runtime.snapshot = make_snapshot(5000)
    window.refresh()
    assert screen.span == held  # paused: the clock moves on, the range does not
    screen.pause_button.click()
    assert screen.live and np.isclose(screen.span.end, runtime.snapshot.wall_time)


def test_redraws_no_more_often_than_a_pixel_of_time(window, runtime):
    screen = trends_screen(window)
    runtime.snapshot = make_snapshot(5000)
    window.refresh()
    drawn = screen.redraw_count
    window.refresh()  # same time: nothing moved
    assert screen.redraw_count == drawn
    runtime.snapshot = make_snapshot(5000 + 100)  # one second later: more than a pixel
    window.refresh()
    assert screen.redraw_count == drawn + 1


def test_a_steady_signal_is_not_zoomed_into_its_noise(window):
    screen = trends_screen(window)
    screen.redraw()
    low, high = screen.chart.plots["kg"].viewRange()[1]  # bank mass is constant here
    assert high - low >= 0.1 - 1e-9  # ten steps of its 2 decimals


def test_without_a_historian_export_is_not_offered(window):
    screen = trends_screen(window)
    assert not screen.csv_button.isEnabled() and not screen.png_button.isEnabled()


def test_each_y_axis_fits_its_pens_and_follows_new_data(window, runtime):
    screen = trends_screen(window)
    screen.redraw()
    chart = screen.chart
    gap = chart.curves["gap_os_um"]
    low, high = chart.plots["µm"].viewRange()[1]
    assert low <= np.nanmin(gap.yData) and np.nanmax(gap.yData) <= high
    assert high - low < 10 * (np.nanmax(gap.yData) - np.nanmin(gap.yData) + 0.1)  # not loose
    chart.set_series({"gap_os_um": (gap.xData, gap.yData + 50.0)})  # the gap opens by 50 µm
    low, high = chart.plots["µm"].viewRange()[1]
    assert low <= np.nanmin(gap.yData) and np.nanmax(gap.yData) <= high
