"""The per-time-step coefficient memo (hmi/plant/stepping.py) changes no float: a line whose
parts look coefficients up gives bit for bit what one that computes them every step gives."""

from __future__ import annotations

from hmi.plant import LFP, Equipment, Line, LineCommands
from hmi.plant.stepping import DT_MEMO_SIZE


def _parts(line: Line) -> list:
    return [*line.feeders.values(), *line.gap_actuators.values(), line.rolls]


def _memos(line: Line) -> list[dict]:
    return [p._by_dt for p in _parts(line)]


def _state(line: Line) -> list[tuple]:
    """Every float each memoising part holds (its memo and noise stream apart)."""
    return [
        tuple(getattr(p, s) for s in type(p).__slots__ if s not in ("_by_dt", "_rng"))
        for p in _parts(line)
    ]


def _steps() -> list[float]:
    """The runtime's steps on a simulated clock (t0 + k·period − t0: a few values in turn),
    then a real clock's (every one different, more than the memo holds)."""
    t0, period = 12.345, 0.01
    simulated = [((t0 + (k + 1) * period) - t0) - ((t0 + k * period) - t0) for k in range(1500)]
    real = [0.01 + 1e-6 * (k % 97) for k in range(3 * DT_MEMO_SIZE)]
    return simulated + real


def test_memoised_coefficients_are_the_computed_ones() -> None:
    eq = Equipment()
    memo, fresh = (Line.at_steady_state(LFP, eq, 30.0, 20.0, seed=5) for _ in range(2))
    for line in (memo, fresh):
        line.feeders["active"].bridge(0.3, 2.0)
    steps = _steps()
    assert len(set(steps[:1500])) < 50  # the simulated clock repeats its steps
    for i, dt in enumerate(steps):
        sp = 80.0 + 5.0 * ((i // 7) % 3)  # the setpoint moves, so the actuators do
        cmd = LineCommands(
            feeder_sp_kg_h=dict(memo.steady_feed_kg_h),
            gap_sp_um={"os": sp, "ds": sp + 1.0},
            line_speed_sp_m_min=20.0,
            run=True,
        )
        for table in _memos(fresh):
            table.clear()  # every coefficient computed anew, as before the memo
        memo.step(dt, cmd)
        fresh.step(dt, cmd)
        assert memo.measurements() == fresh.measurements(), f"step {i}"
        assert _state(memo) == _state(fresh), f"step {i}"
    assert all(0 < len(table) <= DT_MEMO_SIZE for table in _memos(memo))  # bounded
