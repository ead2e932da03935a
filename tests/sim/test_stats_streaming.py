"""The statistics stream (issue 9, item 11): the same reported numbers as the batch reference
(every sample kept, numpy at the end: tests/sim/batch_stats.py), with a bounded state."""

import pytest

from hmi.sim.stats import RunStatistics
from tests.sim.batch_stats import BatchStatistics
from tests.sim.synthetic import synthetic

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


def test_the_summary_refuses_an_end_before_the_streamed_samples():
    samples, args = synthetic(8, 100, (), ())
    stats = RunStatistics(**args)
    for s in samples:
        stats.add(s)
    with pytest.raises(ValueError, match="end_s"):
        stats.summary(1.0)
