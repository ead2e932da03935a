from pathlib import Path

import pytest

from hmi.hardware.config import ProfileError, load_profile, parse_profile

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_emulated_profile_is_valid():
    config = load_profile(ROOT / "hardware_profiles" / "emulated.toml")
    assert config.profile.driver == "emulated"
    assert config.startup.areal_mass_target_mg_cm2 == 30.0
    assert config.cell is None  # the headline figures use the recipe material's cell


def test_the_commented_cell_example_of_the_emulated_profile_is_valid(tmp_path):
    text = (ROOT / "hardware_profiles" / "emulated.toml").read_text(encoding="utf-8")
    start = text.index("# [cell]")
    example = "\n".join(line.removeprefix("# ") for line in text[start:].splitlines())
    path = tmp_path / "with-cell.toml"
    path.write_text(text[:start] + example + "\n", encoding="utf-8")
    cell = load_profile(path).cell
    assert cell is not None
    assert (cell.specific_capacity_mah_g, cell.cell_voltage_v) == (165.0, 3.2)
    assert (cell.utilisation_frac, cell.coated_sides) == (0.90, 2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[profile]\nname='x'\ndriver='modbus-xyz'\n", "profile.driver"),
        ("[profile]\nname='x'\n", "profile.driver: Field required"),
        ("[profile]\nname='x'\ndriver='emulated'\ncolour='red'\n", "profile.colour"),
        (
            "[profile]\nname='x'\ndriver='emulated'\n[startup]\nline_speed_sp_m_min=120\n",
            "startup.line_speed_sp_m_min: 120.0 is outside the allowed range 0 to 80 m/min",
        ),
        (
            "[profile]\nname='x'\ndriver='emulated'\n[emulated]\nmaterial='lead'\n",
            "emulated.material",
        ),
        ("[profile\n", "not valid TOML"),
    ],
)
def test_bad_profiles_are_refused_naming_the_field(text, message):
    with pytest.raises(ProfileError) as err:
        parse_profile(text, Path("bad.toml"))
    assert "bad.toml" in str(err.value)
    assert message in str(err.value)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ProfileError, match="cannot read hardware profile"):
        load_profile(tmp_path / "nope.toml")


def test_formulation_must_sum_to_one():
    text = (
        "[profile]\nname='x'\ndriver='emulated'\n[startup]\n"
        "formulation={active=0.9, carbon=0.03, binder=0.02}\n"
    )
    with pytest.raises(ProfileError, match="startup.formulation"):
        parse_profile(text, Path("bad.toml"))


def test_unknown_equipment_override_is_named():
    from hmi.hardware.config import build_profile

    text = "[profile]\nname='x'\ndriver='emulated'\n[emulated.equipment]\nroll_colour=3\n"
    with pytest.raises(ProfileError, match="emulated.equipment.roll_colour: unknown field"):
        build_profile(parse_profile(text, Path("p.toml")))


# ----- issue 9, item 5: nonsense configuration never reaches the outputs -----
NONSENSE = {
    "negative fractions": (
        "[startup]\nformulation = { active = 1.5, carbon = -0.3, binder = -0.2 }\n",
        "startup.formulation: active fraction 1.5 is out of range (allowed 0.001 to 1)",
    ),
    "nan fraction": (
        "[startup]\nformulation = { active = nan, carbon = 0.5, binder = 0.5 }\n",
        "startup.formulation.active: Input should be a finite number",
    ),
    "fractions not summing to 1": (
        "[startup]\nformulation = { active = 0.9, carbon = 0.03, binder = 0.02 }\n",
        "the fractions sum to 0.95; they must sum to 1",
    ),
    "absurd ambient": (
        "[emulated.equipment]\nambient_temperature_c = 1e308\n",
        "emulated.equipment.ambient_temperature_c: 1e+308 is out of range (allowed -20 to 50 °C)",
    ),
    "zero roll diameter": (
        "[emulated.equipment]\nroll_diameter_mm = 0\n",
        "emulated.equipment.roll_diameter_mm: 0 is out of range (allowed 100 to 2000 mm)",
    ),
    "cell capacity in Ah/g, not mAh/g": (
        "[cell]\nspecific_capacity_mah_g = 0.165\ncell_voltage_v = 3.2\n",
        "cell.specific_capacity_mah_g: 0.165 is out of range (allowed 50 to 4000 mAh/g)",
    ),
    "cell voltage": (
        "[cell]\nspecific_capacity_mah_g = 165\ncell_voltage_v = 32\n",
        "cell.cell_voltage_v: 32 is out of range (allowed 1 to 5 V)",
    ),
    "utilisation in %, not a fraction": (
        "[cell]\nspecific_capacity_mah_g = 165\ncell_voltage_v = 3.2\nutilisation_frac = 90\n",
        "cell.utilisation_frac: 90 is out of range (allowed 0.01 to 1)",
    ),
    "three coated sides": (
        "[cell]\nspecific_capacity_mah_g = 165\ncell_voltage_v = 3.2\ncoated_sides = 3\n",
        "cell.coated_sides: 3 is out of range (allowed 1 or 2)",
    ),
    "cell without its capacity": (
        "[cell]\ncell_voltage_v = 3.2\n",
        "cell.specific_capacity_mah_g: Field required",
    ),
    "inconsistent edge zones": (
        "[emulated.equipment]\ngauge_zones = 4\ngauge_edge_zones = 3\n",
        "gauge_edge_zones must be in [1, gauge_zones / 2]",
    ),
}


@pytest.mark.parametrize("case", NONSENSE, ids=list(NONSENSE))
def test_nonsense_configuration_is_refused_with_field_range_and_value(case, tmp_path):
    body, message = NONSENSE[case]
    path = tmp_path / "p.toml"
    path.write_text("[profile]\nname = 'x'\ndriver = 'emulated'\n" + body, encoding="utf-8")
    with pytest.raises(ProfileError) as refused:
        load_profile(path)
    assert message in str(refused.value) and str(path) in str(refused.value)
