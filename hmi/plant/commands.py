"""What the controllers and drives send the plant each tick."""

from __future__ import annotations

from typing import NamedTuple


class LineCommands(NamedTuple):  # a named tuple: built every tick (hmi.core.process)
    """What the controllers and drives ask of the line for one tick.

    feeder_sp_kg_h: keys "active", "carbon", "binder". gap_sp_um: keys "os", "ds", the unloaded
    roll gap setpoint S per side. line_speed_sp_m_min: drive speed setpoint. run: drive enable.
    divert: the reject gate at the conveyor's discharge sends the powder to the scrap bin
    instead of the bank (a quick or emergency stop empties the mixer that way).
    """

    feeder_sp_kg_h: dict[str, float]
    gap_sp_um: dict[str, float]
    line_speed_sp_m_min: float
    run: bool
    divert: bool = False
