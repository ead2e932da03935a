"""Stop and start a running line: the bank stays within [0.5, 1.5] × nominal (issue 13)."""

import pytest

from hmi.runtime import StartLine, StopLine
from tests.runtime.line import NOMINAL_BANK_KG, line_runtime

LOW, HIGH = 0.5 * NOMINAL_BANK_KG, 1.5 * NOMINAL_BANK_KG


@pytest.mark.parametrize("controller", ["model", "baseline"])
def test_bank_stays_in_bounds_through_a_normal_stop_two_minutes_and_a_start(controller):
    runtime, profile, rec = line_runtime(controller)
    runtime.run_for(30.0)
    runtime.submit(StopLine("op"))
    runtime.run_for(120.0)  # the stop's run-on, then standing
    assert rec.rows[-1][2] == pytest.approx(0.0, abs=1e-6), "line stands after the stop"
    runtime.submit(StartLine("op"))
    runtime.run_for(480.0)
    low, high = rec.bank_between(0.0, rec.rows[-1][0])
    assert LOW <= low and high <= HIGH, f"bank {low:.2f} … {high:.2f} kg"
    assert rec.rows[-1][2] == pytest.approx(50.0, abs=0.5), "back at speed"


def test_energy_per_m2_does_not_move_while_the_line_stands():
    runtime, profile, rec = line_runtime()
    runtime.run_for(30.0)
    runtime.submit(StopLine("op"))
    runtime.run_for(120.0)
    before = runtime.latest().value("energy_wh_per_m2")
    runtime.run_for(300.0)
    assert runtime.latest().value("energy_wh_per_m2") == pytest.approx(before, rel=1e-9)
