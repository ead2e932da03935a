"""The whole product over OPC UA: the HMI runtime with the opcua profile against
`hmi plc serve --profile hardware_profiles/opcua.toml` on 127.0.0.1, real clock, a grade
change; the areal mass settles within the tolerance (short line, as over Modbus)."""

from __future__ import annotations

import numpy as np

from hmi.alarms.model import AlarmState
from hmi.hardware.opcua import OpcUaProfile
from hmi.runtime import WriteSetpoint
from tests.hardware.fieldbus_helpers import free_port, plc_process, wait_until
from tests.hardware.loop_helpers import comm_loss_alarm, hmi_loop, link_good
from tests.hardware.opcua_helpers import OPCUA_PROFILE, ua_settings

TARGET_MG_CM2 = 31.0
TOLERANCE_PCT = 1.5


def _short_line_profile(tmp_path):
    text = OPCUA_PROFILE.read_text(encoding="utf-8")
    text = text.replace("line_speed_sp_m_min = 50.0", "line_speed_sp_m_min = 80.0")
    text = text.replace("gauge_distance_m = 2.0", "gauge_distance_m = 0.5\ngauge_scan_time_s = 2.0")
    text = text.replace("seed = 1\n", "seed = 1\n\n[emulated.equipment]\ngauge_scan_time_s = 2.0\n")
    path = tmp_path / "short-line-opcua.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_grade_change_settles_within_tolerance_over_opcua(tmp_path):
    profile_path = _short_line_profile(tmp_path)
    port = free_port()
    config, settings = ua_settings(port, profile_path, heartbeat_timeout_s=1.0)
    with (
        plc_process(profile_path, port),
        hmi_loop(config, settings, OpcUaProfile) as (runtime, profile, timer),
    ):
        wait_until(lambda: link_good(runtime), 10.0, "link up")
        runtime.submit(WriteSetpoint("areal_mass_target_mg_cm2", TARGET_MG_CM2, "test"))

        def settled() -> bool:
            _, values = runtime.trend.window(2.0)
            recent = values["areal_mass_mg_cm2"]
            if len(recent) < 15 or not np.all(np.isfinite(recent)):
                return False
            error_pct = np.abs(recent / TARGET_MG_CM2 - 1.0) * 100.0
            return bool(np.all(error_pct < TOLERANCE_PCT))

        wait_until(settled, 30.0, "areal mass within ±1.5 % of 31 mg/cm² over OPC UA for 2 s")
        snap = runtime.latest()
        assert snap.values["line_running"] == 1.0
        assert comm_loss_alarm(runtime) is AlarmState.NORMAL
        assert profile.diagnostics().comm_losses == 0
        # the tick read the subscription's cache: never a service call on the control thread
        assert timer.longest_s < settings.link.timeout_s
