"""copy_line, which lets tests share a run-up: a copy goes on exactly as the original would,
and nothing done to the copy reaches the original."""

from hmi.runtime.commands import WriteSetpoint
from tests.runtime.line import copy_line, line_runtime


def test_a_copy_goes_on_as_the_original_and_leaves_it_alone():
    runtime, profile, rec = line_runtime()
    runtime.run_for(2.0)
    ticks, rows = runtime.latest().tick, list(rec.rows)
    changed, changed_profile, _ = copy_line(runtime, profile, rec)
    assert changed.profile is changed_profile and changed_profile is not profile
    changed.submit(WriteSetpoint("line_speed_sp_m_min", 40.0, "op"))
    changed.run_for(1.0)
    assert changed.latest().values["line_speed_sp_m_min"] == 40.0
    assert runtime.latest().tick == ticks and rec.rows == rows, "the original did not move"
    twin, _, twin_rec = copy_line(runtime, profile, rec)
    runtime.run_for(1.0)
    twin.run_for(1.0)
    assert twin_rec.rows == rec.rows and twin.latest().values == runtime.latest().values
    assert runtime.latest().values["line_speed_sp_m_min"] == 50.0, "the copy's setpoint stayed"
