"""The statistics stream (issue 9, item 11): the same reported numbers as the batch reference
(every sample kept, numpy at the end: tests/sim/batch_stats.py), with a bounded state."""

import math
import tracemalloc

import numpy as np
import pytest

from hmi.sim.stats import TAIL_SAMPLES, RunStatistics, Sample
from tests.sim.batch_stats import BatchStatistics


def synthetic(seed: int, n: int, events, segments, startup_s=20.0):
    """n samples at 10 Hz of a run with settling events: noise, steps that settle or not,
    NaN gap readings, CD zones every tenth sample, two targets."""
    rng = np.random.default_rng(seed)
    samples = []
    position = -2.0
    for i in range(n):
        t = i * 0.1
        position += 50.0 / 600.0
        target = 30.0 if t < n * 0.05 else 26.0
        since = [t - e for e in events if t >= e]
        step = 3.0 * math.exp(-since[-1] / 4.0) if since else 0.0
        err = step + rng.normal(0.0, 0.3) + (2.5 if rng.random() < 0.01 else 0.0)
        zones = target * (1 + (err + rng.normal(0, 0.5, 24)) / 100) if i % 10 == 0 else None
        gaps = {"os": rng.normal(0.1, 0.3), "ds": rng.normal(-0.1, 0.2)}
        if rng.random() < 0.02:
            gaps["os"] = math.nan
        samples.append(
            Sample(
                t_s=t,
                gauge_position_m=position,
                target=target,
                mean_mg_cm2=target * (1 + err / 100),
                zones_mg_cm2=zones,
                thickness_um=120.0 + rng.normal(0, 0.4) + 5.0 * (t > n * 0.05),
                gap_error_um=gaps,
            )
        )
    return samples, dict(
        startup_s=startup_s,
        tolerance_pct=1.5,
        settle_band_pct=0.5,
        scan_time_s=8.0,
        event_times_s=list(events),
        segment_times_s=list(segments),
    )


CASES = [
    (1, 3000, (60.0, 120.0, 120.0, 200.0), (120.0,), 300.0),  # duplicate event times
    (2, 3000, (50.0, 299.9), (), 300.0),  # an event at the last sample
    (3, 2000, (), (), 200.0),  # no events
    (4, 3001, (100.0,), (100.0,), 300.0),  # a sample at end_s exactly
    (5, 1500, (10.0, 140.0), (140.0,), 160.0),  # an event after the samples
    (6, 400, (5.0,), (), 40.0),  # startup beyond some events, short run
]


@pytest.mark.parametrize("seed, n, events, segments, end_s", CASES)
def test_streamed_statistics_report_what_the_batch_computation_reported(
    seed, n, events, segments, end_s
):
    samples, args = synthetic(seed, n, events, segments)
    streamed, batch = RunStatistics(**args), BatchStatistics(**args)
    for sample in samples:
        streamed.add(sample)
        batch.add(sample)
    assert streamed.summary(end_s) == batch.summary(end_s)
    assert streamed.summary(end_s) == batch.summary(end_s)  # a summary changes nothing


def test_an_empty_run_reports_like_the_batch_computation():
    _, args = synthetic(1, 0, (10.0,), ())
    assert RunStatistics(**args).summary(30.0) == BatchStatistics(**args).summary(30.0)


def test_a_long_run_keeps_a_bounded_number_of_samples_and_bounded_memory():
    samples, args = synthetic(7, 600, (10.0, 30.0), (30.0,))
    stats = RunStatistics(**args)

    def feed(k: int) -> None:  # the same minute of samples again, later in time
        for s in samples:
            s.t_s += 60.0
            stats.add(s)
        assert stats.retained_samples <= TAIL_SAMPLES

    feed(0)
    tracemalloc.start()
    feed(1)
    before, _ = tracemalloc.get_traced_memory()
    for k in range(20):  # 20 more minutes at 10 Hz: 12,000 samples
        feed(k)
    after, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert stats.samples_added == 22 * 600 and stats.retained_samples == TAIL_SAMPLES
    assert after - before < 20_000  # bytes: flat (kept samples would be ~0.6 kB each)
    assert stats.summary(samples[-1].t_s + 0.1)["settling_time_s"] is not None


def test_the_summary_refuses_an_end_before_the_streamed_samples():
    samples, args = synthetic(8, 100, (), ())
    stats = RunStatistics(**args)
    for s in samples:
        stats.add(s)
    with pytest.raises(ValueError, match="end_s"):
        stats.summary(1.0)
