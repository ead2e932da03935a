"""A recipe load in the runtime: every setpoint in the same tick, all or none, the snapshot
naming the recipe and its version and marking it modified once a setpoint differs."""

from __future__ import annotations

from hmi.runtime import Runtime, SimClock, WriteSetpoint
from hmi.runtime.commands import LoadRecipe
from hmi.runtime.manual import SetpointRamps
from tests.runtime.fakes import EchoController, ScriptedProfile

PERIOD = 0.01
SETPOINTS = (
    ("areal_mass_target_mg_cm2", 22.0),
    ("areal_mass_tolerance_pct", 1.0),
    ("web_width_mm", 600.0),
    ("line_speed_sp_m_min", 20.0),
)


def make():
    controller = EchoController()
    # no setpoint ramp: what arrives when is the point here (ramps: test_manual.py)
    runtime = Runtime(
        ScriptedProfile(),
        controller,
        clock=SimClock(),
        period_s=PERIOD,
        ramps=SetpointRamps({}),
    )
    return runtime, controller


def load(**changes) -> LoadRecipe:
    fields = dict(
        name="NMC 22", version=3, hash="ab" * 32, setpoints=SETPOINTS, formulation=(), user="ann"
    )
    return LoadRecipe(**(fields | changes))


def test_every_setpoint_arrives_in_one_tick():
    runtime, controller = make()
    runtime.run_for(0.05)
    runtime.submit(load())
    runtime.run_for(PERIOD)
    changed = [
        i for i, inputs in enumerate(controller.inputs) if inputs.setpoints["web_width_mm"] == 600.0
    ]
    first = changed[0]
    before, after = controller.inputs[first - 1].setpoints, controller.inputs[first].setpoints
    for name, value in SETPOINTS:
        assert before[name] != value and after[name] == value  # all in the same tick
    snap = runtime.latest()
    assert (snap.recipe_name, snap.recipe_version, snap.recipe_modified) == ("NMC 22", 3, False)
    assert snap.recipe_text == "NMC 22 v3"


def test_a_setpoint_typed_afterwards_marks_the_recipe_modified():
    runtime, _ = make()
    runtime.submit(load())
    runtime.run_for(0.02)
    runtime.submit(WriteSetpoint("line_speed_sp_m_min", 25.0, "ann"))
    runtime.run_for(0.02)
    snap = runtime.latest()
    assert snap.recipe_modified and snap.recipe_text == "NMC 22 v3 (modified)"
    runtime.submit(WriteSetpoint("line_speed_sp_m_min", 20.0, "ann"))
    runtime.run_for(0.02)
    assert not runtime.latest().recipe_modified


def test_one_value_out_of_range_loads_nothing():
    runtime, controller = make()
    runtime.run_for(0.02)
    before = dict(controller.inputs[-1].setpoints)
    bad = (*SETPOINTS[:3], ("line_speed_sp_m_min", 500.0))
    runtime.submit(load(setpoints=bad))
    runtime.run_for(0.02)
    assert controller.inputs[-1].setpoints == before
    snap = runtime.latest()
    assert snap.recipe_version is None and any(
        "rejected: recipe NMC 22" in m for m in snap.messages
    )


def test_the_recipe_formulation_reaches_the_feed_split_of_each_controller():
    from hmi.control import make_controller

    for name in ("model", "baseline"):
        controller = make_controller(name, {"active": 0.95, "carbon": 0.03, "binder": 0.02}, 2.0)
        runtime = Runtime(ScriptedProfile(), controller, clock=SimClock(), period_s=PERIOD)
        runtime.submit(load(formulation=(("active", 0.96), ("carbon", 0.01), ("binder", 0.03))))
        runtime.run_for(0.02)
        config = controller.feed.config if name == "model" else controller.config
        assert dict(config.formulation) == {"active": 0.96, "carbon": 0.01, "binder": 0.03}


def test_a_recipe_load_reaches_the_emulated_lines_process_settings():
    from pathlib import Path

    from hmi.hardware import build_profile, load_profile

    root = Path(__file__).resolve().parents[2]
    profile = build_profile(load_profile(root / "hardware_profiles" / "emulated.toml"))
    runtime = Runtime(profile, EchoController(), clock=SimClock(), period_s=PERIOD)
    runtime.run_for(0.02)
    settings = (("laminate_temperature_sp_c", 150.0), ("densify_line_load_sp_kn_mm", 1.5))
    runtime.submit(load(setpoints=SETPOINTS[:2] + settings))
    runtime.run_for(PERIOD)
    eq = profile.line.equipment
    assert (eq.laminate_temperature_c, eq.densify_line_load_kn_mm) == (150.0, 1.5)
