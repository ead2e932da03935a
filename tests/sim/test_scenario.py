from pathlib import Path

import pytest

from hmi.sim.scenario import ScenarioError, load_scenario, parse_scenario

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "resources" / "scenarios").glob("*.toml"))

ISSUE_EXAMPLE = """
[scenario]
name = "grade change under thermal drift"
duration_s = 1800
seed = 7
startup_s = 120

[recipe]
material = "LFP"
areal_mass_mg_cm2 = 30.0
width_mm = 1000
line_speed_m_min = 50
tolerance_pct = 1.5

[[events]]
at_s = 300
type = "bulk_density_step"
magnitude = 0.05
[[events]]
at_s = 900
type = "grade_change"
areal_mass_mg_cm2 = 26.0
"""


def test_the_documented_schema_is_accepted():
    s = parse_scenario(ISSUE_EXAMPLE, Path("x.toml"))
    assert s.scenario.seed == 7 and s.recipe.material == "LFP"
    assert [e.type for e in s.timeline()] == ["bulk_density_step", "grade_change"]


def test_every_shipped_scenario_loads():
    assert len(SCENARIOS) >= 5
    names = {load_scenario(p).scenario.name for p in SCENARIOS}
    assert len(names) == len(SCENARIOS)


EVENT_SAMPLES = {
    "bulk_density_step": "magnitude = 0.05",
    "powder_lot": "magnitude = 0.1",
    "roll_temperature_step": "magnitude = 5",
    "eccentricity": "amplitude_um = 2",
    "gauge_noise": "sigma_pct = 0.5",
    "gauge_fault": 'mode = "stuck"\nduration_s = 10',
    "feeder_bridging": 'feeder = "binder"\nseverity = 0.5\nduration_s = 30',
    "feeder_refill": 'feeder = "active"',
    "speed_change": "line_speed_m_min = 40",
    "grade_change": "areal_mass_mg_cm2 = 26",
    "comm_loss": "duration_s = 5",
    "hydraulic_null_shift": 'side = "os"\nmagnitude_um = 3',
    "gap_sensor_drift": 'side = "ds"\nrate_um_per_min = 0.5',
    "line_stop": 'kind = "quick"',
    "line_start": "",
}


def with_event(body: str) -> str:
    head = ISSUE_EXAMPLE.split("[[events]]")[0]
    return head + "[[events]]\nat_s = 10\n" + body + "\n"


@pytest.mark.parametrize("kind", sorted(EVENT_SAMPLES))
def test_each_event_type_is_accepted(kind):
    s = parse_scenario(with_event(f'type = "{kind}"\n{EVENT_SAMPLES[kind]}'), Path("x.toml"))
    assert s.events[0].type == kind


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('type = "volcano"', "events[0] (type=volcano)"),
        (
            'type = "bulk_density_step"',
            "events[0] (type=bulk_density_step): magnitude: Field required",
        ),
        (
            'type = "bulk_density_step"\nmagnitude = 2',
            "events[0] (type=bulk_density_step): magnitude: Input should be less than or equal "
            "to 0.5",
        ),
        (
            'type = "feeder_bridging"\nfeeder = "sugar"\nseverity = 0.5\nduration_s = 3',
            "events[0] (type=feeder_bridging): feeder",
        ),
        (
            'type = "feeder_bridging"\nfeeder = "binder"\nseverity = 1.5\nduration_s = 3',
            "severity: Input should be less than or equal to 1",
        ),
        ('type = "gauge_fault"\nmode = "melted"\nduration_s = 3', "mode"),
        ('type = "comm_loss"\nduration_s = 5\ncolour = "red"', "colour: Extra inputs"),
    ],
)
def test_bad_events_are_refused_naming_event_and_field(body, message):
    with pytest.raises(ScenarioError) as err:
        parse_scenario(with_event(body), Path("bad.toml"))
    assert "bad.toml" in str(err.value)
    assert message in str(err.value)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('material = "LFP"', 'material = "lead"', "recipe.material"),
        ("areal_mass_mg_cm2 = 30.0", "areal_mass_mg_cm2 = 80.0", "recipe.areal_mass_mg_cm2"),
        ("startup_s = 120", "startup_s = 5000", "startup_s"),
        ("at_s = 900", "at_s = 9000", "events[1] (grade_change).at_s"),
        ("seed = 7", "", None),  # seed is optional
    ],
)
def test_bad_sections_are_refused_naming_the_field(old, new, message):
    text = ISSUE_EXAMPLE.replace(old, new)
    if message is None:
        assert parse_scenario(text, Path("x.toml")).scenario.seed == 0
        return
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text, Path("bad.toml"))
    assert message in str(err.value)


def test_unreadable_file_is_a_clear_error(tmp_path):
    with pytest.raises(ScenarioError, match="cannot read scenario"):
        load_scenario(tmp_path / "missing.toml")
