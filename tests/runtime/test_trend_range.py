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


def test_a_live_range_joins_the_historian_before_the_ring_and_the_ring_after():
    from hmi.runtime.trend_range import live_series

    ring_t = np.arange(1000.0, 1600.0, 0.01)  # ten minutes at 100 Hz
    ring = {"gap_os_um": np.full(len(ring_t), 100.0)}
    ring["gap_os_um"][30_000] = 140.0  # a one-sample spike must survive the thinning
    older_t = np.arange(0.0, 1200.0, 1.0)  # the historian's 1 s tier, overlapping the ring
    older = {"gap_os_um": (older_t, np.full(len(older_t), 90.0))}
    span = TimeRange(0.0, 1600.0)
    found, needs_older = live_series(["gap_os_um"], ring_t, ring, older, span, 800)
    t, v = found["gap_os_um"]
    assert needs_older
    assert (np.diff(t) >= 0).all()  # one timeline: the overlap is the ring's, not twice
    assert t[-1] == ring_t[-1]  # a live chart ends at the newest sample
    assert set(v[t < 1000.0]) == {90.0} and set(v[t >= 1000.0]) <= {100.0, 140.0}
    assert v.max() == 140.0 and len(t[t >= 1000.0]) <= 1604  # thinned to 2 a pixel
    short, needs = live_series(["gap_os_um"], ring_t, ring, older, TimeRange(1000.0, 1600.0), 800)
    assert not needs and len(short["gap_os_um"][0]) <= 1604  # within the ring: thinned too
    assert short["gap_os_um"][1].max() == 140.0 and short["gap_os_um"][0][-1] == ring_t[-1]


def test_envelope_keeps_each_buckets_min_and_max_in_time_order():
    from hmi.runtime.trend_range import envelope_of

    t = np.arange(8.0)
    v = np.array([1.0, 5.0, 2.0, 0.0, np.nan, np.nan, 3.0, 3.0])
    out_t, out_v = envelope_of(t, v, 4)  # two buckets of four
    assert out_t.tolist() == [1.0, 3.0, 6.0, 6.0, 7.0]  # ... and the newest sample
    assert out_v.tolist() == [5.0, 0.0, 3.0, 3.0, 3.0]
