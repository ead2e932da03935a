"""Our OPC UA client driver against node-opcua 2.186.4 (an independent stack) as the line
PLC's server: subscribed values with quality from status codes and age from source timestamps,
outputs written, the heartbeat both ways, a killed server is a lost link; Basic256Sha256
SignAndEncrypt with a user name and password, and a wrong password refused."""

from __future__ import annotations

import pytest

from hmi.core.process import Outputs, Quality
from hmi.hardware.base import CommunicationError
from hmi.hardware.opcua_settings import split_node
from tests.hardware.fieldbus_helpers import free_port, wait_until
from tests.hardware.node_opcua import node_script
from tests.hardware.opcua_helpers import ua_client, ua_settings, with_security


def _spec(settings, port: int, **extra) -> dict:
    uri = settings.link.namespace_uri
    ident = {n: split_node(t.node, uri)[1] for n, t in settings.tags.items()}
    nodes = [{"id": ident[n], "type": t.type, "writable": settings.direction(n) == "write"}
             for n, t in settings.tags.items()]  # fmt: skip
    hb = settings.heartbeat
    nodes += [{"id": hb.plc_heartbeat, "type": "uint16", "writable": False},
              {"id": hb.hmi_watchdog, "type": "uint16", "writable": True}]  # fmt: skip
    return {
        "port": port, "uri": uri, "nodes": nodes, "heartbeat": hb.plc_heartbeat,
        "echo": {ident["gap_os_sp_um"]: ident["gap_os_um"],
                 ident["line_run_cmd"]: ident["line_running"]},
        "status": {ident["mixer_temperature_c"]: "Uncertain", ident["roll_angle_rad"]: "Bad"},
        "values": {ident["areal_mass_mg_cm2"]: 30.5},
    } | extra  # fmt: skip


def _good(profile, tag: str, value: float) -> bool:
    try:
        image = profile.read(0.0)
    except CommunicationError:
        return False
    return image.quality[tag] == Quality.GOOD and abs(image.values[tag] - value) < 1e-6


def test_client_driver_against_node_opcua_server(tmp_path):
    port = free_port()
    config, settings = ua_settings(port)
    with node_script("plc_server.js", _spec(settings, port), tmp_path) as server:
        with ua_client(config, settings) as profile:
            wait_until(lambda: _good(profile, "areal_mass_mg_cm2", 30.5), 10.0, "first values")
            image = profile.read(0.0)
            assert image.age_s["areal_mass_mg_cm2"] < settings.link.stale_after_s
            assert image.quality["mixer_temperature_c"] == Quality.UNCERTAIN
            assert image.quality["roll_angle_rad"] == Quality.BAD
            assert image.values["mixer_temperature_c"] == 1.5  # an uncertain value still shows

            def command(gap_um: float, run: float) -> None:
                profile.write(Outputs({"gap_os_sp_um": gap_um, "line_run_cmd": run}))

            command(151.25, 1.0)
            wait_until(lambda: (command(151.25, 1.0), _good(profile, "gap_os_um", 151.25))[1],
                       5.0, "the PLC echoes the gap set-point")  # fmt: skip
            assert _good(profile, "line_running", 1.0)
            assert profile.diagnostics().state == "connected"

            server.kill()
            server.wait(5)

            def lost() -> bool:
                try:
                    profile.read(0.0)
                except CommunicationError:
                    return True
                return False

            wait_until(lost, 5.0, "killed server -> lost link")
            assert profile.diagnostics().safe_state_active


@pytest.mark.parametrize("mode", ["Sign", "SignAndEncrypt"])
def test_basic256sha256_with_user_against_node_opcua(tmp_path, monkeypatch, mode):
    monkeypatch.setenv("HMI_DATA_DIR", str(tmp_path / "data"))
    port = free_port()
    config, settings = ua_settings(port, timeout_s=2.0)
    spec = _spec(settings, port, secure=True, user="hmi", password="s3cret-line-7")
    secure = with_security(settings, policy="Basic256Sha256", mode=mode, username="hmi",
                           password_env="TEST_UA_PASSWORD")  # fmt: skip
    with node_script("plc_server.js", spec, tmp_path):
        monkeypatch.setenv("TEST_UA_PASSWORD", "wrong")
        with ua_client(config, secure) as profile:
            wait_until(lambda: "BadUserAccessDenied" in profile.diagnostics().reason
                       or "BadIdentityTokenRejected" in profile.diagnostics().reason,
                       10.0, "a wrong password is refused")  # fmt: skip
            with pytest.raises(CommunicationError):
                profile.read(0.0)
        monkeypatch.setenv("TEST_UA_PASSWORD", "s3cret-line-7")
        with ua_client(config, secure) as profile:
            wait_until(lambda: _good(profile, "areal_mass_mg_cm2", 30.5), 15.0, "secure session")
        # our certificate was made on first use, in the data directory
        assert (tmp_path / "data" / "opcua" / "hmi-client.der").stat().st_size > 500
        assert (tmp_path / "data" / "opcua" / "hmi-client.pem").stat().st_mode & 0o077 == 0
