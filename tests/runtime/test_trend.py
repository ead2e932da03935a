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
