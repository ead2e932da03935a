"""The nip's faceplate (a tap on Nip 1 in the Overview) shows the gap controller: its mode,
whether it holds on a bad input, and each term of the gap setpoint per side (set-up, monitor,
gaugemeter, tilt, thermal, eccentricity), from the snapshot's corrections."""

import dataclasses
import math

from tests.ui.fakes import make_snapshot

TERMS = {
    "gap_os_feedforward_um": 79.63,
    "gap_ds_feedforward_um": 79.63,
    "gap_os_monitor_um": -1.27,
    "gap_ds_monitor_um": -1.27,
    "gap_os_gaugemeter_um": 0.0,
    "gap_ds_gaugemeter_um": -2.86,
    "gap_os_tilt_um": 0.04,
    "gap_ds_tilt_um": -0.12,
    "gap_os_thermal_um": 17.26,
    "gap_ds_thermal_um": 17.26,
    "gap_os_eccentricity_um": -1.074,
    "gap_ds_eccentricity_um": -1.074,
    "gap_feedback_um": -1.27,
    "feed_feedforward_kg_h": 900.0,
}


def overview(window):
    """The Nip 1 faceplate, opened from the Overview as an operator taps it."""
    screen = window.screens["Overview"]
    if screen.faceplate is None or screen.faceplate.equipment.key != "nip":
        screen.open_faceplate("nip")
    return screen.faceplate


def model_snapshot(**values):
    snapshot = make_snapshot(**{"controller_auto": 1.0, "controller_holding": 0.0, **values})
    return dataclasses.replace(snapshot, corrections=dict(TERMS))


def test_every_term_of_the_gap_setpoint_is_shown_per_side_with_its_sign(window, runtime):
    runtime.snapshot = model_snapshot()
    window.refresh()
    screen = overview(window)
    assert screen.field("gap_os_feedforward_um").text() == "79.6"
    assert screen.field("gap_ds_gaugemeter_um").text() == "-2.9"
    assert screen.field("gap_os_gaugemeter_um").text() == "0.0"  # no "-0.0", no "+0.0"
    assert screen.field("gap_os_thermal_um").text() == "+17.3"
    assert screen.field("gap_ds_eccentricity_um").text() == "-1.07"
    assert screen.field("gap_os_monitor_um").text() == "-1.3"
    assert screen.field("gap_ds_tilt_um").text() == "-0.1"
    assert screen.field("gap_feedback_um").text() == "-1.3"


def test_mode_and_holding_are_shown_and_holding_is_abnormal(window, runtime):
    screen = overview(window)
    runtime.snapshot = model_snapshot()
    window.refresh()
    mode, holding = screen.field("controller_auto"), screen.field("controller_holding")
    assert mode.text() == "AUTO"
    assert holding.text() == "" and holding.property("state") == "normal"

    runtime.snapshot = model_snapshot(controller_auto=0.0, controller_holding=1.0)
    window.refresh()
    assert mode.text() == "MANUAL"
    assert holding.text() == "HOLDING" and holding.property("state") == "deviation"


def test_a_controller_without_a_term_shows_dashes_not_a_number(window, runtime):
    runtime.snapshot = dataclasses.replace(
        make_snapshot(gap_os_thermal_um=math.nan), corrections={"gap_feedback_um": 0.5}
    )
    window.refresh()
    screen = overview(window)
    assert screen.field("gap_os_thermal_um").text() == "----"
    assert screen.field("gap_feedback_um").text() == "0.5"


def test_mode_falls_back_to_the_runtime_mode_before_the_controller_says(window, runtime):
    snapshot = make_snapshot(mode="manual")
    values = {k: v for k, v in snapshot.values.items() if k != "controller_auto"}
    runtime.snapshot = dataclasses.replace(snapshot, values=values)
    window.refresh()
    assert overview(window).field("controller_auto").text() == "MANUAL"
