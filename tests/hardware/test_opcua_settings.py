"""The opcua profile's sections: the shipped profile loads; a bad one is refused in one line
naming the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from hmi.hardware.config import ProfileError, driver_settings, load_profile, parse_profile
from hmi.hardware.opcua_settings import split_node
from tests.hardware.opcua_helpers import OPCUA_PROFILE


def test_shipped_opcua_profile_maps_every_tag_by_namespace_uri():
    settings = driver_settings(load_profile(OPCUA_PROFILE))
    uri = settings.link.namespace_uri
    assert split_node(settings.tags["gap_os_um"].node, uri) == (uri, "s=Line.gap_os_um")
    assert settings.security.policy == "None"  # the simulator on 127.0.0.1
    assert settings.tags["line_run_cmd"].type == "boolean"


def _edited(old: str, new: str) -> str:
    text = OPCUA_PROFILE.read_text(encoding="utf-8")
    assert old in text, old
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    "old, new, message",
    [
        ('node = "s=Line.gap_os_um"', 'node = "ns=2;s=Line.gap_os_um"',
         "tags.gap_os_um.node: 'ns=2;s=Line.gap_os_um': name the namespace by URI"),
        ('node = "s=Line.gap_ds_um"', 'node = "s=Line.gap_os_um"',
         "tags.gap_ds_um.node: s=Line.gap_os_um is already used by tags.gap_os_um.node"),
        ('node = "s=Line.bank_mass_kg"', 'node = "Line.bank_mass_kg"',
         "tags.bank_mass_kg.node: 'Line.bank_mass_kg': expected i=123, s=Name"),
        ('mode = "None"', 'mode = "SignAndEncrypt"',
         "security: mode: policy None goes with mode None"),
        ('endpoint = "opc.tcp://127.0.0.1:4841"', 'endpoint = "http://127.0.0.1:4841"',
         "link.endpoint: String should match pattern"),
        ('gap_os_sp_um = { node = "s=Line.gap_os_sp_um"',
         'gap_os_sp_um = { node = "s=X", group = "x"',
         "gap_os_sp_um"),  # a write has no group to check; the node id alone is fine
        ('line_speed_m_min = { node = "s=Line.line_speed_m_min" }', "",
         "tags: the controllers need line_speed_m_min read from the line; map them"),
        ('policy = "None"', 'policy = "None"\nusername = ""\npassword = "x"',
         "security: username: a password needs a user name"),
    ],
)  # fmt: skip
def test_bad_opcua_sections_are_refused_naming_file_and_field(old, new, message):
    text = _edited(old, new)
    if message == "gap_os_sp_um":
        parse_profile(text, Path("line.toml"))  # accepted
        return
    with pytest.raises(ProfileError) as err:
        parse_profile(text, Path("line.toml"))
    text = str(err.value)
    assert text.startswith("line.toml: invalid opcua settings: ") and "\n" not in text
    assert message in text, text
