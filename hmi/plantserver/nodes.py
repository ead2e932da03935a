"""The plant server's address space, as data: every registry tag with its unit (EUInformation,
UNECE code) and range (EURange), the line's state, mode, recipe, production counters and the
OPC UA for Machinery identification basics. docs/opcua.md lists it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hmi.core.tags import TAGS, TagKind
from hmi.core.unece import unit_of
from hmi.hardware.opcua_adapter import MachineSpec, Variable
from hmi.plantserver.settings import Identification
from hmi.quality.kpis import KPI_UNITS

FOLDERS = {
    TagKind.MEASURED: "Measured",
    TagKind.SETPOINT: "Setpoints",
    TagKind.OUTPUT: "Outputs",
    TagKind.STATUS: "Status",
}
# OPC UA for Machinery: MachineryItemState and MachineryOperationMode (40001-1, 8.x), as the
# enumeration values the companion specification gives them
ITEM_STATE = {"not_available": 0, "out_of_service": 1, "not_executing": 2, "executing": 3}
OPERATION_MODE = {"none": 0, "maintenance": 1, "setup": 2, "processing": 3}
# ... and as the states of their state machines under Objects/Machines (machine_spec)
ITEM_STATE_NAME = {"not_available": "NotAvailable", "out_of_service": "OutOfService",
                   "not_executing": "NotExecuting", "executing": "Executing"}  # fmt: skip
OPERATION_MODE_NAME = {"none": "None", "maintenance": "Maintenance", "setup": "Setup",
                       "processing": "Processing"}  # fmt: skip
# the OPC Foundation's DI, IA and Machinery nodesets, imported in this order (their README)
NODESETS = [Path(__file__).resolve().parents[2] / "resources" / "opcua" / name
            for name in ("Opc.Ua.Di.NodeSet2.xml", "Opc.Ua.IA.NodeSet2.xml",
                         "Opc.Ua.Machinery.NodeSet2.xml")]  # fmt: skip
RECIPE_SELECT = "recipe.select"
PRODUCTION = {  # key -> (browse name, unit)
    "production.length_m": ("Length", "m"),
    "production.area_m2": ("Area", "m²"),
    "production.energy_kwh": ("Energy", "kWh"),
}


LINK_LOST_ALARM = "communication_loss"
OUT_OF_SERVICE_STOPS = ("emergency", "tripped")  # the line needs someone before it restarts
SETUP_STEPS = ("check", "prime", "thread")  # of the start sequence: no film at speed yet


def machinery_state(snap: Any) -> tuple[str, str]:
    """MachineryItemState and MachineryOperationMode (OPC 40001-1) of the line as a snapshot
    shows it: not available while the HMI cannot see the line (link lost), out of service
    after an emergency stop or a trip until it is started again, executing while it starts or
    its drive runs, else not executing; the mode is set-up while a start checks, primes and
    threads the web (no film at speed yet), processing from its ramp on."""
    if any(a.name == LINK_LOST_ALARM and a.annunciated for a in snap.alarms.alarms):
        return "not_available", "none"
    starting = snap.sequence.line_state == "starting"
    if starting and snap.sequence.step in SETUP_STEPS:
        return "executing", "setup"
    if starting or snap.running:  # a stop's run-on with the drive off: not executing
        return "executing", "processing"
    if snap.sequence.last_stop in OUT_OF_SERVICE_STOPS:
        return "out_of_service", "processing"
    return "not_executing", "processing"


def tag_variables() -> list[Variable]:
    out = []
    for name, tag in TAGS.items():
        status = tag.kind is TagKind.STATUS
        out.append(Variable(
            name, f"Line/Tags/{FOLDERS[tag.kind]}", f"s=Line.Tags.{name}",
            "boolean" if status else "double", initial=False if status else 0.0,
            writable=tag.kind is TagKind.SETPOINT and tag.writable,
            unit=None if status else unit_of(tag.unit),
            eu_range=None if status else (tag.low, tag.high),
            description=f"{tag.description} ({tag.unit})" if tag.unit else tag.description,
        ))  # fmt: skip
    return out


def machine_spec(ident: Identification, software: str) -> MachineSpec:
    """The line as an OPC 40001-1 machine: Objects/Machines/Machine (also organized by
    Objects/Line) with its Identification and the two state machines, published by key."""
    return MachineSpec(
        "Machine", ident.model,
        {"Manufacturer": ident.manufacturer, "Model": ident.model,
         "SerialNumber": ident.serial_number, "ProductInstanceUri": ident.product_instance_uri,
         "SoftwareRevision": software, "Location": ident.location},
        also_under="Line",
        state_keys={"machinery.item_state": "MachineryItemState",
                    "machinery.operation_mode": "MachineryOperationMode"},
    )  # fmt: skip


def line_variables(ident: Identification, software: str) -> list[Variable]:
    def v(key, folder, name, vtype, initial, **kw) -> Variable:
        return Variable(key, f"Line/{folder}", f"s=Line.{folder}.{name}", vtype, initial, **kw)

    out = [
        v("id.manufacturer", "Identification", "Manufacturer", "string", ident.manufacturer),
        v("id.model", "Identification", "Model", "string", ident.model),
        v("id.serial", "Identification", "SerialNumber", "string", ident.serial_number),
        v("id.uri", "Identification", "ProductInstanceUri", "string", ident.product_instance_uri),
        v("id.software", "Identification", "SoftwareRevision", "string", software),
        v("id.location", "Identification", "Location", "string", ident.location),
        v("state.item", "State", "MachineryItemState", "uint32", 0,
          description="0 NotAvailable, 1 OutOfService, 2 NotExecuting, 3 Executing"),
        v("state.operation", "State", "MachineryOperationMode", "uint32", 0,
          description="0 None, 1 Maintenance, 2 Setup, 3 Processing"),
        v("state.running", "State", "Running", "boolean", False),
        v("state.mode", "State", "ControlMode", "string", "", description="auto | manual"),
        v("state.tick", "State", "ControlTick", "uint32", 0),
        v("recipe.name", "Recipe", "Name", "string", ""),
        v("recipe.version", "Recipe", "Version", "int32", -1, description="-1: the profile's"),
        v("recipe.modified", "Recipe", "Modified", "boolean", False),
        v(RECIPE_SELECT, "Recipe", "Select", "string", "", writable=True,
          description="write 'name@version' to load that approved recipe version"),
        v("alarms.active", "Alarms", "ActiveCount", "uint32", 0),
        v("alarms.unacknowledged", "Alarms", "UnacknowledgedCount", "uint32", 0),
    ]  # fmt: skip
    for key, (name, unit) in PRODUCTION.items():
        out.append(v(key, "Production", name, "double", 0.0, unit=unit_of(unit),
                     description=f"since the HMI started ({unit})"))  # fmt: skip
    return out


def quality_variables() -> list[Variable]:
    """Line/Quality: the headline figures (hmi/quality/kpis.py; NaN until measured: status
    Bad) and the roll under way / the last roll's Cpk."""
    out = []
    for key, (name, unit) in KPI_UNITS.items():
        out.append(Variable(f"kpi.{key}", "Line/Quality", f"s=Line.Quality.{name}", "double",
                            0.0, unit=unit_of(unit),
                            description=f"since the HMI started ({unit or 'index'}); "
                                        "assumptions in docs/quality.md"))  # fmt: skip
    out += [
        Variable("quality.roll_number", "Line/Quality", "s=Line.Quality.RollNumber", "uint32",
                 0, description="the roll under way, counted from the HMI's start"),
        Variable("quality.roll_length_m", "Line/Quality", "s=Line.Quality.RollLength", "double",
                 0.0, unit=unit_of("m"), description="metres made of the roll under way (m)"),
        Variable("quality.last_roll_cpk", "Line/Quality", "s=Line.Quality.LastRollCpk", "double",
                 0.0, description="Cpk of the areal mass of the last roll cut"),
    ]  # fmt: skip
    return out
