"""Qt-free physics of a dry-electrode calender line, for the emulated hardware profile.

Loss-in-weight feeders → mixer (fibrillation) → conveyor → powder bank → nip 1 (OS/DS, gap
actuators, rolls) → web transport → scanning areal-mass/thickness gauge → edge trim (recycled
to the mixer) → densification → lamination. `Line.measurements()` is keyed by the tag names of
`hmi.core.tags`; `line.disturb` (a `Disturbances`) injects the scenario events; the true state
for statistics is on the `Line` itself (truth.py).
"""

from hmi.plant.commands import LineCommands
from hmi.plant.disturbances import Disturbances
from hmi.plant.downstream import Electrode
from hmi.plant.equipment import Equipment
from hmi.plant.line import Line
from hmi.plant.materials import GRAPHITE, LFP, MATERIALS, NMC, Material

__all__ = [
    "Disturbances",
    "Electrode",
    "Equipment",
    "GRAPHITE",
    "LFP",
    "Line",
    "LineCommands",
    "MATERIALS",
    "Material",
    "NMC",
]
