from pathlib import Path

import pytest

from hmi.hardware.config import ProfileError, load_profile, parse_profile

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_emulated_profile_is_valid():
    config = load_profile(ROOT / "hardware_profiles" / "emulated.toml")
    assert config.profile.driver == "emulated"
    assert config.startup.areal_mass_target_mg_cm2 == 30.0


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
    with pytest.raises(ProfileError, match="emulated.equipment: unknown field.*roll_colour"):
        build_profile(parse_profile(text, Path("p.toml")))
