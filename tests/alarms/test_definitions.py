"""The alarm file: declared once, checked against the tag registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from hmi.alarms import Condition, DefinitionError, Priority, definition, load_definitions
from hmi.core.tags import TAGS


def test_the_default_file_loads_and_names_registry_tags() -> None:
    defs = load_definitions()
    assert len(defs) >= 25
    for d in defs:
        assert d.tag in TAGS
        assert d.unit == ("%" if d.relative else TAGS[d.tag].unit)
    names = {d.name for d in defs}
    for expected in (
        "feeder_active_flow_deviation",
        "feeder_binder_hopper_low",
        "feeder_active_bridging",
        "bank_low",
        "bank_high",
        "gap_os_deviation",
        "gap_ds_deviation",
        "roll_force_os_high",
        "roll_temperature_high",
        "areal_mass_out_of_tolerance",
        "gauge_fault",
        "communication_loss",
        "runtime_overrun",
        "line_speed_low",
    ):
        assert expected in names
    assert {d.condition for d in defs} >= {
        Condition.HIGH,
        Condition.HIGH_HIGH,
        Condition.LOW,
        Condition.DEVIATION,
        Condition.RATE,
        Condition.FLAG,
    }
    assert {d.priority for d in defs} == set(Priority)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (dict(tag="no_such_tag", condition="high", limit=1), "not in the tag registry"),
        (dict(tag="bank_mass_kg", condition="high"), "needs a limit"),
        (dict(tag="bank_mass_kg", condition="high", limit=1e6), "outside bank_mass_kg's range"),
        (dict(tag="bank_mass_kg", condition="deviation", limit=1), "needs setpoint_tag"),
        (dict(tag="bank_mass_kg", condition="flag"), "needs flag"),
        (dict(tag="bank_mass_kg", condition="sideways", limit=1), "sideways"),
        (dict(tag="bank_mass_kg", condition="high", limit=1, deadband=-1), ">= 0"),
        (dict(tag="bank_mass_kg", condition="high", limit=1, suppress_when=["x"]), "unknown"),
        (dict(tag="bank_mass_kg", condition="high", limit=1, colour="red"), "colour"),
    ],
)
def test_bad_definitions_are_refused_with_the_alarm_named(fields, message) -> None:
    with pytest.raises(DefinitionError, match=message) as info:
        definition(name="bad_one", priority="high", **fields)
    assert "bad_one" in str(info.value)


def test_for_each_and_unknown_alarm_suppression(tmp_path: Path) -> None:
    f = tmp_path / "a.toml"
    f.write_text(
        '[[alarm]]\nfor_each = { side = ["os", "ds"] }\nname = "g_{side}"\n'
        'tag = "gap_{side}_um"\ncondition = "high"\nlimit = 500\npriority = "low"\n'
        'suppress_when = ["alarm:nope"]\n'
    )
    with pytest.raises(DefinitionError, match="no such alarm"):
        load_definitions(f)
    f.write_text(f.read_text().replace('["alarm:nope"]', '["alarm:g_os"]'))
    assert [d.tag for d in load_definitions(f)] == ["gap_os_um", "gap_ds_um"]
