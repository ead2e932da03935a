"""node-opcua 2.186.4 (the independent stack) as the plant system working our Part 9
conditions, on the simulated clock (`sim_plant`): ConditionRefresh brings the active alarm
between RefreshStart and RefreshEnd; an anonymous Acknowledge is refused and changes nothing; a
permitted user's Acknowledge (node-opcua's own acknowledgeCondition) acknowledges it in our
engine, with its audit row; the next event says AckedState true."""

from __future__ import annotations

import json
import queue
import time

from hmi.runtime.commands import InjectFault
from tests.hardware.node_opcua import json_lines, node_script
from tests.plantserver.conftest import ADMIN, PASSWORDS, step

ALARM = "communication_loss"


def _next(lines: queue.Queue, key: str, timeout_s: float = 10.0) -> dict:
    deadline = time.monotonic() + timeout_s
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        assert "failed" not in line, line["failed"]
        if key in line:
            return line
    raise AssertionError(f"node-opcua said no {key!r} within {timeout_s} s")


def _state(stack) -> str:
    return {a.name: a.state for a in stack.runtime.latest().alarms.alarms}.get(ALARM, "normal")


def test_node_opcua_refreshes_and_acknowledges_our_alarm_condition(sim_plant, tmp_path):
    stack, server, endpoint = sim_plant
    stack.runtime.submit(InjectFault("comm_loss", {"duration_s": 30.0}, "test"))
    step(stack, server, 0.3)  # raised before the client subscribes: only a refresh shows it
    assert _state(stack) == "unacknowledged"
    spec = {"endpoint": endpoint, "uri": "urn:dry-electrode-hmi:line", "alarm": ALARM,
            "user": "mes", "password": PASSWORDS["mes"]}  # fmt: skip
    with node_script("plant_conditions.js", spec, tmp_path, stdin=True) as proc:
        lines = json_lines(proc)
        refresh = _next(lines, "refresh")["refresh"]
        assert refresh["status"] == "Good" and refresh["ended"]
        types = refresh["types"]
        assert types[0] == "ns=0;i=2787" and types[-1] == "ns=0;i=2788"  # Start ... End
        current = refresh["current"]
        assert current is not None, types
        assert current["ActiveState.Id"] is True and current["AckedState.Id"] is False
        assert current["Retain"] is True and current["Severity"] == 900
        assert current["ConditionId"].endswith(f"s=Line.Alarms.{ALARM}")
        assert current["ShelvingState.CurrentState"] == "Unshelved"

        assert _next(lines, "anonymous_ack")["anonymous_ack"] == "BadUserAccessDenied"
        acks = _next(lines, "user_ack")
        assert acks["wrong_event_id"] == "BadEventIdUnknown"
        assert acks["user_ack"] == "Good"
        step(stack, server)  # the runtime applies the acknowledgement; it is published
        proc.stdin.write("step\n")
        proc.stdin.flush()
        after = _next(lines, "acked_event")
        assert after["acked_event"] is not None, "no event with AckedState true within 5 s"
        assert after["acked_event"]["ActiveState.Id"] is True
        assert after["acked_event"]["EventId"] != current["EventId"]  # a fresh EventId
        assert after["again"] == "BadConditionBranchAlreadyAcked"
    assert _state(stack) == "acknowledged"
    records = stack.security.audit_records(ADMIN, action="alarm.acknowledge")
    by = {(r.user, json.loads(r.details).get("outcome") if isinstance(r.details, str)
           else r.details.get("outcome")) for r in records}  # fmt: skip
    assert ("mes", None) in by  # carried out, audited
    assert ("opcua-anonymous", "denied") in by  # refused, audited
