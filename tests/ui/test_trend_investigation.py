"""The Trends screen as an engineer investigates with it, on the real line and historian:
pick pens, go to history, zoom, read values at the cursor, see what happened, export."""

import csv
import math

import numpy as np
import pytest

from hmi.core.tags import TAGS
from hmi.runtime.trend_range import TimeRange, value_at
from tests.ui.panel_stack import build_window, log_in


@pytest.fixture
def panel(qtbot, tmp_path):
    stack = build_window(tmp_path / "data", warm_up_s=20.0, line_clock=True)
    qtbot.addWidget(stack.window)
    stack.window.resize(1280, 800)
    stack.window.show()
    log_in(stack, "eve")
    stack.service.write_setpoint("areal_mass_target_mg_cm2", 29.0)  # a marker to find
    stack.runtime.run_for(20.0)
    qtbot.waitUntil(lambda: stack.historian.queued == 0, timeout=5000)
    stack.window.show_screen("Trends")
    stack.window.refresh()
    yield stack
    stack.historian.close()


def read(qtbot, screen):
    """Wait for the history read: it starts once the range has settled, then runs off-thread."""
    qtbot.waitUntil(lambda: not screen._settle.isActive() and screen.reader.busy == 0, timeout=5000)


def test_pick_pens_go_to_history_zoom_and_read_the_cursor(qtbot, panel):
    screen = panel.window.screens["Trends"]
    picker = screen.pick_pens()
    picker.clear()
    for name in ("thickness_um", "line_speed_m_min", "areal_mass_mg_cm2"):
        picker.buttons[name].click()
    picker.ok_button.click()
    assert screen.pens == ("thickness_um", "line_speed_m_min", "areal_mass_mg_cm2")
    assert set(screen.chart.plots) == {"µm", "m/min", "mg/cm²"}

    end = panel.runtime.latest().wall_time
    screen.set_range(TimeRange(end - 30.0, end - 5.0))  # history: a range in the past
    read(qtbot, screen)
    assert not screen.live and "HISTORY" in screen.state_label.text()
    t, v = screen.series["thickness_um"]
    assert len(t) > 100 and t[0] >= end - 30.0 - 1e-6 and t[-1] <= end - 5.0 + 1e-6

    screen.zoom(0.5)
    read(qtbot, screen)
    assert math.isclose(screen.span.span_s, 12.5) and not screen.live
    low, high = screen.chart.plots["µm"].viewRange()[0]
    assert math.isclose(high - low, 12.5, rel_tol=1e-6)

    at = screen.span.start + 5.0
    screen.chart.set_cursor(at)
    raw_t, raw_v = panel.historian.query("thickness_um", at - 2.0, at + 2.0, max_points=10_000)
    expected = value_at(np.asarray(raw_t), np.asarray(raw_v), at)
    shown = screen.readout.values["thickness_um"].text()
    assert f"{TAGS['thickness_um'].format(expected)} µm" in shown
    assert "Cursor 20" in screen.readout.cursor_label.text()  # clock time with the date


def test_a_drag_pans_into_history(qtbot, panel):
    screen = panel.window.screens["Trends"]
    first = screen.chart._first_plot()
    first.vb.translateBy(x=-60.0)  # what pyqtgraph's drag handler does, then it says so:
    first.vb.sigRangeChangedManually.emit([True, False])
    read(qtbot, screen)
    assert not screen.live and screen.paused
    assert math.isclose(screen.span.span_s, 600.0, rel_tol=1e-6)


def test_setpoint_change_is_a_marker_with_its_text(qtbot, panel):
    screen = panel.window.screens["Trends"]
    end = panel.runtime.latest().wall_time
    screen.set_range(TimeRange(end - 40.0, end))
    read(qtbot, screen)
    marks = [m for m in screen.markers if m.kind == "setpoint"]
    assert len(marks) == 1
    assert "Target areal mass" in marks[0].text and "29.00 mg/cm²" in marks[0].text
    assert "by eve" in marks[0].text
    screen.chart.marker_tapped.emit(marks[0])
    assert marks[0].text in screen.readout.marker_label.text()


def test_exported_csv_rows_match_the_historian(qtbot, panel):
    screen = panel.window.screens["Trends"]
    screen.set_pens(("gap_os_um", "bank_mass_kg"))
    end = panel.runtime.latest().wall_time
    screen.set_range(TimeRange(end - 15.0, end - 2.0))
    read(qtbot, screen)
    screen.export_csv()
    qtbot.waitUntil(lambda: screen.last_export != "", timeout=10_000)
    with open(screen.last_export, encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [
        "Time",
        "Roll gap, operator side (actuator position) (µm)",
        "Powder bank in nip 1 (kg)",
    ]
    times, columns = panel.historian.query_table(
        ["gap_os_um", "bank_mass_kg"], screen.span.start, screen.span.end
    )
    assert len(rows) - 1 == len(times) > 100
    for row, index in ((rows[1], 0), (rows[-1], len(times) - 1)):
        assert float(row[1]) == pytest.approx(columns["gap_os_um"][index], abs=1e-3)
        assert float(row[2]) == pytest.approx(columns["bank_mass_kg"][index], abs=1e-4)
    png = screen.export_png()
    assert png.endswith(".png") and open(png, "rb").read(4) == b"\x89PNG"


def test_a_saved_pen_set_comes_back_for_its_user(qtbot, panel):
    screen = panel.window.screens["Trends"]
    panel.history.pen_sets.save("eve", "refill", ["bank_mass_kg", "areal_mass_mg_cm2"])
    picker = screen.pick_pens()
    assert "refill" in [
        picker.set_row.itemAt(i).widget().text()
        for i in range(picker.set_row.count())
        if picker.set_row.itemAt(i).widget() is not None
    ]
    picker.load_set("refill")
    picker.ok_button.click()
    assert screen.pens == ("bank_mass_kg", "areal_mass_mg_cm2")


def test_a_run_of_taps_reads_the_historian_once(qtbot, panel):
    screen = panel.window.screens["Trends"]
    screen.pause_button.click()
    read(qtbot, screen)
    before = screen.reader._generation
    for _ in range(4):
        screen.pan(-0.25)  # four taps on ◀ in quick succession
    assert screen.reader._generation == before  # nothing read while the finger is busy
    read(qtbot, screen)
    assert screen.reader._generation == before + 1
    assert math.isclose(screen.span.span_s, 600.0, rel_tol=1e-6)


def test_alarms_raised_and_recipe_loads_are_markers(qtbot, panel):
    from hmi.recipes.model import Recipe
    from hmi.recipes.service import signature_target
    from hmi.security import Action
    from tests.ui.panel_stack import PASSWORD

    security = panel.security
    version = panel.recipes.save(
        security.current,
        Recipe(name="NMC 25", areal_mass_target_mg_cm2=25.0, line_speed_m_min=45.0),
        "trial",
    )
    log_in(panel, "sam")
    signature = security.sign(
        security.current,
        Action.RECIPE_APPROVE,
        PASSWORD,
        "trial passed",
        target=signature_target(version),
    )
    panel.recipes.approve(security.current, version.name, version.version, signature)
    panel.service.load_recipe(panel.recipes, "NMC 25", version.version)
    panel.service.inject_fault("gauge_fault", reason="test", mode="nan", duration_s=30)
    panel.runtime.run_for(10.0)
    panel.journal.sync()
    screen = panel.window.screens["Trends"]
    end = panel.runtime.latest().wall_time
    screen.set_range(TimeRange(end - 60.0, end))
    read(qtbot, screen)
    kinds = {m.kind for m in screen.markers}
    assert {"alarm", "recipe", "setpoint"} <= kinds
    recipe = next(m for m in screen.markers if m.kind == "recipe")
    assert recipe.text == f"Recipe loaded: {version.ref} by sam"
    alarm = next(m for m in screen.markers if m.kind == "alarm")
    assert alarm.text.startswith("Alarm raised: ") and end - 60.0 <= alarm.wall_time <= end
    assert len(screen.chart._marker_items) == 3  # a symbol per kind on the events row


def test_a_tap_on_a_marker_shows_its_text(qtbot, panel):
    from PySide6.QtCore import QPointF, Qt

    screen = panel.window.screens["Trends"]
    end = panel.runtime.latest().wall_time
    screen.set_range(TimeRange(end - 40.0, end))
    read(qtbot, screen)
    marker = next(m for m in screen.markers if m.kind == "setpoint")
    events = screen.chart._marker_plot
    scene_point = events.vb.mapViewToScene(QPointF(marker.wall_time, 0.5))
    view = screen.chart.view
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(scene_point))
    assert marker.text in screen.readout.marker_label.text()


def test_back_from_history_the_tolerance_band_spans_the_live_view(qtbot, panel):
    screen = panel.window.screens["Trends"]
    end = panel.runtime.latest().wall_time
    screen.set_range(TimeRange(end - 25.0, end - 15.0))  # history: ten seconds of the past
    read(qtbot, screen)
    screen.set_window(600)  # Live again, the line's clock standing still
    for _ in range(3):
        panel.window.refresh()
    t_target = screen.series["areal_mass_target_mg_cm2"][0]
    band_pen, (t_band, _low), _high = screen.chart._band_data
    # from the target's first sample to the axis' end, not the ten seconds of history the
    # band was drawn for before
    assert band_pen == "areal_mass_mg_cm2" and t_target[0] < end - 25.0
    assert t_band[0] == t_target[0] and t_band[-1] == screen.view_span().end
