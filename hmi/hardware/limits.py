"""The machine's limits, for recipe validation: a profile's `[limits]` section, with defaults
from the emulated equipment (hmi/plant/equipment.py). A recipe that asks for more than the
machine can give is refused at save, at import and again at load."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from hmi.core.tags import FEEDERS

# Screw speed at which a loss-in-weight feeder tops out (a typical twin-screw feeder motor).
MAX_SCREW_RPM = 200.0


def _feeder_capacity() -> dict[str, float]:
    from hmi.plant import Equipment

    factors = Equipment().feeder_feed_factor_kg_rev  # kg/rev × rpm × 60 = kg/h
    return {f: round(factors[f] * MAX_SCREW_RPM * 60.0, 1) for f in FEEDERS}


class LimitsSection(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    max_web_width_mm: float = Field(default=1000.0, gt=0, le=2000)
    max_line_speed_m_min: float = Field(default=80.0, gt=0, le=200)
    feeder_capacity_kg_h: dict[str, float] = Field(default_factory=_feeder_capacity)
    max_roll_temperature_c: float = Field(default=150.0, gt=0, le=300)
    max_laminate_line_load_kn_mm: float = Field(default=4.0, gt=0, le=10)
    max_laminate_temperature_c: float = Field(default=200.0, gt=0, le=300)
    max_densify_line_load_kn_mm: float = Field(default=5.0, ge=0, le=20)
