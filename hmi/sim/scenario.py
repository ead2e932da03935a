"""Scenario files (TOML): a recipe, a duration and a timed list of disturbance events.

Validated by pydantic; a file with an unknown event type, a missing field or a value out of
range is refused with a message naming the event and the field. See docs/scenarios.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from hmi.core.tags import tag
from hmi.core.toml_files import dotted, parse_model, read_text
from hmi.hardware.config import checked_formulation
from hmi.plant.equipment_check import checked_equipment
from hmi.recipes.io import RecipeFileError, load_recipe_file


class ScenarioError(ValueError):
    """A scenario file that cannot be run; the message names the file and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _range(name: str) -> dict[str, float]:
    t = tag(name)
    return {"ge": t.low, "le": t.high}


class ScenarioSection(_Strict):
    name: str = Field(min_length=1)
    duration_s: float = Field(gt=0, le=7 * 24 * 3600)
    seed: int = Field(default=0, ge=0)
    startup_s: float = Field(default=0.0, ge=0)  # excluded from the statistics
    # "running": in equilibrium at the recipe; "stopped": a cold line (empty mixer and bank,
    # gaps parked, rolls at temperature) that a `line_start` event starts
    start: Literal["running", "stopped"] = "running"
    # an event has settled when the areal-mass error stays within this band (default: a third
    # of the recipe's tolerance)
    settle_band_pct: float | None = Field(default=None, gt=0, le=20)


class RecipeSection(_Strict):
    """Inline, or `file = "../recipes/x.json"` (relative to the scenario) naming a recipe file
    whose values fill this section."""

    name: str = ""
    material: Literal["LFP", "NMC", "graphite"] = "LFP"
    areal_mass_mg_cm2: float = Field(**_range("areal_mass_target_mg_cm2"))
    width_mm: float = Field(default=1000.0, **_range("web_width_mm"))
    line_speed_m_min: float = Field(gt=0, le=tag("line_speed_sp_m_min").high)
    tolerance_pct: float = Field(default=1.5, gt=0, le=20)
    # rolls (coils) are cut at this length (m of film); the recipe model's range and default
    roll_length_m: float = Field(default=2000.0, ge=50.0, le=20_000.0)
    formulation: dict[str, float] | None = None  # None: the material's own
    file: str | None = None  # the recipe file it came from (kept for the report)

    @field_validator("formulation")
    @classmethod
    def _check_formulation(cls, fractions: dict[str, float] | None) -> dict[str, float] | None:
        return None if fractions is None else checked_formulation(fractions)


def _recipe_from_file(raw: dict[str, Any], base: Path) -> dict[str, Any]:
    """Replace `[recipe] file = ...` by the values of that recipe file."""
    section = raw.get("recipe")
    if not isinstance(section, dict) or "file" not in section:
        return raw
    extra = set(section) - {"file"}
    if extra:
        raise ValueError(f"recipe: a recipe named by file takes no other fields ({sorted(extra)})")
    name = section["file"]
    if not isinstance(name, str):
        raise ValueError("recipe.file: must be the path of a recipe JSON file")
    try:
        recipe = load_recipe_file(base / name)
    except RecipeFileError as exc:
        raise ValueError(f"recipe.file: {exc}") from None
    return raw | {
        "recipe": {
            "name": recipe.name,
            "material": recipe.material,
            "areal_mass_mg_cm2": recipe.areal_mass_target_mg_cm2,
            "width_mm": recipe.web_width_mm,
            "line_speed_m_min": recipe.line_speed_m_min,
            "tolerance_pct": recipe.areal_mass_tolerance_pct,
            "roll_length_m": recipe.roll_length_m,
            "formulation": recipe.formulation,
            "file": name,
        }
    }


class _Event(_Strict):
    at_s: float = Field(ge=0)


class BulkDensityStep(_Event):
    type: Literal["bulk_density_step"]
    magnitude: float = Field(ge=-0.5, le=0.5)  # fraction, 0.05 = +5 %


class PowderLot(_Event):
    type: Literal["powder_lot"]
    magnitude: float = Field(ge=-0.5, le=0.5)  # fraction of compaction resistance


class RollTemperatureStep(_Event):
    type: Literal["roll_temperature_step"]
    magnitude: float = Field(ge=-50, le=50)  # K


class Eccentricity(_Event):
    type: Literal["eccentricity"]
    amplitude_um: float = Field(ge=0, le=20)


class GaugeNoise(_Event):
    type: Literal["gauge_noise"]
    sigma_pct: float = Field(ge=0, le=10)


class GaugeFault(_Event):
    type: Literal["gauge_fault"]
    mode: Literal["stuck", "nan", "spike", "offset"]
    duration_s: float = Field(gt=0, le=3600)
    magnitude: float = Field(default=0.0, ge=-50, le=50)  # % of reading (spike, offset)


class FeederBridging(_Event):
    type: Literal["feeder_bridging"]
    feeder: Literal["active", "carbon", "binder"]
    severity: float = Field(ge=0, le=1)
    duration_s: float = Field(gt=0, le=3600)


class FeederRefill(_Event):
    type: Literal["feeder_refill"]
    feeder: Literal["active", "carbon", "binder"]


class SpeedChange(_Event):
    type: Literal["speed_change"]
    line_speed_m_min: float = Field(gt=0, le=tag("line_speed_sp_m_min").high)


class GradeChange(_Event):
    type: Literal["grade_change"]
    areal_mass_mg_cm2: float = Field(**_range("areal_mass_target_mg_cm2"))


class CommLoss(_Event):
    type: Literal["comm_loss"]
    duration_s: float = Field(gt=0, le=600)


class LineStop(_Event):
    type: Literal["line_stop"]
    kind: Literal["normal", "quick", "emergency"] = "normal"


class LineStart(_Event):
    type: Literal["line_start"]


class HydraulicNullShift(_Event):
    type: Literal["hydraulic_null_shift"]
    side: Literal["os", "ds"]
    magnitude_um: float = Field(ge=-50, le=50)


class GapSensorDrift(_Event):
    type: Literal["gap_sensor_drift"]
    side: Literal["os", "ds"]
    rate_um_per_min: float = Field(ge=-10, le=10)


Event = Annotated[
    BulkDensityStep
    | PowderLot
    | RollTemperatureStep
    | Eccentricity
    | GaugeNoise
    | GaugeFault
    | FeederBridging
    | FeederRefill
    | SpeedChange
    | GradeChange
    | CommLoss
    | LineStop
    | LineStart
    | HydraulicNullShift
    | GapSensorDrift,
    Field(discriminator="type"),
]

# Events that act on the setpoints or the link rather than on the plant's physics.
RUNTIME_EVENTS = ("speed_change", "grade_change", "comm_loss", "line_stop", "line_start")


class Scenario(_Strict):
    scenario: ScenarioSection
    recipe: RecipeSection
    equipment: dict[str, float] = Field(default_factory=dict)  # plant equipment overrides
    events: tuple[Event, ...] = ()

    @field_validator("equipment")
    @classmethod
    def _check_equipment(cls, values: dict[str, float], info: ValidationInfo) -> dict[str, float]:
        recipe = info.data.get("recipe")
        return checked_equipment(values, {"width_mm": recipe.width_mm} if recipe else None)

    @model_validator(mode="after")
    def _check_times(self) -> Scenario:
        s = self.scenario
        if s.startup_s >= s.duration_s:
            raise ValueError(f"scenario.startup_s ({s.startup_s:g}) must be below duration_s")
        for i, event in enumerate(self.events):
            if event.at_s > s.duration_s:
                raise ValueError(
                    f"events[{i}] ({event.type}).at_s: {event.at_s:g} s is after the end of the "
                    f"scenario ({s.duration_s:g} s)"
                )
        return self

    def timeline(self) -> list[Event]:
        return sorted(self.events, key=lambda e: e.at_s)


def _locate(loc: Sequence[Any], raw: dict[str, Any]) -> str:
    """Name an event by its index and type: `events[3] (type=gauge_fault): mode`."""
    if len(loc) >= 2 and loc[0] == "events" and isinstance(loc[1], int):
        events = raw.get("events") if isinstance(raw.get("events"), list) else []
        index = loc[1]
        event = events[index] if 0 <= index < len(events) else None
        kind = event.get("type", "?") if isinstance(event, dict) else "?"
        rest = [str(p) for p in loc[3:]]
        return f"events[{index}] (type={kind})" + (f": {'.'.join(rest)}" if rest else "")
    return dotted(loc)


def parse_scenario(text: str, path: Path) -> Scenario:
    base = Path(path).parent
    return parse_model(
        text,
        path,
        Scenario,
        ScenarioError,
        "scenario",
        _locate,
        lambda raw: _recipe_from_file(raw, base),
    )


def load_scenario(path: Path) -> Scenario:
    return parse_scenario(read_text(path, "scenario", ScenarioError), Path(path))
