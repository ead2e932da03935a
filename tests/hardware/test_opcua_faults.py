"""Field faults over OPC UA on 127.0.0.1, as over Modbus: the server killed -9, a frozen PLC
(heartbeat stops, the session stays up), our certificate refused, a node id the server lacks.
Each: bad quality + the communication-loss alarm + the safe state, then recovery by itself.
Also: status codes and source timestamps reach the tick as quality and age."""

from __future__ import annotations

import shutil
import signal
import time

import pytest

from hmi.alarms.model import AlarmState
from hmi.core.process import Quality
from hmi.hardware.base import CommunicationError
from hmi.hardware.opcua import OpcUaProfile
from hmi.hardware.opcua_adapter import Variable
from tests.hardware.fieldbus_helpers import free_port, plc_process, wait_until
from tests.hardware.loop_helpers import comm_loss_alarm, hmi_loop, link_good
from tests.hardware.opcua_helpers import (
    OPCUA_PROFILE,
    plc_thread,
    ua_client,
    ua_settings,
    with_security,
)

NEVER_BLOCKS_S = 0.2  # far below a service call's timeout (0.5 s)


def _lost(runtime, profile) -> bool:
    snap = runtime.latest()
    return (
        snap is not None
        and snap.quality.get("areal_mass_mg_cm2") == Quality.BAD
        and comm_loss_alarm(runtime) is AlarmState.UNACK
        and profile.diagnostics().safe_state_active
        and profile.diagnostics().state != "connected"  # "connecting": never came up
    )


def _recovered(runtime, profile) -> bool:
    return link_good(runtime) and profile.diagnostics().state == "connected"


def _plc_safe(plc) -> bool:
    """The safe state reached the PLC's address space (line stopped, feeders off)."""
    return plc.wire.get("line_run_cmd") == 0.0 and plc.wire.get("feeder_active_sp_kg_h") == 0.0


@pytest.fixture(scope="module")
def shared_plc():
    port = free_port()
    config, settings = ua_settings(port)
    with plc_thread(config, settings) as plc:
        yield config, settings, plc


def test_server_killed_then_restarted(tmp_path):
    port = free_port()
    config, settings = ua_settings(port)
    with plc_process(OPCUA_PROFILE, port) as plc, hmi_loop(config, settings, OpcUaProfile) as loop:
        runtime, profile, timer = loop
        wait_until(lambda: _recovered(runtime, profile), 10.0, "link up")
        plc.send_signal(signal.SIGKILL)
        plc.wait(5)
        wait_until(lambda: _lost(runtime, profile), 3.0, "loss after kill -9")
        with plc_process(OPCUA_PROFILE, port):
            wait_until(lambda: _recovered(runtime, profile), 15.0, "recovery after restart")
            assert profile.diagnostics().reconnects >= 1
            wait_until(lambda: comm_loss_alarm(runtime) is AlarmState.RTN_UNACK, 5.0, "clears")
            assert profile.diagnostics().restart_interlock  # came back stopped
    assert timer.longest_s < NEVER_BLOCKS_S


def test_frozen_plc_is_a_lost_link_while_the_session_stays_up(shared_plc):
    config, settings, plc = shared_plc
    with hmi_loop(config, settings, OpcUaProfile) as (runtime, profile, timer):
        wait_until(lambda: _recovered(runtime, profile), 10.0, "link up")
        plc.freeze_heartbeat = True
        try:
            wait_until(lambda: _lost(runtime, profile), 3.0, "loss on a frozen heartbeat")
            assert "heartbeat frozen" in profile.diagnostics().reason
            wait_until(lambda: _plc_safe(plc), 3.0, "safe state written over the session")
        finally:
            plc.freeze_heartbeat = False
        wait_until(lambda: _recovered(runtime, profile), 5.0, "recovery")
    assert timer.longest_s < NEVER_BLOCKS_S


def test_wrong_node_id_is_a_lost_link_until_the_server_has_it(shared_plc):
    config, settings, plc = shared_plc
    tags = dict(settings.tags)
    tags["mixer_temperature_c"] = tags["mixer_temperature_c"].model_copy(
        update={"node": "s=Line.MixerTemperatureNew"}
    )
    wrong = settings.model_copy(update={"tags": tags})
    plc.wire.put("line_run_cmd", 1.0)
    with hmi_loop(config, wrong, OpcUaProfile) as (runtime, profile, timer):
        wait_until(lambda: _lost(runtime, profile), 5.0, "a missing node: link lost")
        reason = profile.diagnostics().reason
        assert "mixer_temperature_c" in reason and "BadNodeIdUnknown" in reason, reason
        wait_until(lambda: _plc_safe(plc), 3.0, "safe state to the outputs the server has")
        # the PLC program is downloaded again with the node: the link comes back by itself
        plc.wire.server.add_variables(
            [Variable("new_mixer", "Line", "s=Line.MixerTemperatureNew", "double", 21.0)]
        )
        wait_until(lambda: profile.diagnostics().state == "connected", 5.0, "recovery")
        wait_until(lambda: link_good(runtime), 5.0, "good values again")
    assert timer.longest_s < NEVER_BLOCKS_S


def test_status_codes_and_source_timestamps_become_quality_and_age(shared_plc):
    config, settings, plc = shared_plc
    with ua_client(config, settings) as profile:
        wait_until(lambda: _image(profile) is not None, 10.0, "link up")
        plc.wire.status["roll_temperature_c"] = 0x40000000  # Uncertain
        plc.wire.status["thickness_um"] = 0x80000000  # Bad
        try:
            wait_until(lambda: _quality(profile, "roll_temperature_c") == Quality.UNCERTAIN,
                       3.0, "uncertain")  # fmt: skip
            wait_until(lambda: _quality(profile, "thickness_um") == Quality.BAD, 3.0, "bad")
            assert _quality(profile, "areal_mass_mg_cm2") == Quality.GOOD
        finally:
            plc.wire.status.clear()
        wait_until(lambda: _quality(profile, "thickness_um") == Quality.GOOD, 3.0, "good again")
        # an input channel whose source timestamp stops: the value's age grows, then it is bad
        plc.wire.held["mixer_temperature_c"] = time.time()
        try:
            wait_until(lambda: _quality(profile, "mixer_temperature_c") == Quality.BAD, 3.0,
                       "an old source timestamp is a stale value")  # fmt: skip
            assert _image(profile).age_s["mixer_temperature_c"] > settings.link.stale_after_s
            assert _quality(profile, "areal_mass_mg_cm2") == Quality.GOOD
        finally:
            plc.wire.held.clear()
        wait_until(lambda: _quality(profile, "mixer_temperature_c") == Quality.GOOD, 3.0, "fresh")


def _image(profile):
    try:
        return profile.read(0.0)
    except CommunicationError:
        return None


def _quality(profile, tag):
    image = _image(profile)
    return None if image is None else image.quality[tag]


def test_certificate_refused_until_trusted(tmp_path, monkeypatch):
    monkeypatch.setenv("HMI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TEST_UA_PASSWORD", "plc-pass-31")
    port = free_port()
    config, settings = ua_settings(port, timeout_s=2.0)
    secure = with_security(settings, policy="Basic256Sha256", mode="SignAndEncrypt",
                           username="hmi", password_env="TEST_UA_PASSWORD")  # fmt: skip
    with plc_thread(config, secure) as plc, hmi_loop(config, secure, OpcUaProfile) as loop:
        runtime, profile, timer = loop
        wait_until(lambda: _lost(runtime, profile), 10.0, "an untrusted certificate: no link")
        assert "BadCertificateUntrusted" in profile.diagnostics().reason or (
            "Bad" in profile.diagnostics().reason
        ), profile.diagnostics().reason
        # the PLC's engineer trusts our certificate (made on first use in the data directory)
        trusted = tmp_path / "opcua" / "plc-trusted"
        trusted.mkdir(parents=True)
        shutil.copy(tmp_path / "opcua" / "hmi-client.der", trusted / "hmi.der")
        wait_until(lambda: _recovered(runtime, profile), 10.0, "trusted: the link comes up")
        assert plc.scans > 0
    assert timer.longest_s < NEVER_BLOCKS_S
