"""The tag map of the Modbus profiles: checked against the tag registry at load time, each
mistake refused naming the file and the field; values converted both ways."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from hmi.hardware.codec import decode, encode
from hmi.hardware.config import ProfileError, driver_settings, load_profile, parse_profile
from hmi.hardware.modbus import read_plan
from hmi.hardware.tagmap import TagEntry
from tests.hardware.fieldbus_helpers import RTU_PROFILE, TCP_PROFILE


def test_shipped_modbus_profiles_load_and_read_contiguous_registers_in_few_requests():
    for path in (TCP_PROFILE, RTU_PROFILE):
        settings = driver_settings(load_profile(path), path)
        plan = read_plan(settings)
        # every fast measured value plus the heartbeat: one register request and one for bits
        assert [b.table for b in plan["fast"]] == ["discrete_input", "input_register"]
        assert "plc_heartbeat" in plan["fast"][1].tags


def _edited(path: Path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("areal_mass_mg_cm2 = {", "areal_mass_gsm = {",
         "tags.areal_mass_gsm: 'areal_mass_gsm' is not a tag"),
        (
            'gap_os_sp_um = { table = "holding_register"',
            'gap_os_sp_um = { table = "input_register"',
            "tags.gap_os_sp_um.table: Roll gap actuator setpoint, operator side is written, but "
            "input_register is read-only; use holding_register",
        ),
        (
            'gap_ds_um = { table = "input_register", address = 14',
            'gap_ds_um = { table = "input_register", address = 13',
            "tags.gap_ds_um.address: input_register 13 is already used by tags.gap_os_um",
        ),
        (
            'areal_mass_mg_cm2 = { table = "input_register", address = 2, type = "float32" }\n',
            "",
            "tags: the controllers need areal_mass_mg_cm2 read from the line; map them",
        ),
        ('line_run_cmd = { table = "coil", address = 0, type = "bool" }\n', "",
         "tags: the controllers command line_run_cmd"),
        ('group = "slow"', 'group = "hourly"', "group: no poll group 'hourly'"),
        ("line_speed_out_m_min = 0\n", "line_speed_out_m_min = 500\n",
         "safe_state.line_speed_out_m_min: 500 is outside 0 to 100 m/min"),
        ("port = 5020", "port = 99999", "link.port: Input should be less than or equal to 65535"),
        ('hmi_watchdog = { table = "holding_register", address = 0 }',
         'hmi_watchdog = { table = "holding_register", address = 10 }',
         "heartbeat.hmi_watchdog.address: holding_register 10 is already used by "
         "tags.gap_os_sp_um"),
    ],
)  # fmt: skip
def test_bad_tag_maps_are_refused_naming_file_and_field(old, new, message):
    text = _edited(TCP_PROFILE, old, new)
    with pytest.raises(ProfileError) as err:
        parse_profile(text, Path("line.toml"))
    assert "line.toml" in str(err.value)
    assert message in str(err.value)


def test_a_scale_the_raw_type_cannot_hold_is_refused_with_the_range():
    text = _edited(
        RTU_PROFILE,
        'gap_os_um = { table = "input_register", address = 6, type = "uint16", scale = 0.02 }',
        'gap_os_um = { table = "input_register", address = 6, type = "uint16", scale = 0.001 }',
    )
    with pytest.raises(ProfileError) as err:
        parse_profile(text, Path("rtu.toml"))
    assert "tags.gap_os_um.scale: 0 to 1000 µm needs raw 0 to 1e+06, beyond uint16" in str(
        err.value
    )


def test_an_unknown_driver_is_refused_listing_the_known_ones():
    with pytest.raises(ProfileError) as err:
        parse_profile("[profile]\nname='x'\ndriver='opc_ua'\n", Path("x.toml"))
    assert "profile.driver" in str(err.value) and "modbus_tcp" in str(err.value)


def test_the_emulated_driver_refuses_fieldbus_sections():
    with pytest.raises(ProfileError, match="has no section"):
        parse_profile("[profile]\nname='x'\ndriver='emulated'\n[tags]\n", Path("x.toml"))


@pytest.mark.parametrize(
    ("kind", "order", "value"),
    [("float32", "big", 29.875), ("float32", "little", -3.5), ("int32", "little", -70000.0),
     ("uint32", "big", 4_000_000_000.0), ("int16", "big", -12.0), ("uint16", "big", 65535.0)],
)  # fmt: skip
def test_values_survive_the_round_trip_through_registers(kind, order, value):
    entry = TagEntry(table="holding_register", address=0, type=kind, word_order=order)
    raw, back = decode(entry, encode(entry, value))
    assert back == pytest.approx(value)


def test_scaled_values_are_rounded_and_saturate_instead_of_wrapping():
    entry = TagEntry(table="holding_register", address=0, type="uint16", scale=0.02)
    assert encode(entry, 123.45) == [6172]  # 123.44 µm: the nearest step of 0.02
    assert encode(entry, 5000.0) == [65535]
    assert encode(entry, -1.0) == [0]
    assert decode(entry, [6172]) == (6172.0, pytest.approx(123.44))
    with pytest.raises(ValueError):
        encode(entry, math.nan)
