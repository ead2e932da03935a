"""The records that cross the hardware boundary each tick: immutable, and picklable with their
defaults (an image or a command may go to another process)."""

from __future__ import annotations

import pickle

import pytest

from hmi.control.base import ControlInputs, ControlResult
from hmi.core.process import Outputs, ProcessImage, Quality
from hmi.plant.commands import LineCommands


def test_an_image_with_its_default_maps_pickles_and_stays_read_only() -> None:
    image = ProcessImage(1.5, {"bank_mass_kg": 5.0})
    back = pickle.loads(pickle.dumps(image))
    assert back == image and back.quality == {} and back.age_s == {}
    assert back.is_good("bank_mass_kg") and not back.is_good("line_speed_m_min")
    with pytest.raises(TypeError):
        image.quality["bank_mass_kg"] = Quality.BAD  # type: ignore[index]
    with pytest.raises(AttributeError):
        image.t_s = 2.0  # type: ignore[misc]


def test_the_other_tick_records_pickle() -> None:
    records = (
        Outputs({"gap_os_sp_um": 80.0}),
        ControlInputs({"line_speed_sp_m_min": 30.0}, True, "auto"),
        ControlResult({"gap_os_sp_um": 80.0}, {}),
        LineCommands({"active": 1.0}, {"os": 80.0, "ds": 80.0}, 30.0, True),
    )
    for record in records:
        assert pickle.loads(pickle.dumps(record)) == record
