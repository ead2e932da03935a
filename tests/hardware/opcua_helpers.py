"""Shared set-up of the OPC UA tests: the shipped opcua profile on a free port, fast link
settings, the PLC simulator in this process."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hmi.hardware.config import ProfileConfig, driver_settings, load_profile
from hmi.hardware.opcua import OpcUaProfile
from hmi.hardware.opcua_settings import OpcUaSettings
from hmi.sim.plc import PlcSimulator
from tests.hardware.fieldbus_helpers import ROOT

OPCUA_PROFILE = ROOT / "hardware_profiles" / "opcua.toml"
FAST_UA_LINK = {"timeout_s": 0.5, "reconnect_min_s": 0.05, "reconnect_max_s": 0.3}


def endpoint(port: int) -> str:
    return f"opc.tcp://127.0.0.1:{port}"


def ua_settings(port: int, path: Path = OPCUA_PROFILE, heartbeat_timeout_s: float = 0.6,
                **link: object) -> tuple[ProfileConfig, OpcUaSettings]:  # fmt: skip
    config = load_profile(path)
    settings = driver_settings(config)
    update = FAST_UA_LINK | {"endpoint": endpoint(port)} | link
    return config, settings.model_copy(update={
        "link": settings.link.model_copy(update=update),
        "heartbeat": settings.heartbeat.model_copy(update={"timeout_s": heartbeat_timeout_s}),
    })  # fmt: skip


def with_security(settings: OpcUaSettings, **security: object) -> OpcUaSettings:
    return settings.model_copy(update={"security": settings.security.model_copy(update=security)})


@contextmanager
def plc_thread(config: ProfileConfig, settings: OpcUaSettings) -> Iterator[PlcSimulator]:
    plc = PlcSimulator(config, settings)
    plc.start()
    try:
        yield plc
    finally:
        plc.stop()


@contextmanager
def ua_client(config: ProfileConfig, settings: OpcUaSettings) -> Iterator[OpcUaProfile]:
    profile = OpcUaProfile(config, settings)
    profile.connect()
    try:
        yield profile
    finally:
        profile.disconnect()
