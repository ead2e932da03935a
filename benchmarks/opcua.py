"""OPC UA benchmarks (issue 14), JSON + a short table:

- plant_server: the HMI (emulated line, 100 Hz, real clock) with its plant OPC UA server
  publishing every tag at 10 Hz to 5 node-opcua clients in another process (each subscribed to
  every tag at 100 ms): notifications/s delivered, and the control loop's tick lateness with
  and without the server (alternating runs; medians);
- client_loop: the OPC UA client profile against `hmi plc serve` (another process): tick
  lateness, and the wire scenario's loop quality beside in-process (as bench-fieldbus does
  for Modbus TCP).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.fieldbus import KEYS, WIRE_SCENARIO, _hmi_over_wire, _lateness
from hmi.app import DEFAULT_PROFILE, build_stack
from hmi.core.tags import TAGS
from hmi.hardware.opcua import OpcUaProfile
from hmi.plantserver import serve_stack
from hmi.sim.runner import run_scenario
from hmi.sim.scenario import load_scenario
from tests.hardware.fieldbus_helpers import free_port, plc_process
from tests.hardware.loop_helpers import hmi_loop
from tests.hardware.node_opcua import node_script
from tests.hardware.opcua_helpers import OPCUA_PROFILE, ua_settings


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of another process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def plant_server(tmp: Path, seconds: float, repeats: int, clients: int) -> dict:
    stack = build_stack(DEFAULT_PROFILE, tmp / "data", history=False)
    stack.runtime.start()
    rows: list[dict] = []
    try:
        time.sleep(2.0)  # start-up transients out of the first run
        port = free_port()
        endpoint = f"opc.tcp://127.0.0.1:{port}"
        spec = {"endpoint": endpoint, "uri": "urn:dry-electrode-hmi:line",
                "nodes": [f"Line.Tags.{n}" for n in TAGS], "clients": clients,
                "interval_ms": 100, "warmup_s": 2.0, "seconds": seconds}  # fmt: skip
        for run in range(repeats):
            cpu0, wall0 = os.times(), time.monotonic()
            rows.append({"run": run, "server": False, "load": _load(),
                         **_lateness(stack.runtime, seconds)})  # fmt: skip
            cpu = os.times()
            rows[-1]["hmi_process_cpu_pct"] = round(
                100 * (cpu.user + cpu.system - cpu0.user - cpu0.system)
                / (time.monotonic() - wall0), 1,
            )  # fmt: skip
            if run == 0:
                assert serve_stack(stack, endpoint) is None
                server = stack.closers[-1].__self__
            server_running = server
            with node_script("bench_clients.js", spec, tmp) as proc:
                time.sleep(spec["warmup_s"])
                cpu0, wall0, node0 = os.times(), time.monotonic(), _cpu_s(proc.pid)
                row = {"run": run, "server": True, "load": _load(),
                       **_lateness(stack.runtime, seconds)}  # fmt: skip
                wall = time.monotonic() - wall0
                cpu = os.times()
                row["hmi_process_cpu_pct"] = round(
                    100 * (cpu.user + cpu.system - cpu0.user - cpu0.system) / wall, 1
                )
                row["clients_process_cpu_pct"] = round(100 * (_cpu_s(proc.pid) - node0) / wall, 1)
                out, _ = proc.communicate(timeout=60)
                counted = json.loads([x for x in out.splitlines() if x.startswith("{")][-1])
                row |= {"notifications_per_s": round(counted.get("per_s", 0.0), 1),
                        "clients": clients,
                        "published_cycles": server_running.published}  # fmt: skip
                rows.append(row)
            print(f"  run {run}: p99 {rows[-2]['lateness_p99_ms']} / {row['lateness_p99_ms']} ms, "
                  f"{row['notifications_per_s']} notifications/s", file=sys.stderr)  # fmt: skip
    finally:
        stack.close()

    def median(key: str, with_server: bool) -> float:
        return round(statistics.median(r[key] for r in rows if r["server"] == with_server), 3)

    return {
        "runs": rows,
        "tags": len(TAGS),
        "clients": clients,
        "notifications_per_s_median": median("notifications_per_s", True),
        "lateness_p99_ms_median_without": median("lateness_p99_ms", False),
        "lateness_p99_ms_median_with": median("lateness_p99_ms", True),
        "lateness_p50_ms_median_without": median("lateness_p50_ms", False),
        "lateness_p50_ms_median_with": median("lateness_p50_ms", True),
        "lateness_p99_ms_spread_without": [r["lateness_p99_ms"] for r in rows if not r["server"]],
    }


def client_loop(tmp: Path, seconds: float, scenario_path: Path) -> dict:
    port = free_port()
    config, settings = ua_settings(port, heartbeat_timeout_s=1.0)
    result: dict = {}
    with plc_process(OPCUA_PROFILE, port), hmi_loop(config, settings, OpcUaProfile) as loop:
        runtime, profile, _ = loop
        time.sleep(2.0)
        result["tick_lateness"] = {"load": _load(), **_lateness(runtime, seconds),
                                   "comm_losses": profile.diagnostics().comm_losses}  # fmt: skip
    scenario = load_scenario(scenario_path)
    rows = [{"over": "in-process (simulated clock)", **run_scenario(scenario)}]
    port = free_port()
    report, log = tmp / "ua.json", tmp / "plc.log"
    config, settings = ua_settings(port, heartbeat_timeout_s=1.0)
    command = [sys.executable, "-m", "hmi", "plc", "serve", "--profile", str(OPCUA_PROFILE),
               "--port", str(port), "--scenario", str(scenario_path),
               "--report", str(report)]  # fmt: skip
    with log.open("w") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while "serving" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.01)
    load = _load()
    link = _hmi_over_wire(config, settings, scenario, time.monotonic(), OpcUaProfile)
    proc.wait(90)
    if not report.exists():
        raise RuntimeError(f"hmi plc serve wrote no report:\n{log.read_text()}")
    rows.append({**json.loads(report.read_text()), **link, "over": "OPC UA 127.0.0.1",
                 "load": load})  # fmt: skip
    result["scenario_wire"] = rows
    return result


def table(result: dict) -> str:
    lines = []
    p = result.get("plant_server")
    if p:
        lines += [
            f"plant server, {p['tags']} tags at 10 Hz to {p['clients']} clients:",
            f"  notifications/s delivered (median): {p['notifications_per_s_median']}",
            "  tick lateness p50 / p99 ms (medians): without "
            f"{p['lateness_p50_ms_median_without']} / {p['lateness_p99_ms_median_without']}, "
            f"with {p['lateness_p50_ms_median_with']} / {p['lateness_p99_ms_median_with']}",
            f"  p99 without, run by run: {p['lateness_p99_ms_spread_without']}",
        ]
    c = result.get("client_loop")
    if c:
        t = c["tick_lateness"]
        lines.append(f"OPC UA client profile tick lateness p50/p99/max ms: "
                     f"{t['lateness_p50_ms']} / {t['lateness_p99_ms']} / {t['lateness_max_ms']}, "
                     f"overruns {t['overruns']}")  # fmt: skip
        lines.append("| over | " + " | ".join(KEYS) + " |")
        lines.append("|---" * (len(KEYS) + 1) + "|")
        for row in c["scenario_wire"]:
            lines.append(
                f"| {row['over']} | " + " | ".join(str(row.get(k, "")) for k in KEYS) + " |"
            )
    return "\n".join(lines)


CASES = ("plant_server", "client_loop")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench-opcua", description=__doc__)
    parser.add_argument("--cases", nargs="*", default=list(CASES), choices=CASES)
    parser.add_argument("--seconds", type=float, default=20.0, help="each lateness run")
    parser.add_argument("--repeats", type=int, default=3, help="pairs of runs without/with")
    parser.add_argument("--clients", type=int, default=5)
    parser.add_argument("--scenario", default=str(WIRE_SCENARIO))
    parser.add_argument("--out", default="bench-results/opcua.json")
    args = parser.parse_args(argv)
    result: dict = {"machine": {"platform": platform.platform(), "cpus": os.cpu_count(),
                                "load_at_start": _load()}}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="hmi-opcua-") as tmp:
        for case in args.cases:
            print(f"running {case} ...", file=sys.stderr, flush=True)
            directory = Path(tmp) / case
            directory.mkdir()
            if case == "plant_server":
                result[case] = plant_server(directory, args.seconds, args.repeats, args.clients)
            else:
                result[case] = client_loop(directory, args.seconds, Path(args.scenario))
    result["machine"]["load_at_end"] = _load()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(table(result))
    print(f"\nJSON: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
