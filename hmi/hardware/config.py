"""Hardware profile files (TOML), validated by pydantic with errors that name the field."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hmi.core.tags import FEEDERS, TagRangeError, tag
from hmi.core.toml_files import parse_model, read_text
from hmi.hardware import drivers
from hmi.hardware.base import HardwareProfile
from hmi.hardware.limits import LimitsSection
from hmi.plant.equipment_check import checked_equipment


class ProfileError(ValueError):
    """A profile file that cannot be used; the message names the file and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class ProfileSection(_Strict):
    name: str = Field(min_length=1)
    driver: str  # a name of hmi/hardware/drivers.py's registry

    @field_validator("driver")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in drivers.DRIVERS:
            raise ValueError(f"no driver {value!r}; known: {', '.join(sorted(drivers.DRIVERS))}")
        return value


class StartupSection(_Strict):
    """What the line starts with. Values are checked against the tag registry's ranges."""

    recipe_name: str = "LFP 30 mg/cm²"
    areal_mass_target_mg_cm2: float = 30.0
    line_speed_sp_m_min: float = 50.0
    web_width_mm: float = 1000.0
    areal_mass_tolerance_pct: float = 1.5
    running: bool = True
    # mass fractions of the feeders, until recipes carry the formulation
    formulation: dict[Literal["active", "carbon", "binder"], float] = Field(
        default_factory=lambda: {"active": 0.95, "carbon": 0.03, "binder": 0.02}
    )

    @field_validator("formulation")
    @classmethod
    def _check_formulation(cls, fractions: dict[str, float]) -> dict[str, float]:
        return checked_formulation(fractions)


class LineSection(_Strict):
    """Geometry and machine data of the line that the controllers need, whatever the driver.
    Defaults are the emulated equipment's (hmi/plant/equipment.py)."""

    gauge_distance_m: float = Field(default=2.0, gt=0.05, le=20.0)  # nip to gauge, along the web
    gauge_scan_time_s: float = Field(default=8.0, gt=0.0, le=600.0)  # one pass of the scanner
    roll_diameter_mm: float = Field(default=800.0, gt=0.0, le=3000.0)  # nip-1 rolls
    mill_modulus_kn_um: float = Field(default=2.5, gt=0.0, le=100.0)  # per side, h = S + F/M
    thermal_gap_um_per_k: float = Field(default=-9.0, ge=-100.0, le=100.0)  # −α·D
    roll_growth_time_constant_s: float = Field(default=300.0, ge=0.0, le=36_000.0)
    trim_width_frac: float = Field(default=0.03, ge=0.0, lt=0.5)  # edge trim, recycled
    mixer_residence_s: float = Field(default=45.0, gt=0.0, le=3600.0)
    conveyor_delay_s: float = Field(default=5.0, ge=0.0, le=3600.0)  # mixer to bank
    recycle_delay_s: float = Field(default=60.0, ge=0.0, le=3600.0)  # knife to mixer
    bank_intake_scale_kg: float = Field(default=1.0, gt=0.0, le=100.0)  # B_c in φ(B)


class EmulatedSection(_Strict):
    material: Literal["LFP", "NMC", "graphite"] = "LFP"
    seed: int = Field(default=1, ge=0)
    equipment: dict[str, float] = Field(default_factory=dict)  # overrides of plant defaults


def _in_range(value: float, low: float, high: float, unit: str) -> float:
    """`value` if low ≤ value ≤ high, else ValueError naming value and range (as the
    equipment overrides do: "0 is out of range (allowed 50 to 4000 mAh/g)")."""
    if not low <= value <= high:
        raise ValueError(f"{value:g} is out of range (allowed {low:g} to {high:g}{unit})")
    return value


class CellSection(_Strict):
    """The cell the electrode goes into, for the headline figures (cell Wh per m², GWh a year,
    kWh per kWh of cell). Optional: without it, the defaults for the recipe's material apply
    (hmi/quality/kpis.py, `CELLS`). It applies to every recipe this line runs."""

    specific_capacity_mah_g: float  # practical, of the active material
    cell_voltage_v: float  # nominal, of the cell
    utilisation_frac: float = 0.85  # share of the year making electrode (kpis.UTILISATION)
    coated_sides: int = 1  # sides of the foil carrying a film of the measured areal mass

    # wide enough for any chemistry in use or research (LTO 175, silicon 3579 mAh/g; Li–S 2.1
    # V, LTO 2.4 V, high-voltage cathodes 4.7 V), narrow enough to catch a wrong unit
    @field_validator("specific_capacity_mah_g")
    @classmethod
    def _capacity(cls, value: float) -> float:
        return _in_range(value, 50.0, 4000.0, " mAh/g")

    @field_validator("cell_voltage_v")
    @classmethod
    def _voltage(cls, value: float) -> float:
        return _in_range(value, 1.0, 5.0, " V")

    @field_validator("utilisation_frac")
    @classmethod
    def _utilisation(cls, value: float) -> float:
        return _in_range(value, 0.01, 1.0, "")

    @field_validator("coated_sides")
    @classmethod
    def _sides(cls, value: int) -> int:
        if value not in (1, 2):
            raise ValueError(f"{value} is out of range (allowed 1 or 2)")
        return value


class ProfileConfig(_Strict):
    """The sections every profile has; further sections belong to the driver and are
    validated by the driver's settings model (see `driver_settings`)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    profile: ProfileSection
    startup: StartupSection = StartupSection()
    line: LineSection = LineSection()
    # the plant the emulated driver runs in-process, and the PLC simulator behind a fieldbus
    emulated: EmulatedSection = EmulatedSection()
    limits: LimitsSection = LimitsSection()  # what recipes may ask of this machine
    cell: CellSection | None = None  # the headline figures' cell; None: per-material defaults


def driver_settings(config: ProfileConfig, path: Path | str = "profile") -> Any:
    """The driver's own sections, validated by its settings model (None if it has none).
    Raises ProfileError naming the file and each field."""
    entry = drivers.entry(config.profile.driver)
    extra = dict(config.model_extra or {})
    if entry.settings is None:
        if extra:
            raise ProfileError(
                f"{path}: driver {config.profile.driver!r} has no section(s) "
                f"{', '.join(sorted(extra))}"
            )
        return None
    model = drivers.load(entry.settings)
    try:
        return model.model_validate(extra)
    except ValidationError as exc:
        problems = []
        for item in exc.errors():
            where = ".".join(str(p) for p in item["loc"])
            message = str(item["msg"]).removeprefix("Value error, ")
            problems.append(f"{where}: {message}" if where else message)
        # one line, as every loader error (the CLI prints it as it is)
        raise ProfileError(
            f"{path}: invalid {config.profile.driver} settings: " + "; ".join(problems)
        ) from None
    except RecursionError:
        raise ProfileError(f"{path}: invalid {config.profile.driver} settings") from None


STARTUP_SETPOINTS = (
    "areal_mass_target_mg_cm2",
    "line_speed_sp_m_min",
    "web_width_mm",
    "areal_mass_tolerance_pct",
)


def checked_formulation(fractions: Mapping[str, float]) -> dict[str, float]:
    """Mass fractions of the three feeders: each a finite number in [0, 1] (active material
    above 0), all three given, summing to 1; else ValueError saying which and why."""
    if set(fractions) != set(FEEDERS):
        raise ValueError(f"needs the fractions {', '.join(FEEDERS)} (got {', '.join(fractions)})")
    for name, value in fractions.items():
        low = 0.0 if name != "active" else 1e-3
        if not (math.isfinite(value) and low <= value <= 1.0):
            raise ValueError(f"{name} fraction {value:g} is out of range (allowed {low:g} to 1)")
    total = sum(fractions.values())
    if abs(total - 1.0) > 1e-6:
        raise ValueError(f"the fractions sum to {total:g}; they must sum to 1")
    return dict(fractions)


def parse_profile(text: str, path: Path) -> ProfileConfig:
    config = parse_model(text, path, ProfileConfig, ProfileError, "hardware profile")
    for name in STARTUP_SETPOINTS:
        try:
            tag(name).check(getattr(config.startup, name))
        except TagRangeError as exc:
            raise ProfileError(f"{path}: startup.{exc}") from None
    geometry = {
        "width_mm": config.startup.web_width_mm,
        "gauge_distance_m": config.line.gauge_distance_m,
    }
    try:
        checked_equipment(config.emulated.equipment, geometry, "emulated.equipment.")
    except ValueError as exc:
        raise ProfileError(f"{path}: invalid hardware profile: {exc}") from None
    driver_settings(config, path)  # refuse a bad tag map at load time, not at connect
    return config


def load_profile(path: Path) -> ProfileConfig:
    return parse_profile(read_text(path, "hardware profile", ProfileError), Path(path))


def build_profile(config: ProfileConfig) -> HardwareProfile:
    """Instantiate the driver a profile names, through the driver registry."""
    entry = drivers.entry(config.profile.driver)
    factory = drivers.load(entry.factory)
    settings = driver_settings(config)
    return factory(config) if settings is None else factory(config, settings)
