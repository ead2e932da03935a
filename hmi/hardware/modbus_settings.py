"""The Modbus drivers' sections of a hardware profile (see docs/fieldbus.md): the link, the
heartbeat, poll groups, the safe state and the tag map. Validated by pydantic and checked
against the tag registry; no protocol library is imported here."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hmi.hardware.tagmap import PollGroup, Register, TagEntry, check_tag_map


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Link(_Strict):
    unit_id: int = Field(default=1, ge=0, le=247)
    timeout_s: float = Field(default=0.25, gt=0.0, le=10.0)  # per request
    retries: int = Field(default=1, ge=0, le=5)  # per request, before the link is lost
    reconnect_min_s: float = Field(default=0.2, gt=0.0, le=60.0)  # backoff doubles up to max
    reconnect_max_s: float = Field(default=5.0, gt=0.0, le=600.0)
    stale_after_s: float = Field(default=1.0, gt=0.0, le=3600.0)  # a value older is bad
    write_refresh_s: float = Field(default=1.0, gt=0.0, le=3600.0)  # resend unchanged outputs
    max_gap: int = Field(default=4, ge=0, le=32)  # unused registers read through in one request


class TcpLink(_Link):
    host: str = "127.0.0.1"
    port: int = Field(default=502, ge=1, le=65535)


class RtuLink(_Link):
    port: str = Field(min_length=1)  # serial device, e.g. /dev/ttyUSB0 or COM3
    baudrate: Literal[1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] = 19200
    parity: Literal["N", "E", "O"] = "E"
    stopbits: Literal[1, 2] = 1
    bytesize: Literal[7, 8] = 8


class Heartbeat(_Strict):
    """Both ways: the HMI counts `hmi_watchdog` up every control tick (the PLC stops the line
    when it stops moving); the PLC counts `plc_heartbeat` up every scan (the HMI calls the link
    lost when it stops moving, even while TCP stays up)."""

    hmi_watchdog: Register
    plc_heartbeat: Register
    timeout_s: float = Field(default=1.0, gt=0.0, le=60.0)


class ModbusSettings(_Strict):
    heartbeat: Heartbeat
    poll_groups: dict[str, PollGroup] = Field(min_length=1)
    tags: dict[str, TagEntry] = Field(min_length=1)
    safe_state: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _registry(self) -> ModbusSettings:
        for where, register in self.heartbeat.model_dump().items():
            if isinstance(register, dict) and register["table"] in ("coil", "discrete_input"):
                raise ValueError(f"heartbeat.{where}.table: a counter needs a register table")
        if self.heartbeat.hmi_watchdog.table != "holding_register":
            raise ValueError("heartbeat.hmi_watchdog.table: the HMI writes it: holding_register")
        registers = {"hmi_watchdog": self.heartbeat.hmi_watchdog}
        registers["plc_heartbeat"] = self.heartbeat.plc_heartbeat
        check_tag_map(self.tags, self.poll_groups, registers, self.safe_state)
        return self


class ModbusTcpSettings(ModbusSettings):
    link: TcpLink


class ModbusRtuSettings(ModbusSettings):
    link: RtuLink
