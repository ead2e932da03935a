"""Hardware profile files (TOML), validated by pydantic with errors that name the field."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hmi.core.tags import TagRangeError, tag
from hmi.core.toml_files import parse_model, read_text
from hmi.hardware.base import HardwareProfile


class ProfileError(ValueError):
    """A profile file that cannot be used; the message names the file and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProfileSection(_Strict):
    name: str = Field(min_length=1)
    driver: Literal["emulated"]  # modbus-rtu, modbus-tcp and opc-ua drivers come later


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


class ProfileConfig(_Strict):
    profile: ProfileSection
    startup: StartupSection = StartupSection()
    line: LineSection = LineSection()
    emulated: EmulatedSection = EmulatedSection()


STARTUP_SETPOINTS = (
    "areal_mass_target_mg_cm2",
    "line_speed_sp_m_min",
    "web_width_mm",
    "areal_mass_tolerance_pct",
)


def parse_profile(text: str, path: Path) -> ProfileConfig:
    config = parse_model(text, path, ProfileConfig, ProfileError, "hardware profile")
    fractions = config.startup.formulation
    if set(fractions) != {"active", "carbon", "binder"} or abs(sum(fractions.values()) - 1) > 1e-6:
        raise ProfileError(
            f"{path}: startup.formulation: needs active, carbon and binder fractions summing to 1 "
            f"(got {dict(fractions)})"
        )
    for name in STARTUP_SETPOINTS:
        try:
            tag(name).check(getattr(config.startup, name))
        except TagRangeError as exc:
            raise ProfileError(f"{path}: startup.{exc}") from None
    return config


def load_profile(path: Path) -> ProfileConfig:
    return parse_profile(read_text(path, "hardware profile", ProfileError), Path(path))


def build_profile(config: ProfileConfig) -> HardwareProfile:
    """Instantiate the driver a profile names."""
    if config.profile.driver == "emulated":
        from hmi.hardware.emulated import EmulatedProfile

        return EmulatedProfile(config)
    raise ProfileError(f"profile.driver: no driver named {config.profile.driver!r}")
