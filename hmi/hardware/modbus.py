"""The Modbus TCP and Modbus RTU drivers: a FieldbusProfile over a ModbusLink.

The link plans one request per run of contiguous registers (per table and poll group), and
one write request per run of changed outputs; pymodbus is reached only through
hmi/hardware/modbus_adapter.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from hmi.hardware.codec import decode, encode
from hmi.hardware.config import STARTUP_SETPOINTS, ProfileConfig
from hmi.hardware.fieldbus import (
    HMI_WATCHDOG,
    PLC_HEARTBEAT,
    FieldbusProfile,
    Link,
    Point,
    Supervision,
)
from hmi.hardware.modbus_settings import ModbusRtuSettings, ModbusSettings, ModbusTcpSettings
from hmi.hardware.tagmap import Block, TagEntry, direction, plan_blocks

TABLE_CODES = {
    "coil": "CO",
    "discrete_input": "DI",
    "input_register": "IR",
    "holding_register": "HR",
}
_COUNTER = TagEntry(table="holding_register", address=0, type="uint16")


def address_text(entry: TagEntry) -> str:
    return f"{TABLE_CODES[entry.table]} {entry.address} {entry.type}"


def entries(settings: ModbusSettings) -> dict[str, TagEntry]:
    """The tag map plus the two heartbeat counters as uint16 entries."""
    hb = settings.heartbeat
    counters = {
        HMI_WATCHDOG: _COUNTER.model_copy(
            update=hb.hmi_watchdog.model_dump() | {"direction": "write"}
        ),
        PLC_HEARTBEAT: _COUNTER.model_copy(
            update=hb.plc_heartbeat.model_dump() | {"direction": "read"}
        ),
    }
    return dict(settings.tags) | counters


def read_plan(settings: ModbusSettings) -> dict[str, list[Block]]:
    """Poll group -> its requests. The heartbeat rides with the first group."""
    all_entries = entries(settings)
    first = next(iter(settings.poll_groups))
    plan = {}
    for group in settings.poll_groups:
        names = [
            n for n, e in settings.tags.items() if direction(n, e) == "read" and e.group == group
        ]
        if group == first:
            names.append(PLC_HEARTBEAT)
        plan[group] = plan_blocks(all_entries, names, settings.link.max_gap)
    return plan


def stale_limits(settings: ModbusSettings) -> dict[str, float]:
    """Age beyond which a value is bad: the tag's own limit, else the link's, but never less
    than three periods of its poll group (a slow group must not flicker bad between polls)."""
    limits = {}
    for name, entry in settings.tags.items():
        group = settings.poll_groups.get(entry.group)
        floor = 3 * group.period_s if group else 0.0
        limits[name] = entry.stale_after_s or max(settings.link.stale_after_s, floor)
    return limits


class ModbusLink(Link):
    def __init__(self, settings: ModbusSettings) -> None:
        from hmi.hardware.modbus_adapter import ModbusClient  # pymodbus only when used

        link = settings.link
        if isinstance(settings, ModbusTcpSettings):
            self.client = ModbusClient(tcp=(link.host, link.port), timeout_s=link.timeout_s)
        else:
            serial = {
                k: getattr(link, k) for k in ("port", "baudrate", "parity", "stopbits", "bytesize")
            }
            self.client = ModbusClient(serial=serial, timeout_s=link.timeout_s)
        self.endpoint = f"{self.client.endpoint} unit {link.unit_id}"
        self.unit = link.unit_id
        self.settings = settings
        self.entries = entries(settings)
        self.plan = read_plan(settings)

    def open(self) -> None:
        self.client.connect()

    def close(self) -> None:
        self.client.close()

    def groups(self) -> Mapping[str, float]:
        return {name: g.period_s for name, g in self.settings.poll_groups.items()}

    def points(self) -> list[Point]:
        return [Point(n, address_text(e), direction(n, e)) for n, e in self.settings.tags.items()]

    def raw_of(self, tag: str, value: float) -> float:
        entry = self.entries[tag]
        return (value - entry.offset) / entry.scale

    def read_group(self, group: str, call: Callable) -> dict[str, tuple[float, float]]:
        out: dict[str, tuple[float, float]] = {}
        for block in self.plan[group]:
            words = call(lambda b=block: self.client.read(b.table, b.start, b.count, self.unit))
            for name in block.tags:
                entry = self.entries[name]
                at = entry.address - block.start
                out[name] = decode(entry, words[at : at + entry.words])
        return out

    def write(self, values: Mapping[str, float], call: Callable) -> None:
        words: dict[tuple[str, int], int] = {}
        for name, value in values.items():
            entry = self.entries[name]
            for i, word in enumerate(encode(entry, value)):
                words[(entry.table, entry.address + i)] = word
        for table, start, run in _runs(words):
            call(lambda t=table, s=start, r=run: self.client.write(t, s, r, self.unit))


def _runs(words: dict[tuple[str, int], int]) -> list[tuple[str, int, list[int]]]:
    """Contiguous runs of (table, address) -> word, each sent as one request."""
    runs: list[tuple[str, int, list[int]]] = []
    for (table, address), word in sorted(words.items()):
        if runs and runs[-1][0] == table and runs[-1][1] + len(runs[-1][2]) == address:
            if len(runs[-1][2]) < 120:
                runs[-1][2].append(word)
                continue
        runs.append((table, address, [word]))
    return runs


class ModbusProfile(FieldbusProfile):
    """A line behind a Modbus TCP server or a Modbus RTU slave (driver modbus_tcp / modbus_rtu)."""

    def __init__(self, config: ProfileConfig, settings: ModbusTcpSettings | ModbusRtuSettings):
        link = settings.link
        super().__init__(
            config.profile.name,
            config.profile.driver,
            ModbusLink(settings),
            Supervision(
                retries=link.retries,
                reconnect_min_s=link.reconnect_min_s,
                reconnect_max_s=link.reconnect_max_s,
                stale_after_s=link.stale_after_s,
                write_refresh_s=link.write_refresh_s,
                heartbeat_timeout_s=settings.heartbeat.timeout_s,
            ),
            deadbands={n: e.deadband for n, e in settings.tags.items()},
            stale_after_s=stale_limits(settings),
            safe_state=settings.safe_state,
            initial_setpoints={n: getattr(config.startup, n) for n in STARTUP_SETPOINTS},
        )
