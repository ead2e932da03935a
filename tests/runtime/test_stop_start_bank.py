"""Stop and start a running line: the bank stays within [0.5, 1.5] × nominal (issue 13)."""

import pytest

from hmi.runtime import StartLine, StopLine
from tests.runtime.line import NOMINAL_BANK_KG, copy_line, line_runtime

LOW, HIGH = 0.5 * NOMINAL_BANK_KG, 1.5 * NOMINAL_BANK_KG


def run_until(runtime, state, limit_s, chunk_s=5.0):
    """Run until the line is in `state` (and no sequence runs); the time it took."""
    waited = 0.0
    while waited < limit_s:
        snap = runtime.run_for(chunk_s)
        waited += chunk_s
        if snap.sequence.line_state == state and not snap.sequence.sequence:
            return waited
    raise AssertionError(f"line not {state} after {limit_s} s: {snap.sequence.text}")


@pytest.fixture(scope="module")
def normal_stop():
    """`normal_stop(controller)`: (runtime, profile, recorder) after 30 s at speed and a normal
    stop run to its end. Each controller's run-up is made once; each call returns its own copy
    (copy_line), so what one test does to the line never reaches another."""
    made = {}

    def stopped(controller: str = "model"):
        if controller not in made:
            runtime, profile, rec = line_runtime(controller)
            runtime.run_for(30.0)
            runtime.submit(StopLine("op"))
            run_until(runtime, "stopped", 600.0)
            made[controller] = runtime, profile, rec
        return copy_line(*made[controller])

    return stopped


def test_bank_stays_in_bounds_through_a_normal_stop_two_minutes_and_a_start(normal_stop):
    runtime, profile, rec = normal_stop()
    snap = runtime.latest()
    assert snap.value("line_speed_m_min") == 0.0
    assert snap.value("gap_os_um") == pytest.approx(100.0, abs=5.0), "gap parked"
    assert snap.sequence.last_stop == "normal"
    assert profile.line.scrap_powder_kg == 0.0, "a normal stop makes no powder scrap"
    runtime.run_for(120.0)
    runtime.submit(StartLine("op"))
    run_until(runtime, "running", 900.0)
    runtime.run_for(120.0)
    low, high = rec.bank_between(0.0, rec.rows[-1][0])
    assert LOW <= low and high <= HIGH, f"bank {low:.2f} … {high:.2f} kg"
    snap = runtime.latest()
    assert snap.value("line_speed_m_min") == pytest.approx(50.0, abs=0.5), "back at speed"
    assert snap.value("areal_mass_mg_cm2") == pytest.approx(30.0, rel=0.015), "in spec"


def test_bank_stays_in_bounds_through_a_quick_stop_and_a_restart():
    runtime, profile, rec = line_runtime()
    runtime.run_for(30.0)
    gap = runtime.latest().value("gap_os_um")
    runtime.submit(StopLine("op", kind="quick"))
    runtime.run_for(5.0)
    snap = runtime.latest()
    assert snap.value("line_speed_m_min") == 0.0, "the drive stops within seconds"
    assert snap.value("mixer_divert_cmd") == 1.0, "the mixer empties to scrap"
    assert snap.value("gap_os_um") == pytest.approx(gap, abs=3.0), "gap held"
    run_until(runtime, "stopped", 600.0)
    assert runtime.latest().sequence.last_stop == "quick"
    assert profile.line.scrap_powder_kg > 5.0, "the mixer's hold-up went to scrap"
    runtime.submit(StartLine("op"))
    run_until(runtime, "running", 900.0)
    low, high = rec.bank_between(0.0, rec.rows[-1][0])
    assert LOW <= low and high <= HIGH, f"bank {low:.2f} … {high:.2f} kg"


@pytest.mark.parametrize("controller", ["model", "baseline"])
def test_a_normal_stop_draws_the_bank_down_rather_than_filling_it(normal_stop, controller):
    runtime, profile, rec = normal_stop(controller)
    runtime.run_for(120.0)
    low, high = rec.bank_between(0.0, rec.rows[-1][0])
    assert LOW <= low and high <= HIGH, f"bank {low:.2f} … {high:.2f} kg"


def test_energy_per_m2_does_not_move_while_the_line_stands(normal_stop):
    runtime, profile, rec = normal_stop()
    before = runtime.latest().value("energy_wh_per_m2")
    runtime.run_for(300.0)
    assert runtime.latest().value("energy_wh_per_m2") == pytest.approx(before, rel=1e-9)
    assert profile.line.standby_kwh > 0.0, "the standing line's heat is counted apart"
