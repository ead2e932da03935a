"""The investigation trend's rules: pens, one axis per unit, ranges, the value under the cursor."""

import math

import numpy as np
import pytest

from hmi.runtime.pen_sets import PenSetStore
from hmi.runtime.trend_range import (
    MAX_PENS,
    MAX_SPAN_S,
    MIN_SPAN_S,
    PenError,
    TimeRange,
    axes_of,
    check_pens,
    value_at,
)

PENS = ["gap_os_um", "areal_mass_mg_cm2", "gap_ds_um", "bank_mass_kg"]


def test_pens_keep_their_order_without_repeats_and_at_most_eight():
    assert check_pens(["gap_os_um", "gap_ds_um", "gap_os_um"]) == ("gap_os_um", "gap_ds_um")
    nine = [
        "gap_os_um",
        "gap_ds_um",
        "areal_mass_mg_cm2",
        "bank_mass_kg",
        "thickness_um",
        "line_speed_m_min",
        "roll_force_os_kn",
        "roll_force_ds_kn",
        "roll_temperature_c",
    ]
    with pytest.raises(PenError, match=f"At most {MAX_PENS} pens"):
        check_pens(nine)
    with pytest.raises(PenError, match="at least one"):
        check_pens([])
    with pytest.raises(PenError, match="Not recorded.*no_such_tag"):
        check_pens(["gap_os_um", "no_such_tag"])


def test_one_axis_per_unit_in_order_of_first_pen():
    assert axes_of(PENS) == {
        "µm": ("gap_os_um", "gap_ds_um"),
        "mg/cm²": ("areal_mass_mg_cm2",),
        "kg": ("bank_mass_kg",),
    }


def test_pan_and_zoom_keep_the_span_limits_and_the_centre():
    span = TimeRange(1000.0, 1600.0)
    assert span.pan(-0.5) == TimeRange(700.0, 1300.0)
    zoomed = span.zoom(0.5, centre=1150.0)  # centre a quarter in: stays a quarter in
    assert zoomed == TimeRange(1075.0, 1375.0)
    assert span.zoom(1e-6).span_s == MIN_SPAN_S
    assert TimeRange(0.0, 3600.0).zoom(1e9).span_s == MAX_SPAN_S
    assert span.ending_at(5000.0) == TimeRange(4400.0, 5000.0)
    with pytest.raises(ValueError, match="at least 10 s after the start"):
        TimeRange(100.0, 105.0)


def test_cursor_value_is_the_last_sample_at_or_before_the_time():
    t = np.array([10.0, 10.1, 10.2, 10.3])
    v = np.array([1.0, 2.0, np.nan, 4.0])
    assert value_at(t, v, 10.15) == 2.0
    assert value_at(t, v, 10.1) == 2.0
    assert math.isnan(value_at(t, v, 10.25))  # bad quality then: no value shown
    assert value_at(t, v, 10.35) == 4.0
    assert math.isnan(value_at(t, v, 9.0))  # before the first sample
    assert math.isnan(value_at(t, v, 20.0))  # long after the last
    assert math.isnan(value_at(np.empty(0), np.empty(0), 1.0))


def test_pen_sets_are_kept_per_user_and_survive_a_reopen(tmp_path):
    path = tmp_path / "pen_sets.json"
    store = PenSetStore(path, PENS)
    store.save("eve", "refill check", ["bank_mass_kg", "areal_mass_mg_cm2"])
    store.save("ann", "gap", ["gap_os_um"])
    again = PenSetStore(path, PENS)
    assert again.names("eve") == ["refill check"]
    assert again.get("eve", "refill check") == ("bank_mass_kg", "areal_mass_mg_cm2")
    assert again.names("ann") == ["gap"] and again.names("sam") == []
    with pytest.raises(PenError, match="No pen set named"):
        again.get("ann", "refill check")  # another user's set is not yours
    again.delete("eve", "refill check")
    assert PenSetStore(path, PENS).names("eve") == []


def test_a_refused_pen_set_leaves_the_saved_file_as_it_was(tmp_path):
    path = tmp_path / "pen_sets.json"
    store = PenSetStore(path, PENS)
    store.save("eve", "mine", ["gap_os_um"])
    before = path.read_bytes()
    with pytest.raises(PenError, match="1 to 40 characters"):
        store.save("eve", "  ", ["gap_ds_um"])
    with pytest.raises(PenError, match="Not recorded"):
        store.save("eve", "other", ["thickness_um"])
    with pytest.raises(PenError, match="Log in"):
        store.save("", "anon", ["gap_os_um"])
    assert path.read_bytes() == before
    assert not path.with_suffix(".tmp").exists()
