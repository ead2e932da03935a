"""Interoperability with independent Modbus stacks, on loopback only:
- our client (the modbus_tcp / modbus_rtu drivers) against a modbus-tk slave, over TCP and
  over RTU through a socat pty pair;
- our PLC simulator's server against pyModbusTCP (TCP) and minimalmodbus (RTU).
Values are packed here with struct, not with our codec, so a wrong byte or word order shows."""

from __future__ import annotations

import struct
import threading

import minimalmodbus
import modbus_tk.defines as cst
import pytest
import serial
from modbus_tk import modbus_rtu, modbus_tcp
from pyModbusTCP.client import ModbusClient as PyModbusTcpClient

from hmi.core.process import Outputs, Quality
from hmi.sim.plc import PlcSimulator
from tests.hardware.fieldbus_helpers import (
    RTU_PROFILE,
    TCP_PROFILE,
    client,
    free_port,
    pty_pair,
    settings_for,
    wait_until,
)


def _f32(value: float) -> list[int]:
    return list(struct.unpack(">HH", struct.pack(">f", value)))


def _from_f32(words: list[int]) -> float:
    return struct.unpack(">f", struct.pack(">HH", *words))[0]


class _TkSlave:
    """A modbus-tk slave holding a line image and counting its heartbeat like a PLC."""

    def __init__(self, server, rtu: bool) -> None:
        self.server = server
        self.rtu = rtu
        server.start()
        self.slave = server.add_slave(1)
        for name, kind in (("ir", cst.ANALOG_INPUTS), ("hr", cst.HOLDING_REGISTERS)):
            self.slave.add_block(name, kind, 0, 200)
        self.slave.add_block("di", cst.DISCRETE_INPUTS, 0, 16)
        self.slave.add_block("co", cst.COILS, 0, 16)
        self._stop = threading.Event()
        self._beat = threading.Thread(target=self._heartbeat, daemon=True)
        self._beat.start()

    def _heartbeat(self) -> None:
        n = 0
        while not self._stop.wait(0.02):
            n = (n + 1) & 0xFFFF
            self.slave.set_values("ir", 0, [n])

    def stop(self) -> None:
        self._stop.set()
        self._beat.join(2)
        self.server.stop()


def _check_image_and_writes(profile, slave: _TkSlave) -> None:
    if slave.rtu:  # scaled uint16: 29.87 mg/cm² at 0.01, 123.44 µm at 0.02
        slave.slave.set_values("ir", 1, [2987])
        slave.slave.set_values("ir", 6, [6172, 6200])
    else:
        slave.slave.set_values("ir", 2, _f32(29.87))
        slave.slave.set_values("ir", 12, _f32(123.44) + _f32(124.0))
    slave.slave.set_values("di", 0, [1])
    profile.connect()
    try:

        def image_arrived() -> bool:
            try:
                image = profile.read(1.0)
            except OSError:
                return False
            profile.write(Outputs({}))
            return image.is_good("areal_mass_mg_cm2")

        wait_until(image_arrived, 5.0, "a good image from the modbus-tk slave")
        image = profile.read(2.0)
        assert image.values["areal_mass_mg_cm2"] == pytest.approx(29.87, abs=1e-4)
        assert image.values["gap_os_um"] == pytest.approx(123.44, abs=1e-4)
        assert image.values["gap_ds_um"] == pytest.approx(124.0 if slave.rtu else 124.0)
        assert image.values["line_running"] == 1.0
        assert image.quality["gap_ds_um"] is Quality.GOOD
        assert image.age_s["gap_ds_um"] < 1.0

        profile.write(Outputs({"gap_os_sp_um": 150.5, "line_run_cmd": 1.0}))
        if slave.rtu:
            wait_until(lambda: slave.slave.get_values("hr", 10, 1) == (7525,), 3.0, "gap sp")
        else:
            wait_until(
                lambda: _from_f32(list(slave.slave.get_values("hr", 10, 2))) == 150.5, 3.0, "gap sp"
            )
        wait_until(lambda: slave.slave.get_values("co", 0, 1) == (1,), 3.0, "run coil")
        # the HMI watchdog counts up (written every I/O cycle, counted every tick)
        first = slave.slave.get_values("hr", 0, 1)[0]
        for _ in range(5):
            profile.write(Outputs({}))
        wait_until(lambda: slave.slave.get_values("hr", 0, 1)[0] != first, 3.0, "watchdog")
    finally:
        profile.disconnect()


def test_our_tcp_client_reads_and_writes_a_modbus_tk_slave():
    port = free_port()
    slave = _TkSlave(modbus_tcp.TcpServer(port=port, address="127.0.0.1"), rtu=False)
    try:
        config, settings = settings_for(TCP_PROFILE, port=port)
        _check_image_and_writes(client(config, settings), slave)
    finally:
        slave.stop()


def test_our_rtu_master_reads_and_writes_a_modbus_tk_slave_over_a_pty_pair(tmp_path):
    with pty_pair(tmp_path) as (ours, theirs):
        line = serial.Serial(theirs, baudrate=115200, parity="N", stopbits=1, bytesize=8)
        slave = _TkSlave(modbus_rtu.RtuServer(line), rtu=True)
        try:
            config, settings = settings_for(RTU_PROFILE, port=ours)
            _check_image_and_writes(client(config, settings), slave)
        finally:
            slave.stop()


def test_the_plc_simulator_serves_pymodbustcp_with_heartbeat_and_watchdog_safe_state():
    port = free_port()
    config, settings = settings_for(TCP_PROFILE, heartbeat_timeout_s=0.3, port=port)
    plc = PlcSimulator(config, settings)
    plc.start()
    peer = PyModbusTcpClient(host="127.0.0.1", port=port, unit_id=1, auto_open=True, timeout=1.0)
    try:
        regs = peer.read_input_registers(0, 36)
        assert regs is not None and len(regs) == 36
        assert _from_f32(regs[2:4]) == pytest.approx(30.0, rel=0.02)  # areal mass, mg/cm²
        wait_until(lambda: peer.read_input_registers(0, 1)[0] != regs[0], 2.0, "PLC heartbeat")
        assert peer.read_discrete_inputs(0, 1) == [True]  # line running

        # an HMI writes a gap setpoint and counts its watchdog: the plant follows
        assert peer.write_multiple_registers(10, _f32(140.0))
        for n in range(1, 6):
            assert peer.write_single_register(0, n)
        wait_until(lambda: plc.plant.commands.gap_sp_um["os"] == pytest.approx(140.0), 2.0)
        assert plc.plant.commands.run

        # the watchdog stops: the PLC applies the profile's safe state by itself
        wait_until(lambda: plc.safe_state_active, 2.0, "PLC safe state on a frozen watchdog")
        commands = plc.plant.commands
        assert not commands.run and commands.feeder_sp_kg_h["active"] == 0.0
        assert commands.gap_sp_um["os"] == pytest.approx(140.0)  # gaps hold
        assert peer.write_single_register(0, 99)  # the HMI is back
        wait_until(lambda: not plc.safe_state_active, 2.0, "leaves safe state")
    finally:
        peer.close()
        plc.stop()


def test_the_plc_simulator_answers_minimalmodbus_over_rtu(tmp_path):
    with pty_pair(tmp_path) as (plc_side, master_side):
        config, settings = settings_for(RTU_PROFILE, port=plc_side)
        plc = PlcSimulator(config, settings)
        plc.start()
        try:
            master = minimalmodbus.Instrument(master_side, 1)
            master.serial.baudrate = 115200
            master.serial.timeout = 1.0
            areal = master.read_register(1, number_of_decimals=2, functioncode=4)
            assert areal == pytest.approx(30.0, rel=0.02)
            beat = master.read_register(0, functioncode=4)
            wait_until(lambda: master.read_register(0, functioncode=4) != beat, 2.0, "heartbeat")
            assert master.read_bits(0, 4, functioncode=2)[0] == 1
            master.write_registers(10, [7000])  # 140.00 µm at 0.02 µm per count
            wait_until(lambda: plc.plant.commands.gap_sp_um["os"] == pytest.approx(140.0), 2.0)
        finally:
            plc.stop()
