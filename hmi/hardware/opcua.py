"""The OPC UA client driver: a FieldbusProfile over an OpcUaLink.

Each poll group is one subscription (publishing and sampling interval = the group's period);
the I/O thread takes the latest notified values on the group's period (no request on the
wire), so a value's age is the age of its source timestamp and its quality is its status
code's. Outputs are written on change and refreshed, the heartbeat runs both ways, and a
lost session, a frozen heartbeat or a node the server lacks is a lost link: safe state,
comm-loss alarm, reconnect with backoff (hmi/hardware/fieldbus.py). asyncua is reached only
through hmi/hardware/opcua_adapter/.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from pathlib import Path

from hmi.hardware.config import STARTUP_SETPOINTS, ProfileConfig
from hmi.hardware.fieldbus import (
    HMI_WATCHDOG,
    PLC_HEARTBEAT,
    FieldbusProfile,
    Link,
    LinkError,
    Point,
    Supervision,
)
from hmi.hardware.opcua_settings import OpcUaSettings, data_dir, split_node


def stale_limits(settings: OpcUaSettings) -> dict[str, float]:
    """As over Modbus: the tag's own limit, else the link's, never under three periods."""
    limits = {}
    for name, tag in settings.tags.items():
        group = settings.poll_groups.get(tag.group)
        floor = 3 * group.period_s if group else 0.0
        limits[name] = tag.stale_after_s or max(settings.link.stale_after_s, floor)
    return limits


def security_of(settings: OpcUaSettings, base: Path | None = None):
    from hmi.hardware.opcua_adapter import Security  # asyncua only when used

    sec, base = settings.security, base or data_dir()
    pinned = base / sec.server_certificate if sec.server_certificate else None
    return Security(
        sec.policy, sec.mode, base / sec.certificate, base / sec.private_key, pinned,
        sec.username, sec.resolved_password(),
    )  # fmt: skip


class OpcUaLink(Link):
    def __init__(self, settings: OpcUaSettings, base_dir: Path | None = None) -> None:
        from hmi.hardware.opcua_adapter import UaClient  # asyncua only when used

        self.settings = settings
        link = settings.link
        self.endpoint = link.endpoint
        self.security = security_of(settings, base_dir)
        self.client = UaClient(link.endpoint, link.timeout_s, self.security)
        uri = link.namespace_uri
        self.nodes = {name: split_node(tag.node, uri) for name, tag in settings.tags.items()}
        self.nodes[HMI_WATCHDOG] = split_node(settings.heartbeat.hmi_watchdog, uri)
        self.nodes[PLC_HEARTBEAT] = split_node(settings.heartbeat.plc_heartbeat, uri)
        self.types = {name: tag.type for name, tag in settings.tags.items()}
        self.types |= {HMI_WATCHDOG: "uint16", PLC_HEARTBEAT: "uint16"}
        self.reads = {g: [n for n, t in settings.tags.items()
                          if settings.direction(n) == "read" and t.group == g]
                      for g in settings.poll_groups}  # fmt: skip
        self.reads[next(iter(settings.poll_groups))].append(PLC_HEARTBEAT)

    def open(self) -> None:
        sec = self.security
        if sec.policy != "None":
            from hmi.hardware.opcua_adapter import ensure_certificate

            ensure_certificate(sec.certificate, sec.private_key, self.client.APP_URI, False)
        self.client.close()
        missing = self.client.connect(self.nodes, self.types)
        if missing:
            # the outputs the server does have get the safe state before the link is called
            # lost: a PLC whose program lost one node still stops its drives
            safe = {n: self._raw(n, v) for n, v in self.settings.safe_state.items()}
            try:
                self.client.write({n: v for n, v in safe.items() if n not in missing})
            except LinkError:
                pass
            self.client.close()
            first = next(iter(missing.items()))
            more = f" (+{len(missing) - 1} more)" if len(missing) > 1 else ""
            raise LinkError(f"node of {first[0]} not on the server: {first[1]}{more}")
        groups = [(self.settings.poll_groups[g].period_s, keys) for g, keys in self.reads.items()]
        self.client.subscribe(groups, self.settings.link.timestamps_refresh)

    def close(self) -> None:
        self.client.close()

    def groups(self) -> Mapping[str, float]:
        return {name: g.period_s for name, g in self.settings.poll_groups.items()}

    def points(self) -> list[Point]:
        return [
            Point(n, f"{t.node} {t.type}", self.settings.direction(n))
            for n, t in self.settings.tags.items()
        ]

    def _raw(self, tag: str, value: float) -> float:
        entry = self.settings.tags.get(tag)
        return value if entry is None else (value - entry.offset) / entry.scale

    def raw_of(self, tag: str, value: float) -> float:
        return self._raw(tag, value)

    def read_group(self, group: str, call: Callable) -> dict[str, tuple]:
        latest = self.client.snapshot()  # the subscription's cache: no request on the wire
        out: dict[str, tuple] = {}
        for name in self.reads[group]:
            sample = latest.get(name)
            if sample is None:
                continue  # not notified yet: stays missing (bad) until it is
            value, quality, _status, t = sample
            raw = float(value) if isinstance(value, int | float | bool) else math.nan
            entry = self.settings.tags.get(name)
            eng = raw if entry is None else raw * entry.scale + entry.offset
            out[name] = (raw, eng, t, quality)
        return out

    def write(self, values: Mapping[str, float], call: Callable) -> None:
        raw = {n: self._raw(n, v) for n, v in values.items()}
        call(lambda: self.client.write(raw))


class OpcUaProfile(FieldbusProfile):
    """A line behind an OPC UA server (a PLC's, or `hmi plc serve` on an opcua profile)."""

    def __init__(self, config: ProfileConfig, settings: OpcUaSettings) -> None:
        link = settings.link
        super().__init__(
            config.profile.name,
            config.profile.driver,
            OpcUaLink(settings),
            Supervision(
                retries=link.retries,
                reconnect_min_s=link.reconnect_min_s,
                reconnect_max_s=link.reconnect_max_s,
                stale_after_s=link.stale_after_s,
                write_refresh_s=link.write_refresh_s,
                heartbeat_timeout_s=settings.heartbeat.timeout_s,
            ),
            deadbands={n: t.deadband for n, t in settings.tags.items()},
            stale_after_s=stale_limits(settings),
            safe_state=settings.safe_state,
            initial_setpoints={n: getattr(config.startup, n) for n in STARTUP_SETPOINTS},
        )

    def disconnect(self) -> None:
        super().disconnect()
        self.link.client.shutdown()  # type: ignore[attr-defined]
