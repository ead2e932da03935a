"""Trends: cheap-frame settings, data relative to now, window buttons, redraw throttling."""

import numpy as np

from tests.ui.fakes import make_snapshot


def trends_screen(window):
    window.show_screen("Trends")
    return window.screens["Trends"]


def test_plot_items_are_set_for_cheap_frames(window):
    screen = trends_screen(window)
    assert len(screen.plots) == 4
    for item in screen.plots:
        assert item.ctrl.downsampleCheck.isChecked() and item.ctrl.autoDownsampleCheck.isChecked()
        assert item.ctrl.peakRadio.isChecked()
        assert item.ctrl.clipToViewCheck.isChecked()
    for curve in screen.curves.values():
        assert curve.opts["pen"].width() <= 1
        assert curve.opts["antialias"] is False


def test_curves_show_the_window_relative_to_now(window):
    screen = trends_screen(window)
    x, y = screen.curves["gap_os_um"].getData()
    assert x[-1] == 0.0 and x[0] >= -screen.window_s
    assert np.isclose(y[-1], 100.0 + 999 * 0.001)
    setpoint_pen = screen.curves["gap_os_sp_um"].opts["pen"]
    assert setpoint_pen.style() != screen.curves["gap_os_um"].opts["pen"].style()


def test_window_buttons_set_the_time_span(window):
    screen = trends_screen(window)
    screen.window_buttons[300].click()
    assert screen.window_s == 300
    low, high = screen.plots[-1].viewRange()[0]
    assert (round(low), round(high)) == (-300, 0)
    assert screen.window_buttons[300].isChecked() and not screen.window_buttons[60].isChecked()


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


def test_a_steady_signal_is_not_zoomed_into_its_noise(window, runtime, trend):
    screen = trends_screen(window)
    screen.redraw()
    bank = screen.plots[2]  # bank mass is constant in the fixture's trend
    low, high = bank.viewRange()[1]
    assert high - low >= 0.1 - 1e-9  # ten steps of its 2 decimals
