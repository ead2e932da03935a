"""`hmi plc serve`: the line PLC simulator on the command line."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path


def add_parsers(commands: argparse._SubParsersAction) -> None:
    plc = commands.add_parser("plc", help="the line PLC simulator (Modbus TCP / RTU, OPC UA)")
    sub = plc.add_subparsers(dest="plc_command", metavar="", required=True)
    serve = sub.add_parser(
        "serve",
        help="run the emulated line in real time behind the profile's protocol",
        description="Run the emulated plant in real time as the line PLC: a Modbus TCP server, "
        "a Modbus RTU slave or an OPC UA server with the profile's register map / node set, "
        "heartbeat and safe state (docs/fieldbus.md, docs/opcua.md). Stops on Ctrl+C / SIGTERM, "
        "or at the scenario's end.",
    )
    serve.add_argument("--profile", dest="plc_profile", metavar="FILE", required=True,
                       help="a modbus_tcp, modbus_rtu or opcua hardware profile")  # fmt: skip
    serve.add_argument("--scenario", metavar="FILE", help="play this scenario's plant events")
    serve.add_argument("--report", metavar="FILE.json", help="write the scenario statistics")
    serve.add_argument(
        "--port", type=int, help="TCP port (overrides the profile's link.port / endpoint port)"
    )
    serve.add_argument("--serial", metavar="DEVICE", help="serial device (overrides link.port)")
    serve.add_argument("--duration", type=float, metavar="S", help="stop after S seconds")


def run(args: argparse.Namespace) -> int:
    from hmi.hardware.config import ProfileError, driver_settings, load_profile
    from hmi.hardware.modbus_settings import ModbusSettings, ModbusTcpSettings
    from hmi.hardware.opcua_settings import OpcUaSettings
    from hmi.sim.plc import PlcSimulator
    from hmi.sim.runner import profile_config
    from hmi.sim.scenario import ScenarioError, load_scenario

    try:
        config = load_profile(Path(args.plc_profile))
        settings = driver_settings(config, args.plc_profile)
        scenario = load_scenario(Path(args.scenario)) if args.scenario else None
    except (ProfileError, ScenarioError) as exc:
        print(f"hmi plc serve: {exc}", file=sys.stderr)
        return 2
    if not isinstance(settings, ModbusSettings | OpcUaSettings):
        print(f"hmi plc serve: {args.plc_profile}: profile.driver must be modbus_tcp, "
              "modbus_rtu or opcua", file=sys.stderr)  # fmt: skip
        return 2
    link: dict[str, object] = {}
    if args.port is not None:
        if not isinstance(settings, ModbusTcpSettings | OpcUaSettings) or not (
            1 <= args.port <= 65535
        ):
            print("hmi plc serve: --port needs a modbus_tcp or opcua profile and 1..65535",
                  file=sys.stderr)  # fmt: skip
            return 2
        if isinstance(settings, OpcUaSettings):
            host = settings.link.endpoint.removeprefix("opc.tcp://").split("/")[0].rsplit(":", 1)[0]
            link["endpoint"] = f"opc.tcp://{host}:{args.port}"
        else:
            link["port"] = args.port
    if args.serial:
        link["port"] = args.serial
    if link:
        settings = settings.model_copy(update={"link": settings.link.model_copy(update=link)})
    plant = profile_config(scenario) if scenario else None
    simulator = PlcSimulator(config, settings, plant_config=plant, scenario=scenario)
    try:
        simulator.start()
    except OSError as exc:
        print(f"hmi plc serve: cannot serve: {exc}", file=sys.stderr)
        return 2
    print(f"hmi plc serve: {config.profile.name}: serving {simulator.endpoint}", flush=True)
    done = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: done.set())
    duration = args.duration or (scenario.scenario.duration_s if scenario else None)
    try:
        done.wait(duration)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    simulator.stop()  # the scans end before the statistics are read
    report = simulator.report()
    if args.report:
        Path(args.report).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"hmi plc serve: stopped after {simulator.scans} scans", flush=True)
    return 0
