"""The driver registry: a profile's `driver` name -> where its settings model and its driver
class live, as "module:attribute" strings imported only when a profile asks for them.

hardware/config.py never imports a driver; a new protocol (OPC UA) is one new module plus one
line here. As PyDM picks a data plugin by URL scheme.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class DriverEntry:
    factory: str  # "module:Class" taking (ProfileConfig, settings)
    settings: str | None = None  # "module:Model" validating the driver's own profile sections
    description: str = ""


DRIVERS: dict[str, DriverEntry] = {
    "emulated": DriverEntry("hmi.hardware.emulated:EmulatedProfile", None, "in-process plant"),
    "modbus_tcp": DriverEntry(
        "hmi.hardware.modbus:ModbusProfile",
        "hmi.hardware.modbus_settings:ModbusTcpSettings",
        "Modbus TCP client",
    ),
    "modbus_rtu": DriverEntry(
        "hmi.hardware.modbus:ModbusProfile",
        "hmi.hardware.modbus_settings:ModbusRtuSettings",
        "Modbus RTU master on a serial port",
    ),
    "opcua": DriverEntry(
        "hmi.hardware.opcua:OpcUaProfile",
        "hmi.hardware.opcua_settings:OpcUaSettings",
        "OPC UA client",
    ),
}


def load(path: str) -> Any:
    module, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module), attribute)


def entry(name: str) -> DriverEntry:
    try:
        return DRIVERS[name]
    except KeyError:
        raise KeyError(f"no driver named {name!r}; known: {', '.join(sorted(DRIVERS))}") from None
