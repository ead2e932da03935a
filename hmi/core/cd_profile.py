"""How the gauge's cross-direction profile travels in a process image.

The scanning gauge closes one reading per CD zone (24 by default) each pass. The profile is not
a set of registry tags (it is not trended, alarmed or written one zone at a time); a profile
that has it puts each zone's latest reading in the image's values under `zone_key(j)` and the
count of completed passes under SCANS_KEY. Consumers that walk the registry never see them;
the quality monitor (hmi/quality/monitor.py) reads them. A profile without a CD gauge leaves
them out, and the Quality screen then says so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

SCANS_KEY = "gauge_scans_completed"
MAX_ZONES = 64


def zone_key(j: int) -> str:
    """Key of zone j (0 = operator side)."""
    return f"gauge_zone_{j + 1:02d}_mg_cm2"


ZONE_KEYS = tuple(zone_key(j) for j in range(MAX_ZONES))


def profile_values(profile: np.ndarray, scans: int) -> dict[str, float]:
    """The image values of a profile read OS → DS after `scans` passes."""
    out = dict(zip(ZONE_KEYS, (float(x) for x in profile), strict=False))
    out[SCANS_KEY] = float(scans)
    return out


def read_profile(values: Mapping[str, float]) -> np.ndarray | None:
    """The profile in `values`, OS → DS; None when the image carries none."""
    zones = []
    for key in ZONE_KEYS:
        v = values.get(key)
        if v is None:
            break
        zones.append(v)
    if not zones:
        return None
    return np.array(zones, dtype=float)


def scans_completed(values: Mapping[str, float]) -> int | None:
    v = values.get(SCANS_KEY)
    return int(v) if v is not None and math.isfinite(v) else None
