"""`hmi plc serve` on the command line: refuses a profile without a fieldbus, serves for a
given time on a given port and writes its report."""

from __future__ import annotations

import json

from hmi.app import DEFAULT_PROFILE, main
from tests.hardware.fieldbus_helpers import TCP_PROFILE, free_port


def test_a_profile_without_a_fieldbus_is_refused(capsys):
    assert main(["plc", "serve", "--profile", str(DEFAULT_PROFILE)]) == 2
    assert "profile.driver must be modbus_tcp, modbus_rtu or opcua" in capsys.readouterr().err


def test_serves_opcua_for_the_duration(tmp_path, capsys):
    profile = TCP_PROFILE.with_name("opcua.toml")
    argv = ["plc", "serve", "--profile", str(profile), "--port", str(free_port()),
            "--duration", "0.3", "--report", str(tmp_path / "r.json")]  # fmt: skip
    assert main(argv) == 0
    assert "serving opc.tcp://127.0.0.1:" in capsys.readouterr().out
    assert json.loads((tmp_path / "r.json").read_text())["scans"] > 5


def test_serves_for_the_duration_and_writes_a_report(tmp_path, capsys):
    report = tmp_path / "r.json"
    argv = ["plc", "serve", "--profile", str(TCP_PROFILE), "--port", str(free_port()),
            "--duration", "0.3", "--report", str(report)]  # fmt: skip
    assert main(argv) == 0
    assert "serving Modbus TCP 127.0.0.1" in capsys.readouterr().out
    assert json.loads(report.read_text())["scans"] > 5  # 100 Hz scans


def test_serves_a_scenario_and_reports_its_statistics(tmp_path, capsys):
    """The wire benchmarks judge the film with `--scenario`: it must run (the collector
    gained the start-up tracker in issue 13 and this path was not covered)."""
    scenario = TCP_PROFILE.parents[1] / "benchmarks" / "wire_scenario.toml"
    report = tmp_path / "r.json"
    argv = ["plc", "serve", "--profile", str(TCP_PROFILE), "--port", str(free_port()),
            "--scenario", str(scenario), "--duration", "0.5", "--report", str(report)]  # fmt: skip
    assert main(argv) == 0
    result = json.loads(report.read_text())
    assert result["scenario"] and result["plc_scans"] > 5
    assert "areal_mass_2sigma_pct" in result
