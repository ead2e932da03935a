"""The chart's own y fit and band compression (hmi/ui/chart_fit.py), which replaced pyqtgraph's
per-paint autorange and FillBetweenItem: they must draw the same picture."""

from __future__ import annotations

import numpy as np
import pytest

from hmi.ui.chart_fit import PADDING, bends, y_range


def band_edges() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A target ± tolerance band over 1 h at 10 Hz: two grade changes and a ramp."""
    t = np.arange(0.0, 3600.0, 0.1)
    target = np.where(t < 1200, 20.0, 22.5)
    ramp = (t >= 2400) & (t < 2460)
    target = np.where(ramp, 22.5 + (t - 2400) / 60 * 1.5, target)
    target = np.where(t >= 2460, 24.0, target)
    tolerance = np.where(t < 3000, 0.4, 0.5)
    return t, target - tolerance, target + tolerance


def test_bends_keep_the_same_polyline_with_far_fewer_vertices():
    t, low, high = band_edges()
    keep = bends(t, low, high)
    assert len(keep) < len(t) / 30  # the level runs collapse to their ends
    assert keep[0] == 0 and keep[-1] == len(t) - 1
    for edge in (low, high):  # the kept polyline passes through every original vertex
        assert np.interp(t, t[keep], edge[keep]) == pytest.approx(edge, abs=1e-12)


def test_bends_keep_both_sides_of_a_step_and_every_point_of_a_ramp():
    t = np.arange(8.0)
    edge = np.array([1.0, 1.0, 1.0, 2.0, 3.0, 4.0, 4.0, 4.0])
    assert bends(t, edge).tolist() == [0, 2, 3, 4, 5, 7]


def test_bends_keep_a_nan_gap_as_a_gap():
    t = np.arange(7.0)
    edge = np.array([1.0, 1.0, 1.0, np.nan, 1.0, 1.0, 1.0])
    kept = bends(t, edge)
    assert 3 in kept and {2, 4} <= set(kept.tolist())


def test_bends_of_short_series_keep_everything():
    assert bends(np.arange(2.0), np.array([5.0, 5.0])).tolist() == [0, 1]
    assert bends(np.empty(0), np.empty(0)).tolist() == []


def test_y_range_fits_only_the_visible_time_and_pads_it():
    t = np.arange(0.0, 100.0)
    v = np.where(t < 50, 100.0, 20.0) + np.sin(t)  # the first half is off screen
    low, high = y_range([(t, v)], 50.0, 99.0, min_span=0.1)
    inside = v[50:]
    pad = (inside.max() - inside.min()) * PADDING
    assert (low, high) == pytest.approx((inside.min() - pad, inside.max() + pad))


def test_y_range_spans_all_series_and_skips_nan():
    a = (np.arange(10.0), np.full(10, 5.0))
    b = (np.arange(10.0), np.array([np.nan] * 5 + [7.0] * 5))
    low, high = y_range([a, b], 0.0, 9.0, min_span=0.01)
    assert low == pytest.approx(5.0 - 0.1) and high == pytest.approx(7.0 + 0.1)


def test_y_range_of_a_flat_line_is_min_span_tall_around_it():
    low, high = y_range([(np.arange(5.0), np.full(5, 21.3))], 0.0, 4.0, min_span=0.1)
    assert (low, high) == pytest.approx((21.25, 21.35))


def test_y_range_without_a_visible_finite_value_is_none():
    t = np.arange(5.0)
    assert y_range([(t, np.full(5, np.nan))], 0.0, 4.0, 0.1) is None
    assert y_range([(t, np.ones(5))], 10.0, 20.0, 0.1) is None
    assert y_range([], 0.0, 1.0, 0.1) is None
