"""Qt-free physics of a dry-electrode calender line, for the emulated hardware profile.

Feeders → mixer → powder bank → nip 1 (OS/DS) → web transport → areal-mass/thickness gauge.
Measurements are keyed by the tag names of `hmi.core.tags`.
"""

from hmi.plant.commands import LineCommands
from hmi.plant.equipment import Equipment
from hmi.plant.line import Line
from hmi.plant.materials import GRAPHITE, LFP, MATERIALS, NMC, Material

__all__ = ["Equipment", "GRAPHITE", "LFP", "Line", "LineCommands", "MATERIALS", "Material", "NMC"]
