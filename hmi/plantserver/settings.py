"""The plant server's setting: `opcua-server.toml` in the data directory (off by default), or
`hmi --opcua-server opc.tcp://0.0.0.0:4840`, which switches it on for that run."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hmi.core.toml_files import parse_model

FILE_NAME = "opcua-server.toml"
Policy = Literal["None", "Basic256Sha256_Sign", "Basic256Sha256_SignAndEncrypt"]


class PlantServerError(ValueError):
    pass


class Identification(BaseModel):
    """OPC UA for Machinery (40001-1) identification basics: how a plant system finds out
    what this line is without a manual."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    manufacturer: str = "dry-electrode-hmi"
    model: str = "Dry electrode calender line"
    serial_number: str = "unset"  # the line's own, set at commissioning
    product_instance_uri: str = "urn:dry-electrode-hmi:line:unset"
    location: str = ""


class PlantServerSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    enabled: bool = False
    endpoint: str = Field(
        default="opc.tcp://0.0.0.0:4840", pattern=r"^opc\.tcp://[^/\s]+:\d+(/.*)?$"
    )
    namespace_uri: str = "urn:dry-electrode-hmi:line"
    # endpoints offered; Basic256Sha256 with our certificate made on first start
    security: list[Policy] = ["None", "Basic256Sha256_Sign", "Basic256Sha256_SignAndEncrypt"]
    # anonymous sessions may browse, read and subscribe; they never write
    anonymous_read: bool = True
    # a client's certificate must lie in <data>/opcua/trusted-clients/ (an administrator moves
    # it there from rejected-clients/, where a refused one is copied); false trusts any client
    # certificate (a first trial on a closed network only)
    trusted_clients_only: bool = True
    publish_hz: float = Field(default=10.0, gt=0.0, le=50.0)
    identification: Identification = Identification()


def load_settings(data_dir: Path, endpoint: str | None = None) -> PlantServerSettings:
    """The data directory's setting; `endpoint` (the command line) enables it for this run.
    Raises PlantServerError naming the file and field."""
    path = Path(data_dir) / FILE_NAME
    if path.is_file():
        settings = parse_model(path.read_text(encoding="utf-8"), path, PlantServerSettings,
                               PlantServerError, "OPC UA server setting")  # fmt: skip
    else:
        settings = PlantServerSettings()
    if endpoint is not None:
        try:
            settings = PlantServerSettings.model_validate(
                settings.model_dump() | {"endpoint": endpoint, "enabled": True}
            )
        except ValidationError:
            raise PlantServerError(
                f"--opcua-server: {endpoint!r} is not opc.tcp://HOST:PORT"
            ) from None
    return settings
