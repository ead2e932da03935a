"""The line's equipment as the mimic and the faceplates show it: one table, in flow order.

Each entry names registry tags only. Captions, units, decimals, ranges and write roles come
from the tag registry; alarm limits and priorities from the alarm definitions. Adding a piece
of equipment, or a value to one, is an edit to this table and nothing else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache

from hmi.alarms import load_definitions
from hmi.alarms.definitions import AlarmDefinition, Condition
from hmi.core.tags import FEEDERS, TAGS


@dataclass(frozen=True)
class Bar:
    """An analog indicator: `tag` within `low`..`high` (None: the registry's range)."""

    tag: str
    low: float | None = None
    high: float | None = None

    @property
    def span(self) -> tuple[float, float]:
        t = TAGS[self.tag]
        return (t.low if self.low is None else self.low, t.high if self.high is None else self.high)


@dataclass(frozen=True)
class Equipment:
    key: str
    title: str
    shown: tuple[str, ...]  # on the mimic, in order
    detail: tuple[str, ...] = ()  # on the faceplate as well
    setpoints: tuple[str, ...] = ()  # entered on the faceplate (the mimic shows the first)
    bars: tuple[Bar, ...] = ()
    trend: str = ""  # the faceplate's small trend
    symbol: str = ""  # how the mimic draws it
    captions: dict[str, str] = field(default_factory=dict)  # short mimic captions
    status: tuple[tuple[str, str], ...] = ()  # (0/1 tag, the words shown while it is 1)
    short: str = ""  # the mimic's title, if shorter than `title`
    columns: int = 1  # values side by side on the mimic (OS | DS)
    corrections: tuple[str, ...] = ()  # faceplate values that are controller contributions

    @property
    def short_title(self) -> str:
        return self.short or self.title

    @property
    def tags(self) -> tuple[str, ...]:
        seen = dict.fromkeys(
            self.shown + self.detail + self.setpoints + tuple(b.tag for b in self.bars)
        )
        return tuple(seen)

    def caption(self, name: str) -> str:
        if name in self.captions:
            return self.captions[name]
        return TAGS[name].description.split(",", 1)[0]


SHORT_NAMES = {"carbon": "Carbon"}  # the mimic's feeder titles where the material is long


def _feeder(kind: str) -> Equipment:
    flow, sp, hopper = (f"feeder_{kind}_{s}" for s in ("flow_kg_h", "sp_kg_h", "hopper_kg"))
    material = TAGS[flow].description.split(",", 1)[1].strip()
    return Equipment(
        f"feeder_{kind}",
        f"Feeder, {material}",
        (flow,),
        (sp, hopper, f"feeder_{kind}_refilling"),
        setpoints=("hopper_refill_request_sp_frac", "hopper_refill_complete_sp_frac"),
        bars=(Bar(hopper),),
        trend=flow,
        symbol="hopper",
        captions={flow: "", hopper: "Hopper"},
        status=((f"feeder_{kind}_refilling", "REFILLING"),),
        short=SHORT_NAMES.get(kind, material[:1].upper() + material[1:]),
    )


FEEDER_EQUIPMENT: tuple[Equipment, ...] = tuple(_feeder(k) for k in FEEDERS)
LINE: tuple[Equipment, ...] = (
    *FEEDER_EQUIPMENT,
    Equipment(
        "mixer",
        "Mixer",
        ("mixer_temperature_c", "feed_total_sp_kg_h"),
        ("feed_feedforward_kg_h", "feed_bank_trim_kg_h", "feed_recycle_kg_h", "line_power_kw"),
        corrections=("feed_feedforward_kg_h",),
        trend="mixer_temperature_c",
        symbol="mixer",
        captions={"mixer_temperature_c": "Temp.", "feed_total_sp_kg_h": "Feed"},
    ),
    Equipment(
        "nip",
        "Nip 1",
        ("gap_os_um", "gap_ds_um", "roll_force_os_kn", "roll_force_ds_kn", "line_speed_m_min"),
        ("gap_os_sp_um", "gap_ds_sp_um", "roll_temperature_c"),  # + the controller's terms
        setpoints=("line_speed_sp_m_min", "roll_temperature_sp_c", "web_width_mm"),
        bars=(Bar("bank_mass_kg", 0.0, 12.0),),
        trend="gap_os_um",
        symbol="rolls",
        columns=2,
        captions={
            "gap_os_um": "Gap OS",
            "gap_ds_um": "Gap DS",
            "roll_force_os_kn": "Force OS",
            "roll_force_ds_kn": "Force DS",
            "line_speed_m_min": "Speed",
        },
    ),
    Equipment(
        "densify",
        "Densify",
        ("densify_line_load_sp_kn_mm",),
        setpoints=("densify_line_load_sp_kn_mm",),
        symbol="rolls_small",
        captions={"densify_line_load_sp_kn_mm": "Load"},
    ),
    Equipment(
        "laminate",
        "Laminate",
        ("laminate_line_load_sp_kn_mm", "laminate_temperature_sp_c"),
        setpoints=("laminate_line_load_sp_kn_mm", "laminate_temperature_sp_c"),
        symbol="laminate",
        captions={"laminate_line_load_sp_kn_mm": "Load", "laminate_temperature_sp_c": "Temp."},
    ),
    Equipment(
        "gauge",
        "Gauge",
        ("areal_mass_mg_cm2", "thickness_um"),
        ("areal_mass_os_mg_cm2", "areal_mass_ds_mg_cm2", "areal_mass_predicted_mg_cm2"),
        setpoints=("areal_mass_target_mg_cm2", "areal_mass_tolerance_pct"),
        trend="areal_mass_mg_cm2",
        symbol="gauge",
        captions={"areal_mass_mg_cm2": "Areal mass", "thickness_um": "Thickness"},
    ),
    Equipment(
        "rewind",
        "Rewind",
        ("offspec_length_m", "energy_wh_per_m2"),
        symbol="rewind",
        captions={"offspec_length_m": "Off-spec", "energy_wh_per_m2": "Energy"},
    ),
)
RECYCLE_TAG = "recycle_flow_kg_h"  # the edge trim drawn back to the mixer
BY_KEY = {e.key: e for e in LINE}


@cache
def limits(name: str) -> tuple[tuple[float, int, str], ...]:
    """(limit, priority, condition) of the fixed-limit alarms on tag `name`."""
    fixed = (Condition.HIGH, Condition.HIGH_HIGH, Condition.LOW, Condition.LOW_LOW)
    return tuple(
        (d.limit, int(d.priority), d.condition.value)
        for d in _definitions()
        if d.tag == name and d.condition in fixed and math.isfinite(d.limit)
    )


@cache
def _definitions() -> tuple[AlarmDefinition, ...]:
    return tuple(load_definitions())
