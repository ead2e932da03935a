"""bench-trends tells the runtime's own missed deadlines from the machine's: a late tick
overlapping a stall of the bare probes is the machine's (benchmarks/floor_probe.py)."""

from benchmarks.floor_probe import ours_alone


def test_a_late_tick_is_ours_only_when_no_probe_stalled_during_it():
    log = [(10.025, 0.025), (20.012, 0.012)]  # two late ticks: 2 deadlines, then 1
    assert ours_alone(log, []) == 3
    assert ours_alone(log, [(10.020, 0.004)]) == 1, "a probe stall inside the first"
    assert ours_alone(log, [(20.013, 0.005)]) == 2, "a probe stall overlapping the second's end"
    assert ours_alone(log, [(9.990, 0.005), (20.030, 0.010)]) == 3, "stalls before and after"
