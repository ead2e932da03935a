"""Field faults over Modbus TCP on 127.0.0.1: the simulator killed -9, a frozen PLC (heartbeat
stops while TCP stays up), a slow slave, a wrong unit id, garbage frames. Each ends as bad
quality + the communication-loss alarm + the profile's safe state on the outputs, then the
link comes back by itself; the control thread never waits on the wire."""

from __future__ import annotations

import signal

import pytest

from hmi.alarms.model import AlarmState
from hmi.core.process import Outputs, Quality
from hmi.runtime import StartLine, StopLine
from hmi.sim.plc import PlcSimulator
from tests.hardware.fault_proxy import FaultProxy
from tests.hardware.fieldbus_helpers import (
    FAST_LINK,
    TCP_PROFILE,
    client,
    free_port,
    plc_process,
    settings_for,
    wait_until,
)
from tests.hardware.loop_helpers import comm_loss_alarm, hmi_loop, link_good

# the control thread never spends a request timeout inside read()/write(): waiting on the
# wire would take at least that (a copy under a lock takes microseconds; the margin is for a
# thread descheduled on a loaded machine)
NEVER_BLOCKS_S = FAST_LINK["timeout_s"]


def _lost(runtime, profile) -> bool:
    snap = runtime.latest()
    diagnostics = profile.diagnostics()
    return (
        snap is not None
        and snap.quality.get("areal_mass_mg_cm2") == Quality.BAD
        and comm_loss_alarm(runtime) is AlarmState.UNACK
        and diagnostics.safe_state_active
        and diagnostics.state == "lost"
    )


def _safe_outputs_on_the_wire(profile) -> bool:
    rows = {r.tag: r for r in profile.diagnostics().rows}
    return all(rows[t].value == v for t, v in profile.safe_state.items())


def _sent(profile, tag: str) -> float:
    return next(r.value for r in profile.diagnostics().rows if r.tag == tag)


def _recovered(runtime, profile) -> bool:
    return link_good(runtime) and profile.diagnostics().state == "connected"


def test_simulator_killed_then_restarted(tmp_path):
    port = free_port()
    config, settings = settings_for(TCP_PROFILE, port=port)
    with plc_process(TCP_PROFILE, port) as plc, hmi_loop(config, settings) as loop:
        runtime, profile, timer = loop
        wait_until(lambda: _recovered(runtime, profile), 10.0, "link up")
        plc.send_signal(signal.SIGKILL)
        plc.wait(5)
        wait_until(lambda: _lost(runtime, profile), 3.0, "loss after kill -9")
        reconnects = profile.diagnostics().reconnects
        with plc_process(TCP_PROFILE, port):
            wait_until(lambda: _recovered(runtime, profile), 10.0, "recovery after restart")
            diagnostics = profile.diagnostics()
            assert diagnostics.comm_losses >= 1 and diagnostics.reconnects > reconnects
            wait_until(  # cleared, waiting for the operator's acknowledgement
                lambda: comm_loss_alarm(runtime) is AlarmState.RTN_UNACK, 5.0, "alarm clears"
            )
            # the line came back stopped and stays so until the operator restarts it
            assert diagnostics.restart_interlock
            rows = {r.tag: r for r in profile.diagnostics().rows}
            assert rows["line_run_cmd"].value == 0.0
            runtime.submit(StopLine("operator"))
            wait_until(lambda: runtime.latest().values["line_run_cmd"] == 0.0, 2.0, "stop sent")
            runtime.submit(StartLine("operator"))  # the operator's explicit restart
            wait_until(lambda: not profile.diagnostics().restart_interlock, 2.0, "interlock off")
            wait_until(lambda: _sent(profile, "line_run_cmd") == 1.0, 2.0, "run command sent")
    assert timer.longest_s < NEVER_BLOCKS_S


@pytest.fixture
def plc_and_proxy():
    port = free_port()
    config, settings = settings_for(TCP_PROFILE, port=port)
    plc = PlcSimulator(config, settings)
    plc.start()
    proxy = FaultProxy(port)
    _, through_proxy = settings_for(TCP_PROFILE, port=proxy.port)
    yield config, through_proxy, plc, proxy
    proxy.close()
    plc.stop()


def test_frozen_plc_heartbeat_is_a_lost_link_while_tcp_stays_up(plc_and_proxy):
    config, settings, plc, _ = plc_and_proxy
    with hmi_loop(config, settings) as (runtime, profile, timer):
        wait_until(lambda: _recovered(runtime, profile), 5.0, "link up")
        plc.freeze_heartbeat = True
        wait_until(lambda: _lost(runtime, profile), 3.0, "loss on a frozen heartbeat")
        assert "heartbeat frozen" in profile.diagnostics().reason
        # TCP is up: the safe state reaches the PLC (line stopped, feeders off)
        wait_until(lambda: _safe_outputs_on_the_wire(profile), 2.0, "safe state written")
        wait_until(  # the coil and the registers go out in separate requests
            lambda: not plc.plant.commands.run and plc.plant.commands.feeder_sp_kg_h["active"] == 0,
            2.0,
            "the PLC got the stop and the feeders off",
        )
        plc.freeze_heartbeat = False
        wait_until(lambda: _recovered(runtime, profile), 5.0, "recovery")
    assert timer.longest_s < NEVER_BLOCKS_S


@pytest.mark.parametrize("fault", ["slow", "wrong_unit", "garbage"])
def test_slow_wrong_unit_and_garbage_end_in_loss_then_recover(plc_and_proxy, fault):
    config, settings, plc, proxy = plc_and_proxy
    with hmi_loop(config, settings) as (runtime, profile, timer):
        wait_until(lambda: _recovered(runtime, profile), 5.0, "link up")
        if fault == "slow":
            plc.wire.store.response_delay_s = 1.0  # five times the request timeout
        else:
            proxy.mode = fault
        wait_until(lambda: _lost(runtime, profile), 3.0, f"loss on {fault}")
        assert profile.diagnostics().timeouts + profile.diagnostics().retries > 0
        plc.wire.store.response_delay_s = 0.0
        proxy.mode = "pass"
        wait_until(lambda: _recovered(runtime, profile), 5.0, f"recovery after {fault}")
    assert timer.longest_s < NEVER_BLOCKS_S


def test_a_value_older_than_its_limit_is_bad_while_fresh_ones_stay_good(plc_and_proxy):
    config, settings, _, _ = plc_and_proxy
    entry = settings.tags["feeder_active_hopper_kg"]  # polled every 0.5 s (group "slow")
    tags = dict(settings.tags) | {"feeder_active_hopper_kg": entry.model_copy(
        update={"stale_after_s": 0.1})}  # fmt: skip
    profile = client(config, settings.model_copy(update={"tags": tags}))
    profile.connect()
    try:

        def stale_seen() -> bool:
            image = profile.read(0.0)
            profile.write(Outputs({}))
            return (
                image.quality["feeder_active_hopper_kg"] is Quality.BAD
                and image.age_s["feeder_active_hopper_kg"] > 0.1
                and image.quality["areal_mass_mg_cm2"] is Quality.GOOD
            )

        wait_until(stale_seen, 3.0, "a stale slow value is bad, a fresh fast one good")
    finally:
        profile.disconnect()
