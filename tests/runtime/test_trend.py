import numpy as np

from hmi.runtime.trend import TrendBuffer


def test_window_returns_the_last_seconds_in_time_order_across_the_wrap():
    buf = TrendBuffer(["a", "b"], capacity=100)
    for i in range(250):
        buf.append(i * 0.1, {"a": float(i), "b": -float(i)})
    assert len(buf) == 100
    t, v = buf.window(2.0)
    np.testing.assert_allclose(t, np.arange(229, 250) * 0.1)
    np.testing.assert_allclose(v["a"], np.arange(229, 250))
    np.testing.assert_allclose(v["b"], -np.arange(229, 250))


def test_missing_values_are_nan_and_empty_buffer_is_empty():
    buf = TrendBuffer(["a", "b"], capacity=10)
    t, v = buf.window(5)
    assert t.size == 0 and v["a"].size == 0
    buf.append(0.0, {"a": 1.0})
    t, v = buf.window(5)
    assert v["a"][0] == 1.0 and np.isnan(v["b"][0])


def test_window_of_selected_tags_matches_the_full_window():
    buf = TrendBuffer(["a", "b", "c"], capacity=64)
    for i in range(150):  # wrapped more than twice
        buf.append(i * 0.5, {"a": float(i), "b": 2.0 * i, "c": 3.0 * i})
    for seconds in (0.0, 1.0, 7.3, 31.5, 1000.0):
        t_all, v_all = buf.window(seconds)
        t, v = buf.window(seconds, ["c", "a"])
        np.testing.assert_array_equal(t, t_all)
        assert list(v) == ["c", "a"]
        np.testing.assert_array_equal(v["c"], v_all["c"])
        np.testing.assert_array_equal(v["a"], v_all["a"])
        assert t[0] >= t_all[-1] - seconds
    assert len(buf.window(1000.0)[0]) == 64
