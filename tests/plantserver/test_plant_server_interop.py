"""node-opcua 2.186.4 (independent stack) as a plant system against our plant server: reads a
tag with its EUInformation and EURange, subscribes, writes (refused anonymously, accepted for a
permitted user, refused out of range, audited), a wrong password refused, alarm events
(Part 9 AlarmConditionType) from our ISA-18.2 engine, over None and Basic256Sha256 — the latter
refused until an administrator trusts the client's certificate."""

from __future__ import annotations

import json
import queue

import pytest

from hmi.core.unece import unit_id
from hmi.runtime.commands import InjectFault
from tests.hardware.fieldbus_helpers import wait_until
from tests.hardware.node_opcua import json_lines, node_script
from tests.plantserver.conftest import ADMIN, PASSWORDS


def _first(proc) -> dict:
    return {k: v for line in proc.startup_lines if line.startswith("{")
            for k, v in json.loads(line).items()}  # fmt: skip


@pytest.mark.parametrize("secure", [False, True])
def test_node_opcua_plant_system_reads_writes_and_takes_alarm_events(plant, tmp_path, secure):
    stack, server, endpoint = plant
    target = 30.5 if secure else 31.0
    spec = {"endpoint": endpoint, "uri": "urn:dry-electrode-hmi:line", "secure": secure,
            "tag": "Line.Tags.areal_mass_mg_cm2", "setpoint": "Line.Tags.areal_mass_target_mg_cm2",
            "value": target, "user": "mes", "password": PASSWORDS["mes"],
            "subscribe": "Line.Tags.roll_angle_rad"}  # fmt: skip
    if secure:  # first contact: the client's certificate is refused and kept for review
        keys = stack.data_dir / "opcua"
        with node_script("plant_client.js", spec, tmp_path) as proc:
            refused = _first(proc)
        assert "failed" in refused, "an unknown client certificate opened a secure channel"
        kept = list((keys / "rejected-clients").glob("*.der"))
        assert len(kept) == 1
        (keys / "trusted-clients").mkdir(exist_ok=True)  # the administrator trusts it
        kept[0].rename(keys / "trusted-clients" / kept[0].name)
    with node_script("plant_client.js", spec, tmp_path) as proc:
        first = _first(proc)
        assert "failed" not in first, (first.get("failed"), list(first))
        read = first["read"]
        assert read["status"] == "Good" and 5.0 < read["value"] < 60.0
        assert (read["unitId"], read["unit"]) == (unit_id("H63"), "mg/cm²")
        assert (read["low"], read["high"]) == (0.0, 100.0)
        assert first["manufacturer"] == "dry-electrode-hmi"
        assert first["anonymous_write"] == "BadUserAccessDenied"
        assert first["user_write"] == "Good"
        assert first["user_out_of_range"] == "BadOutOfRange"
        assert first["wrong_password"] != "accepted"
        assert first["data_changes_in_1s"] >= 5  # 10 Hz publishing of a turning roll
        wait_until(lambda: stack.runtime.latest().values["areal_mass_target_mg_cm2"] == target,
                   2.0, "the write reached the line through the LineService")  # fmt: skip
        records = stack.security.audit_records(ADMIN, action="setpoint.write")
        assert any(r.user == "mes" for r in records), records
        refused = stack.security.audit_records(ADMIN, user="opcua-anonymous")
        assert refused, "the anonymous write is refused and audited"

        events = json_lines(proc)
        stack.runtime.submit(InjectFault("comm_loss", {"duration_s": 0.5}, "test"))

        def alarm_event() -> dict | None:
            while True:
                try:
                    line = events.get(timeout=5.0)
                except queue.Empty:
                    return None
                event = line.get("event")
                if event and event["ConditionName"] == "communication_loss":
                    return event

        event = alarm_event()
        assert event is not None, "no alarm event within 5 s"
        assert event["ActiveState.Id"] is True and event["AckedState.Id"] is False
        assert event["Severity"] == 900  # critical
        assert event["Retain"] is True and event["Message"]
