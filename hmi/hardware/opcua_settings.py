"""The OPC UA driver's sections of a hardware profile (see docs/opcua.md): the link, security,
the heartbeat, subscriptions (poll groups), the safe state and the node map. Validated by
pydantic and checked against the tag registry; no protocol library is imported here.

Node ids name their namespace by URI, never by index (an index can change when the PLC program
is downloaded again): `node = "s=Line.Gap_OS"` lives in `link.namespace_uri`; a node of another
namespace is written `"nsu=urn:other;s=Name"`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hmi.core.tags import TAGS, TagKind
from hmi.hardware.tagmap import PollGroup, check_coverage, default_direction

ValueType = Literal["double", "float", "boolean", "int16", "uint16", "int32", "uint32"]
_IDENT = re.compile(r"^(i=\d+|s=.+|g=[0-9a-fA-F-]{36}|b=.+)$")


def split_node(text: str, default_uri: str) -> tuple[str, str]:
    """ "nsu=URI;s=X" or "s=X" -> (namespace URI, identifier text). ValueError when malformed."""
    uri, ident = default_uri, text.strip()
    if ident.startswith("nsu="):
        uri, _, ident = ident[4:].partition(";")
    if ident.startswith("ns="):
        raise ValueError(f"{text!r}: name the namespace by URI (nsu=...), not by index")
    if not uri or not _IDENT.match(ident):
        raise ValueError(
            f"{text!r}: expected i=123, s=Name, g=GUID or b=base64, optionally after nsu=URI;"
        )
    return uri, ident


def data_dir() -> Path:
    """Where certificates live: $HMI_DATA_DIR (hmi --data-dir sets it), else the user's data
    directory, as the app's store."""
    if os.environ.get("HMI_DATA_DIR"):
        return Path(os.environ["HMI_DATA_DIR"])
    from platformdirs import user_data_dir

    return Path(user_data_dir("dry-electrode-hmi", appauthor=False))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UaLink(_Strict):
    endpoint: str = Field(pattern=r"^opc\.tcp://[^/\s]+(:\d+)?(/.*)?$")
    namespace_uri: str = Field(min_length=1)
    timeout_s: float = Field(default=1.0, gt=0.0, le=30.0)  # per service call
    retries: int = Field(default=0, ge=0, le=5)
    reconnect_min_s: float = Field(default=0.2, gt=0.0, le=60.0)
    reconnect_max_s: float = Field(default=5.0, gt=0.0, le=600.0)
    stale_after_s: float = Field(default=1.0, gt=0.0, le=3600.0)
    write_refresh_s: float = Field(default=1.0, gt=0.0, le=3600.0)
    # notify on a new source timestamp too, not only a new value: the age of a value that stays
    # the same is then its true age (a PLC that stamps only on change: set false and give slow
    # tags a long stale_after_s)
    timestamps_refresh: bool = True


class UaSecurity(_Strict):
    policy: Literal["None", "Basic256Sha256"] = "None"
    mode: Literal["None", "Sign", "SignAndEncrypt"] = "None"
    # our certificate and key, relative to the data directory; made on first use
    certificate: str = "opcua/hmi-client.der"
    private_key: str = "opcua/hmi-client.pem"
    server_certificate: str | None = None  # pin the PLC's certificate (DER); None: as presented
    username: str | None = None
    password: str | None = None
    password_env: str | None = None  # or read the password from this environment variable

    @model_validator(mode="after")
    def _consistent(self) -> UaSecurity:
        if (self.policy == "None") != (self.mode == "None"):
            raise ValueError(
                "mode: policy None goes with mode None, Basic256Sha256 with Sign or SignAndEncrypt"
            )
        if self.password is not None and self.password_env is not None:
            raise ValueError("password: give password or password_env, not both")
        if (self.password is not None or self.password_env) and not self.username:
            raise ValueError("username: a password needs a user name")
        return self

    def resolved_password(self) -> str | None:
        if self.password_env:
            return os.environ.get(self.password_env, "")
        return self.password


class UaHeartbeat(_Strict):
    """Both ways, as over Modbus: the HMI counts `hmi_watchdog` up every tick, the PLC counts
    `plc_heartbeat` up every scan."""

    hmi_watchdog: str
    plc_heartbeat: str
    timeout_s: float = Field(default=1.0, gt=0.0, le=60.0)


class UaTag(_Strict):
    node: str
    type: ValueType = "double"
    scale: float = 1.0  # engineering value = node value × scale + offset
    offset: float = 0.0
    direction: Literal["read", "write"] | None = None
    group: str = "fast"  # subscription (reads)
    deadband: float = Field(default=0.0, ge=0.0)
    stale_after_s: float | None = Field(default=None, gt=0.0, le=3600.0)

    @field_validator("scale")
    @classmethod
    def _nonzero(cls, value: float) -> float:
        if value == 0:
            raise ValueError("must not be 0")
        return value


class OpcUaSettings(_Strict):
    link: UaLink
    security: UaSecurity = UaSecurity()
    heartbeat: UaHeartbeat
    poll_groups: dict[str, PollGroup] = Field(min_length=1)  # one subscription each
    tags: dict[str, UaTag] = Field(min_length=1)
    safe_state: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _registry(self) -> OpcUaSettings:
        uri = self.link.namespace_uri
        seen: dict[tuple[str, str], str] = {}
        for where, text in [("heartbeat.hmi_watchdog", self.heartbeat.hmi_watchdog),
                            ("heartbeat.plc_heartbeat", self.heartbeat.plc_heartbeat)] + [
            (f"tags.{n}.node", t.node) for n, t in self.tags.items()
        ]:  # fmt: skip
            try:
                node = split_node(text, uri)
            except ValueError as exc:
                raise ValueError(f"{where}: {exc}") from None
            if node in seen:
                raise ValueError(f"{where}: {text} is already used by {seen[node]}")
            seen[node] = where
        reads, writes = set(), set()
        for name, tag in self.tags.items():
            where = f"tags.{name}"
            if name not in TAGS:
                raise ValueError(
                    f"{where}: {name!r} is not a tag of the registry (hmi/core/tags.py)"
                )
            way = self.direction(name)
            kind = TAGS[name].kind
            if way == "write" and kind in (TagKind.MEASURED, TagKind.STATUS):
                raise ValueError(
                    f"{where}.direction: {TAGS[name].description} is measured; it is only read"
                )
            if way == "read" and kind in (TagKind.OUTPUT, TagKind.SETPOINT):
                raise ValueError(
                    f"{where}.direction: {TAGS[name].description} is sent to the line ('write')"
                )
            if way == "read" and tag.group not in self.poll_groups:
                raise ValueError(f"{where}.group: no poll group {tag.group!r}; defined: "
                                 f"{', '.join(sorted(self.poll_groups))}")  # fmt: skip
            (reads if way == "read" else writes).add(name)
        check_coverage(reads, writes, self.safe_state)
        return self

    def direction(self, name: str) -> Literal["read", "write"]:
        return self.tags[name].direction or default_direction(name)
