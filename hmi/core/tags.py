"""The tag registry: every process value, setpoint and output of the line, declared once.

Profiles map these names to addresses, controllers read and write them, the UI labels and
ranges its fields from them, trends and alarms pick them by name. Nothing else declares a unit
or a range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from hmi.core.roles import Role


class TagKind(StrEnum):
    MEASURED = "measured"  # read from the line (sensor, drive feedback)
    SETPOINT = "setpoint"  # entered by people, read by the controllers
    OUTPUT = "output"  # computed by the controllers, written to the line
    STATUS = "status"  # discrete state (0/1)


@dataclass(frozen=True, slots=True)
class Tag:
    name: str
    unit: str
    description: str
    low: float
    high: float
    kind: TagKind
    write_role: Role | None = None  # minimum role that may write it; None: nobody writes it
    decimals: int = 1

    @property
    def writable(self) -> bool:
        return self.write_role is not None

    def check(self, value: float) -> float:
        """Return `value` as float if it lies in range, else raise naming the tag and range."""
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise TagRangeError(self, value) from None
        if not math.isfinite(number) or not self.low <= number <= self.high:
            raise TagRangeError(self, value)
        return number

    def format(self, value: float) -> str:
        if value is None or not math.isfinite(value):
            return "----"
        text = f"{value:.{self.decimals}f}"
        return text[1:] if text.startswith("-") and float(text) == 0 else text  # no "-0.0"


class TagRangeError(ValueError):
    def __init__(self, tag: Tag, value: object) -> None:
        self.tag = tag
        self.value = value
        super().__init__(
            f"{tag.name}: {value!r} is outside the allowed range "
            f"{tag.low:g} to {tag.high:g} {tag.unit}"
        )


FEEDERS = ("active", "carbon", "binder")
SIDES = ("os", "ds")

_M, _S, _O, _ST = TagKind.MEASURED, TagKind.SETPOINT, TagKind.OUTPUT, TagKind.STATUS
_FEEDER_NAMES = {
    "active": "active material",
    "carbon": "conductive carbon",
    "binder": "PTFE binder",
}
_SIDE_NAMES = {"os": "operator side", "ds": "drive side"}


def _declare() -> tuple[Tag, ...]:
    tags: list[Tag] = []
    for f in FEEDERS:
        name = _FEEDER_NAMES[f]
        tags += [
            Tag(f"feeder_{f}_flow_kg_h", "kg/h", f"Feeder mass flow, {name}", 0, 2000, _M),
            Tag(f"feeder_{f}_sp_kg_h", "kg/h", f"Feeder flow setpoint, {name}", 0, 2000, _O),
            Tag(f"feeder_{f}_hopper_kg", "kg", f"Feeder hopper mass, {name}", 0, 500, _M),
            # A refilling loss-in-weight feeder cannot weigh its flow: it runs volumetric.
            Tag(
                f"feeder_{f}_refilling",
                "",
                f"Feeder refilling (1), {name}",
                0,
                1,
                _ST,
                decimals=0,
            ),
        ]
    for s in SIDES:
        name = _SIDE_NAMES[s]
        tags += [
            Tag(f"gap_{s}_um", "µm", f"Roll gap, {name} (actuator position)", 0, 1000, _M),
            Tag(f"gap_{s}_sp_um", "µm", f"Roll gap actuator setpoint, {name}", 0, 1000, _O),
            # The gap the material should see (set-up + feedback), before the compensations
            # of thermal growth, eccentricity and mill stretch that the actuator setpoint adds.
            Tag(f"gap_{s}_ref_um", "µm", f"Effective gap reference, {name}", 0, 1000, _O),
            Tag(f"roll_force_{s}_kn", "kN", f"Nip 1 roll force, {name}", 0, 2000, _M),
            # The model controller's terms of the gap setpoint (sp = ref + compensations).
            Tag(f"gap_{s}_feedforward_um", "µm", f"Gap set-up (feedforward), {name}", 0, 1000, _O),
            Tag(f"gap_{s}_monitor_um", "µm", f"Gap areal-mass monitor, {name}", -200, 200, _O),
            Tag(f"gap_{s}_gaugemeter_um", "µm", f"Gap gaugemeter wedge, {name}", -100, 100, _O),
            Tag(f"gap_{s}_thermal_um", "µm", f"Gap thermal compensation, {name}", -200, 200, _O),
            Tag(
                f"gap_{s}_eccentricity_um",
                "µm",
                f"Gap eccentricity compensation, {name}",
                -50,
                50,
                _O,
                decimals=2,
            ),
            Tag(f"gap_{s}_tilt_um", "µm", f"Gap tilt correction (CD), {name}", -100, 100, _O),
        ]
    tags += [
        Tag("bank_mass_kg", "kg", "Powder bank in nip 1", 0, 50, _M, decimals=2),
        Tag("line_speed_m_min", "m/min", "Line speed (roll surface speed)", 0, 100, _M),
        Tag("roll_temperature_c", "°C", "Nip 1 roll surface temperature", 0, 250, _M),
        Tag("areal_mass_mg_cm2", "mg/cm²", "Areal mass at the gauge", 0, 100, _M, decimals=2),
        Tag("thickness_um", "µm", "Film thickness at the gauge", 0, 1000, _M),
        Tag(
            "areal_mass_os_mg_cm2",
            "mg/cm²",
            "Areal mass, operator-side edge zones",
            0,
            100,
            _M,
            decimals=2,
        ),
        Tag(
            "areal_mass_ds_mg_cm2",
            "mg/cm²",
            "Areal mass, drive-side edge zones",
            0,
            100,
            _M,
            decimals=2,
        ),
        Tag("roll_angle_rad", "rad", "Nip 1 roll angle (encoder)", 0, 6.2832, _M, decimals=2),
        Tag(
            "mixer_temperature_c",
            "°C",
            "Mix temperature (PTFE fibrillates above ~19 °C)",
            -20,
            150,
            _M,
        ),
        Tag("line_power_kw", "kW", "Electrical power: drives, heaters, mixer", 0, 2000, _M),
        Tag("energy_wh_per_m2", "Wh/m²", "Energy per m² of electrode made", 0, 10_000, _M),
        Tag("line_running", "", "Line drive running (1) or stopped (0)", 0, 1, _ST, decimals=0),
        Tag(
            "line_run_cmd",
            "",
            "Run command to the line drive (1 run, 0 stop)",
            0,
            1,
            _O,
            decimals=0,
        ),
        # A quick or emergency stop sends the mixer's hold-up to the scrap bin, not the bank.
        Tag(
            "mixer_divert_cmd",
            "",
            "Reject gate at the conveyor discharge (1: powder to scrap)",
            0,
            1,
            _O,
            decimals=0,
        ),
        Tag("powder_scrap_kg", "kg", "Powder to the scrap bin (diverted, spilled)", 0, 1e6, _M),
        # Setpoints people enter. Ranges are the line's equipment limits; recipes narrow them.
        Tag(
            "areal_mass_target_mg_cm2",
            "mg/cm²",
            "Target areal mass",
            10,
            50,
            _S,
            write_role=Role.OPERATOR,
            decimals=2,
        ),
        Tag(
            "line_speed_sp_m_min",
            "m/min",
            "Line speed setpoint",
            0,
            80,
            _S,
            write_role=Role.OPERATOR,
        ),
        Tag(
            "areal_mass_tolerance_pct",
            "%",
            "Areal mass tolerance (off-spec beyond ±)",
            0.1,
            20,
            _S,
            write_role=Role.ENGINEER,
        ),
        Tag(
            "web_width_mm",
            "mm",
            "Film width leaving nip 1",
            100,
            1000,
            _S,
            write_role=Role.ENGINEER,
            decimals=0,
        ),
        # Process settings a recipe sets: the emulated line applies them to its rolls,
        # densification nip, laminator and energy model; a PLC takes them over its tag map.
        Tag(
            "roll_temperature_sp_c",
            "°C",
            "Nip-1 roll temperature setpoint",
            20,
            200,
            _S,
            write_role=Role.ENGINEER,
        ),
        Tag(
            "densify_line_load_sp_kn_mm",
            "kN/mm",
            "Densification line load setpoint",
            0,
            10,
            _S,
            write_role=Role.ENGINEER,
            decimals=2,
        ),
        Tag(
            "laminate_line_load_sp_kn_mm",
            "kN/mm",
            "Lamination line load setpoint",
            0.2,
            4,
            _S,
            write_role=Role.ENGINEER,
            decimals=2,
        ),
        Tag(
            "laminate_temperature_sp_c",
            "°C",
            "Lamination temperature setpoint",
            60,
            200,
            _S,
            write_role=Role.ENGINEER,
        ),
        Tag(
            "hopper_refill_request_sp_frac",
            "",
            "Hopper level that requests a refill (fraction of capacity)",
            0.05,
            0.8,
            _S,
            write_role=Role.ENGINEER,
            decimals=2,
        ),
        Tag(
            "hopper_refill_complete_sp_frac",
            "",
            "Hopper level a refill fills to (fraction of capacity)",
            0.2,
            1.0,
            _S,
            write_role=Role.ENGINEER,
            decimals=2,
        ),
        # Controller corrections, shown per side on the Overview.
        Tag("line_speed_out_m_min", "m/min", "Line speed reference to the drive", 0, 100, _O),
        Tag("gap_feedback_um", "µm", "Gap correction from the areal-mass loop", -200, 200, _O),
        Tag("feed_total_sp_kg_h", "kg/h", "Total feed from target × width × speed", 0, 4000, _O),
        Tag("feed_feedforward_kg_h", "kg/h", "Feed feedforward (controller)", 0, 4000, _O),
        Tag("feed_feedforward_kg_h", "kg/h", "Feed feedforward (controller)", 0, 4000, _O),
        # Measured trim flow: the edge trim cut at the knife, recycled into the mixer.
        Tag("recycle_flow_kg_h", "kg/h", "Edge-trim recycle flow (cut)", 0, 500, _M),
        Tag("feed_recycle_kg_h", "kg/h", "Recycled trim returning (feed less)", 0, 500, _O),
        Tag("feed_bank_trim_kg_h", "kg/h", "Feed bank-level trim", -500, 500, _O),
        Tag("feed_lead_kg_h", "kg/h", "Feed lead through the mixer", -4000, 4000, _O),
        Tag("controller_auto", "", "Controller automatic (1) or manual (0)", 0, 1, _O, decimals=0),
        Tag(
            "controller_holding",
            "",
            "Controller holds the gauge loop on a bad input (1)",
            0,
            1,
            _O,
            decimals=0,
        ),
        Tag("gauge_dead_time_s", "s", "Dead time nip to gauge (L / v)", 0, 3600, _O),
        Tag(
            "areal_mass_predicted_mg_cm2",
            "mg/cm²",
            "Areal mass predicted for the film at the nip",
            0,
            100,
            _O,
            decimals=2,
        ),
        Tag("offspec_length_m", "m", "Off-spec film counted by the controller", 0, 1e7, _O),
        Tag(
            "gauge_mass_balance_disagreement_pct",
            "%",
            "Gauge minus mass balance (% of target)",
            -100,
            100,
            _O,
            decimals=2,
        ),
        Tag("gap_tilt_pivot", "", "Share of a wedge correction on DS", 0, 1, _O, decimals=2),
    ]
    return tuple(tags)


TAGS: dict[str, Tag] = {t.name: t for t in _declare()}


def tag(name: str) -> Tag:
    try:
        return TAGS[name]
    except KeyError:
        raise KeyError(f"unknown tag {name!r}") from None


def names(kind: TagKind) -> tuple[str, ...]:
    return tuple(t.name for t in TAGS.values() if t.kind == kind)
