"""The one module that imports pymodbus (pinned 3.16.1: its API breaks between minor releases,
see ../shared/FACTS.md). Everything else talks to `ModbusClient`, `RegisterStore` and
`ModbusServer` and sees LinkError / LinkTimeout, never a pymodbus type."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Sequence
from typing import Any

from pymodbus import FramerType
from pymodbus.client import ModbusSerialClient, ModbusTcpClient
from pymodbus.constants import ExcCodes
from pymodbus.exceptions import ConnectionException, ModbusIOException, NoSuchIdException
from pymodbus.server import ModbusSerialServer, ModbusTcpServer
from pymodbus.simulator import SimData, SimDevice

from hmi.core.priority import SIMULATOR, raise_this_thread
from hmi.hardware.fieldbus import LinkError, LinkTimeout

# pymodbus logs every timeout and refused connection at ERROR; the link supervision counts
# and reports them itself.
logging.getLogger("pymodbus").setLevel(logging.CRITICAL)

_READ = {
    "coil": "read_coils",
    "discrete_input": "read_discrete_inputs",
    "holding_register": "read_holding_registers",
    "input_register": "read_input_registers",
}


class ModbusClient:
    """A synchronous Modbus master (TCP or RTU): one request at a time, no retries of its
    own (the caller counts and retries), bounded by `timeout_s`."""

    def __init__(self, *, tcp: tuple[str, int] | None = None, serial: dict | None = None,
                 timeout_s: float = 0.25) -> None:  # fmt: skip
        common: dict[str, Any] = {"timeout": timeout_s, "retries": 0, "reconnect_delay": 0}
        if tcp is not None:
            self._client: Any = ModbusTcpClient(tcp[0], port=tcp[1], **common)
            self.endpoint = f"tcp://{tcp[0]}:{tcp[1]}"
        elif serial is not None:
            self._client = ModbusSerialClient(framer=FramerType.RTU, **serial, **common)
            self.endpoint = f"rtu:{serial['port']}@{serial.get('baudrate', 19200)}"
        else:
            raise ValueError("ModbusClient: tcp or serial")

    def connect(self) -> None:
        try:
            ok = self._client.connect()
        except Exception as exc:  # serial port missing, refused, ...
            raise LinkError(f"{self.endpoint}: cannot connect: {exc}") from None
        if not ok:
            raise LinkError(f"{self.endpoint}: cannot connect")

    def close(self) -> None:
        try:
            self._client.close()
        except Exception:  # closing a dead socket must not raise
            pass

    def read(self, table: str, start: int, count: int, unit: int) -> list[int]:
        response = self._call(_READ[table], start, count=count, device_id=unit)
        values = response.bits if table in ("coil", "discrete_input") else response.registers
        if len(values) < count:
            raise LinkError(f"short reply: {len(values)} of {count} {table} values")
        return [int(v) for v in values[:count]]

    def write(self, table: str, start: int, values: Sequence[int], unit: int) -> None:
        if table == "coil":
            self._call("write_coils", start, [bool(v) for v in values], device_id=unit)
        elif table == "holding_register":
            self._call("write_registers", start, list(values), device_id=unit)
        else:
            raise LinkError(f"{table} is read-only")

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        try:
            response = getattr(self._client, method)(*args, **kwargs)
        except ModbusIOException as exc:
            raise LinkTimeout(f"no valid reply: {exc}") from None
        except ConnectionException as exc:
            raise LinkError(f"connection: {exc}") from None
        except Exception as exc:  # a garbled frame can surface as anything
            raise LinkError(f"{type(exc).__name__}: {exc}") from None
        if response.isError():
            raise LinkError(f"exception reply {getattr(response, 'exception_code', '?')}")
        return response


_FUNCTIONS = {1: "coil", 5: "coil", 15: "coil", 2: "discrete_input", 4: "input_register"}
_FUNCTIONS |= dict.fromkeys((3, 6, 16, 22, 23), "holding_register")


class RegisterStore:
    """The four tables of a simulated PLC, plain lists behind a lock: the PLC program reads and
    writes them synchronously, the pymodbus server through its datastore calls."""

    def __init__(self, unit_ids: Sequence[int], size: int = 1024) -> None:
        self.unit_ids = tuple(unit_ids)
        self.tables: dict[str, list[int]] = {t: [0] * size for t in _READ}
        self.lock = threading.Lock()
        self.response_delay_s = 0.0  # fault injection: a slow slave

    def get(self, table: str, start: int, count: int) -> list[int]:
        with self.lock:
            return self.tables[table][start : start + count]

    def set(self, table: str, start: int, values: Sequence[int]) -> None:
        with self.lock:
            self.tables[table][start : start + len(values)] = list(values)

    # ----- pymodbus datastore protocol (called in the server's event loop) -----
    def device_ids(self) -> list[int]:
        return list(self.unit_ids)

    async def async_getValues(self, device_id: int, func_code: int, address: int, count: int = 1):
        await self._serve(device_id)
        table = _FUNCTIONS.get(func_code)
        if table is None:
            return ExcCodes.ILLEGAL_FUNCTION
        with self.lock:
            data = self.tables[table]
            if address + count > len(data):
                return ExcCodes.ILLEGAL_ADDRESS
            values = data[address : address + count]
        return [bool(v) for v in values] if table in ("coil", "discrete_input") else values

    async def async_setValues(self, device_id: int, func_code: int, address: int, values):
        await self._serve(device_id)
        table = _FUNCTIONS.get(func_code)
        if table not in ("coil", "holding_register"):
            return ExcCodes.ILLEGAL_FUNCTION
        with self.lock:
            data = self.tables[table]
            if address + len(values) > len(data):
                return ExcCodes.ILLEGAL_ADDRESS
            data[address : address + len(values)] = [int(v) for v in values]
        return None

    async def _serve(self, device_id: int) -> None:
        if device_id not in self.unit_ids:
            raise NoSuchIdException(f"unit {device_id}")  # no reply, as a slave on a bus
        if self.response_delay_s > 0:
            await asyncio.sleep(self.response_delay_s)


class ModbusServer:
    """A Modbus TCP server or RTU slave serving a RegisterStore, in its own thread."""

    def __init__(self, store: RegisterStore, *, tcp: tuple[str, int] | None = None,
                 serial: dict | None = None) -> None:  # fmt: skip
        self.store = store
        self._tcp, self._serial = tcp, serial
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def start(self, timeout_s: float = 5.0) -> None:
        self._thread = threading.Thread(target=self._run, name="modbus-server", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout_s) or self._error is not None:
            raise LinkError(f"Modbus server did not start: {self._error}")

    def stop(self) -> None:
        loop, server = self._loop, self._server
        if loop is not None and server is not None and loop.is_running():
            asyncio.run_coroutine_threadsafe(server.shutdown(), loop).result(5.0)
        if self._thread is not None:
            self._thread.join(5.0)

    def _run(self) -> None:
        raise_this_thread(SIMULATOR)  # a PLC answers its fieldbus from a real-time task
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # reported to start()
            self._error = exc
            self._ready.set()

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        # a placeholder device satisfies the constructor; our store replaces its datastore
        device = SimDevice(0, simdata=[SimData(0, values=0)])
        common = {"ignore_missing_devices": True}
        if self._tcp is not None:
            server = ModbusTcpServer(device, address=self._tcp, **common)
        else:
            server = ModbusSerialServer(device, framer=FramerType.RTU, **self._serial, **common)
        server.context = self.store
        self._server = server
        await server.serve_forever(background=True)
        self._ready.set()
        await server.serving


def wait_listening(host: str, port: int, timeout_s: float = 10.0) -> bool:
    """True once a TCP server accepts connections on host:port."""
    import socket

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.05)
    return False
