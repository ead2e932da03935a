"""What the PLC simulator's program reads and writes: its protocol server's memory, by tag.

Modbus: registers in a RegisterStore behind a Modbus TCP server / RTU slave. OPC UA: variables
of the profile's node set in an asyncua server, published once per scan with one source
timestamp. The profile's driver picks the wire.
"""

from __future__ import annotations

import time
from typing import Protocol

from hmi.core.tags import TAGS
from hmi.hardware.codec import decode, encode
from hmi.hardware.fieldbus import HMI_WATCHDOG, PLC_HEARTBEAT
from hmi.hardware.modbus import entries
from hmi.hardware.modbus_settings import ModbusSettings, ModbusTcpSettings
from hmi.hardware.opcua_settings import OpcUaSettings, data_dir, split_node
from hmi.hardware.tagmap import direction


class PlcWire(Protocol):
    endpoint: str
    reads: list[str]  # tags the PLC publishes
    writes: list[str]  # tags the HMI writes

    def put(self, name: str, value: float) -> None: ...
    def get(self, name: str) -> float: ...
    def end_scan(self) -> None: ...
    def start(self) -> None: ...
    def stop(self) -> None: ...


class ModbusWire:
    def __init__(self, settings: ModbusSettings) -> None:
        from hmi.hardware.modbus_adapter import ModbusServer, RegisterStore

        self.entries = entries(settings)
        self.reads = [n for n, e in settings.tags.items() if direction(n, e) == "read"]
        self.writes = [n for n, e in settings.tags.items() if direction(n, e) == "write"]
        self.store = RegisterStore([settings.link.unit_id])
        link = settings.link
        if isinstance(settings, ModbusTcpSettings):
            self.server = ModbusServer(self.store, tcp=(link.host, link.port))
            self.endpoint = f"Modbus TCP {link.host}:{link.port}, unit {link.unit_id}"
        else:
            serial = {
                k: getattr(link, k) for k in ("port", "baudrate", "parity", "stopbits", "bytesize")
            }
            self.server = ModbusServer(self.store, serial=serial)
            self.endpoint = f"Modbus RTU {link.port} @ {link.baudrate}, unit {link.unit_id}"

    def put(self, name: str, value: float) -> None:
        entry = self.entries[name]
        self.store.set(entry.table, entry.address, encode(entry, value))

    def get(self, name: str) -> float:
        entry = self.entries[name]
        return decode(entry, self.store.get(entry.table, entry.address, entry.words))[1]

    def end_scan(self) -> None:
        pass

    def start(self) -> None:
        self.server.start()

    def stop(self) -> None:
        self.server.stop()


class OpcUaWire:
    """The profile's node set: one folder per namespace path ("Line"), each variable typed as
    the profile says, with the registry's description, unit and range."""

    def __init__(self, settings: OpcUaSettings, *, endpoint: str | None = None) -> None:
        from hmi.core.unece import unit_of
        from hmi.hardware.opcua_adapter import UaServer, Variable

        self.settings = settings
        self.endpoint = endpoint or settings.link.endpoint
        self.reads = [n for n in settings.tags if settings.direction(n) == "read"]
        self.writes = [n for n in settings.tags if settings.direction(n) == "write"]
        uri = settings.link.namespace_uri
        self.server = UaServer(self.endpoint, uri, "Line PLC simulator (dry-electrode-hmi)")
        self._secure(settings)
        variables = []
        for name, tag in settings.tags.items():
            t = TAGS[name]
            variables.append(Variable(
                name, "Line", split_node(tag.node, uri)[1], tag.type,
                initial=False if tag.type == "boolean" else 0,
                writable=self.writes.count(name) > 0, unit=unit_of(t.unit),
                eu_range=(t.low, t.high), description=t.description,
            ))  # fmt: skip
        hb = settings.heartbeat
        for key, text, writable in ((HMI_WATCHDOG, hb.hmi_watchdog, True),
                                    (PLC_HEARTBEAT, hb.plc_heartbeat, False)):  # fmt: skip
            variables.append(Variable(key, "Line", split_node(text, uri)[1], "uint16", 0, writable))
        self.server.add_variables(variables)
        self._scan: dict[str, float] = {}
        self.status: dict[str, int] = {}  # fault injection: tag -> OPC UA status code
        self.held: dict[str, float] = {}  # fault injection: tag -> a source time that stays

    def _secure(self, settings: OpcUaSettings) -> None:
        """Security None, or the profile's policy and mode only: the simulator plays a PLC
        configured with the same user and password, its certificate made on first start in
        the data directory, trusting the client certificates copied to opcua/plc-trusted/."""
        from hmi.hardware.opcua_adapter import (
            PasswordUsers,
            ensure_certificate,
            trust_directory_validator,
        )

        sec = settings.security
        if sec.policy == "None":
            self.server.setup()
            return
        base = data_dir() / "opcua"
        app_uri = "urn:dry-electrode-hmi:plc-simulator"
        cert = ensure_certificate(base / "plc-server.der", base / "plc-server.pem", app_uri, True)
        user, password = sec.username, sec.resolved_password()
        users = PasswordUsers(lambda u, p: "plc" if (u, p) == (user, password) else None)
        self.server.setup(security=[f"{sec.policy}_{sec.mode}"], certificate=cert,
                          user_manager=users, anonymous=user is None, app_uri=app_uri)  # fmt: skip
        self.server.set_certificate_validator(trust_directory_validator(base / "plc-trusted"))

    def put(self, name: str, value: float) -> None:
        tag = self.settings.tags.get(name)
        self._scan[name] = value if tag is None else (value - tag.offset) / tag.scale

    def get(self, name: str) -> float:
        value = self.server.value(name)
        tag = self.settings.tags.get(name)
        number = float(value) if value is not None else float("nan")
        return number if tag is None else number * tag.scale + tag.offset

    def end_scan(self) -> None:
        now = time.time()
        good = {k: v for k, v in self._scan.items() if k not in self.status and k not in self.held}
        self.server.publish(good, source_time=now)
        for key in set(self.status) | set(self.held):
            if key in self._scan:
                self.server.publish({key: self._scan[key]}, status=self.status.get(key, 0),
                                    source_time=self.held.get(key, now))  # fmt: skip
        self._scan = {}

    def start(self) -> None:
        self.server.start()

    def stop(self) -> None:
        self.server.stop()


def wire_for(settings: ModbusSettings | OpcUaSettings) -> PlcWire:
    if isinstance(settings, OpcUaSettings):
        return OpcUaWire(settings)
    return ModbusWire(settings)
