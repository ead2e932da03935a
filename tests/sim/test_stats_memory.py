"""A long run's statistics hold a bounded state (issue 9, item 11): samples are folded in and
dropped, so neither the retained samples nor the traced memory grow with the run."""

import dataclasses
import tracemalloc

from hmi.sim.stats import RunStatistics
from tests.sim.synthetic import synthetic


def test_a_long_run_keeps_a_bounded_number_of_samples_and_bounded_memory():
    samples, args = synthetic(7, 600, (10.0, 30.0), (30.0,))
    stats = RunStatistics(**args)

    def feed(k: int) -> None:  # the same minute again, later in time, as new samples
        for s in samples:
            stats.add(
                dataclasses.replace(s, t_s=s.t_s + 60.0 * k, gap_error_um=dict(s.gap_error_um))
            )

    feed(1)
    tracemalloc.start()
    feed(2)
    before, _ = tracemalloc.get_traced_memory()
    for k in range(3, 13):  # 10 more minutes at 10 Hz: 6,000 samples
        feed(k)
    after, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"traced memory grew {after - before} bytes over 6,000 samples")
    assert after - before < 20_000  # bytes: flat (kept samples would be ~0.6 kB each)
    assert stats.retained_samples <= 16
    assert stats.summary(samples[-1].t_s + 60.0 * 12 + 0.1)["settling_time_s"] is not None
