"""A recipe: one product the line makes, with every setting a line change needs.

Units are in the field names; each field has a range (the widest any line of this class has:
the machine's own limits narrow it, see limits.py). Values derived from these — feed rates,
throughput, thickness, energy per m² — are computed (derived.py), never typed.
"""

from __future__ import annotations

import hashlib
import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hmi.plant import MATERIALS

SCHEMA_VERSION = 1

# Field -> the label and unit an operator reads (messages never show field names alone).
LABELS: dict[str, tuple[str, str]] = {
    "name": ("Name", ""),
    "material": ("Material", ""),
    "foil": ("Foil", ""),
    "cell_type": ("Cell type", ""),
    "active_frac": ("Active material fraction", ""),
    "carbon_frac": ("Conductive carbon fraction", ""),
    "binder_frac": ("PTFE binder fraction", ""),
    "areal_mass_target_mg_cm2": ("Target areal mass", "mg/cm²"),
    "areal_mass_tolerance_pct": ("Areal mass tolerance", "%"),
    "web_width_mm": ("Web width", "mm"),
    "line_speed_m_min": ("Line speed", "m/min"),
    "roll_temperature_c": ("Nip-1 roll temperature", "°C"),
    "densify_line_load_kn_mm": ("Densification line load", "kN/mm"),
    "laminate_line_load_kn_mm": ("Lamination line load", "kN/mm"),
    "laminate_temperature_c": ("Lamination temperature", "°C"),
    "gap_setup_um": ("Gap set-up start value", "µm"),
    "hopper_refill_request_frac": ("Hopper refill request level", ""),
    "hopper_refill_complete_frac": ("Hopper refill complete level", ""),
    "roll_length_m": ("Roll (coil) length", "m"),
    "notes": ("Notes", ""),
}


def label(field: str) -> str:
    text, unit = LABELS.get(field, (field, ""))
    return f"{text} ({unit})" if unit else text


class Recipe(BaseModel):
    """One product. Frozen: a change is a new version (see store.py)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str = Field(min_length=1, max_length=64)
    material: str = "LFP"
    foil: Literal["Al", "Cu"] = "Al"
    cell_type: Literal["conventional", "solid-state"] = "conventional"
    active_frac: float = Field(default=0.95, gt=0.0, le=1.0)
    carbon_frac: float = Field(default=0.03, ge=0.0, le=1.0)
    binder_frac: float = Field(default=0.02, ge=0.0, le=1.0)
    areal_mass_target_mg_cm2: float = Field(ge=10.0, le=50.0)
    areal_mass_tolerance_pct: float = Field(default=1.5, ge=0.1, le=20.0)
    web_width_mm: float = Field(default=1000.0, ge=100.0, le=1000.0)
    line_speed_m_min: float = Field(ge=1.0, le=80.0)
    roll_temperature_c: float = Field(default=80.0, ge=20.0, le=200.0)
    densify_line_load_kn_mm: float = Field(default=1.0, ge=0.0, le=10.0)
    laminate_line_load_kn_mm: float = Field(default=1.0, ge=0.2, le=4.0)
    laminate_temperature_c: float = Field(default=120.0, ge=60.0, le=200.0)
    gap_setup_um: float | None = Field(default=None, ge=10.0, le=500.0)  # None: from the model
    hopper_refill_request_frac: float = Field(default=0.2, ge=0.05, le=0.8)
    hopper_refill_complete_frac: float = Field(default=0.9, ge=0.2, le=1.0)
    roll_length_m: float = Field(default=2000.0, ge=50.0, le=20_000.0)
    notes: str = Field(default="", max_length=2000)

    @field_validator("material")
    @classmethod
    def _known_material(cls, value: str) -> str:
        if value not in MATERIALS:
            raise ValueError(f"{value!r} is not a known material ({', '.join(MATERIALS)})")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Recipe:
        total = self.active_frac + self.carbon_frac + self.binder_frac
        if abs(total - 1.0) > 1e-6:
            raise ValueError(
                f"the active, carbon and binder fractions sum to {total:g}; they must sum to 1"
            )
        if not self.hopper_refill_request_frac < self.hopper_refill_complete_frac:
            raise ValueError(
                "the hopper refill request level must be below the refill complete level"
            )
        return self

    @property
    def formulation(self) -> dict[str, float]:
        return {"active": self.active_frac, "carbon": self.carbon_frac, "binder": self.binder_frac}

    def content(self) -> dict[str, object]:
        """The recipe's fields as plain JSON data (what is hashed and exported)."""
        return self.model_dump(mode="json")

    def content_hash(self) -> str:
        """sha256 of the canonical JSON of the content: what a signature binds to."""
        text = json.dumps(self.content(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def setpoints(self) -> dict[str, float]:
        """The registry setpoints this recipe sets on the line when it is loaded."""
        return {
            "areal_mass_target_mg_cm2": self.areal_mass_target_mg_cm2,
            "areal_mass_tolerance_pct": self.areal_mass_tolerance_pct,
            "web_width_mm": self.web_width_mm,
            "line_speed_sp_m_min": self.line_speed_m_min,
        }


def field_diff(a: Recipe, b: Recipe) -> list[tuple[str, object, object]]:
    """(field, a's value, b's value) for every field that differs, in declaration order."""
    da, db = a.content(), b.content()
    return [(f, da[f], db[f]) for f in Recipe.model_fields if da[f] != db[f]]
