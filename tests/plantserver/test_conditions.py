"""Part 9 condition instances of the plant server against our ISA-18.2 engine, on the simulated
clock: the runtime runs only when the test says (run_for), and the plant server publishes only
when the test calls publish_once, so every state the client sees is the one the test made.
Our asyncua client subscribes to events, calls ConditionRefresh, Acknowledge and the shelving
methods; node-opcua does the same in test_conditions_interop.py."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from asyncua import Client, ua

from hmi.runtime.commands import InjectFault
from tests.plantserver.conftest import ADMIN, run_session, step

ALARM = "communication_loss"


class _Events:
    def __init__(self) -> None:
        self.received: list[dict] = []

    def event_notification(self, event) -> None:  # asyncua's handler interface
        self.received.append(event.get_event_props_as_fields_dict())

    async def wait_for(self, test, timeout_s: float = 5.0) -> dict:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for fields in self.received:
                if test({k: v.Value for k, v in fields.items()}):
                    return {k: v.Value for k, v in fields.items()}
            await asyncio.sleep(0.02)
        raise AssertionError(f"no such event in {timeout_s} s: {self.received[-3:]}")


def _run(endpoint: str, user: str | None, work):
    return run_session(endpoint, user, work)


async def _call(node, method: int, *args) -> str:
    try:
        await node.call_method(ua.NodeId(method), *args)
    except ua.UaStatusCodeError as exc:
        return ua.StatusCode(exc.code).name
    return "Good"


def _ack_args(event_id: bytes, comment: str = "seen from MES") -> tuple:
    return ua.Variant(event_id, ua.VariantType.ByteString), ua.LocalizedText(comment)


ACK = ua.ObjectIds.AcknowledgeableConditionType_Acknowledge
TIMED_SHELVE = ua.ObjectIds.ShelvedStateMachineType_TimedShelve
UNSHELVE = ua.ObjectIds.ShelvedStateMachineType_Unshelve
REFRESH = ua.ObjectIds.ConditionType_ConditionRefresh
REFRESH_START, REFRESH_END = ua.ObjectIds.RefreshStartEventType, ua.ObjectIds.RefreshEndEventType


def test_every_alarm_definition_is_a_condition_instance_in_the_alarms_folder(sim_plant):
    stack, server, endpoint = sim_plant

    async def work(client, ns):
        folder = client.get_node(ua.NodeId("Line.Alarms", ns))
        names = {(await c.read_browse_name()).Name for c in await folder.get_children()}
        cond = client.get_node(ua.NodeId(f"Line.Alarms.{ALARM}", ns))
        kind = await cond.read_type_definition()
        values = {p: await client.get_node(ua.NodeId(f"Line.Alarms.{ALARM}.{p}", ns)).read_value()
                  for p in ("ActiveState.Id", "AckedState.Id", "Retain", "Severity",
                            "EnabledState.Id", "ShelvingState.CurrentState", "SourceNode",
                            "MaxTimeShelved")}  # fmt: skip
        source = client.get_node(ua.NodeId("Line.Tags.line_speed_m_min", ns))
        has_condition = await source.get_referenced_nodes(ua.ObjectIds.HasCondition)
        assert cond.nodeid in [n.nodeid for n in has_condition]
        # the first instance is asyncua's, the others are copies of it: the same tree
        ids = list(server.conditions.node_ids.values())
        first, last = ids[0], ids[-1]
        trees = [await _tree(client.get_node(n)) for n in (first, last)]
        assert trees[0] == trees[1] and len(trees[0]) > 40, trees
        # ConditionRefresh is for a subscription of one's own session
        events = _Events()
        sub = await client.create_subscription(50, events)
        item = await sub.subscribe_events(client.nodes.server, [REFRESH_START, REFRESH_END])
        sub_id = ua.Variant(sub.subscription_id, ua.VariantType.UInt32)
        other = Client(endpoint, timeout=5)
        async with other:
            foreign = await _call(other.get_node(ua.ObjectIds.ConditionType), REFRESH, sub_id)
        own = await _call(client.get_node(ua.ObjectIds.ConditionType), REFRESH, sub_id)
        assert (foreign, own) == ("BadSubscriptionIdInvalid", "Good")
        # ConditionRefresh2: the same for one monitored item of the subscription
        item_id = ua.Variant(item, ua.VariantType.UInt32)
        refresh2 = ua.ObjectIds.ConditionType_ConditionRefresh2
        own2 = await _call(client.get_node(ua.ObjectIds.ConditionType), refresh2, sub_id, item_id)
        assert own2 == "Good"
        await events.wait_for(lambda e: e.get("EventType") == ua.NodeId(REFRESH_END))
        deadline = time.monotonic() + 5.0
        while len(events.received) < 4 and time.monotonic() < deadline:  # two refreshes
            await asyncio.sleep(0.02)
        ends = [e["EventType"].Value for e in events.received]
        assert ends.count(ua.NodeId(REFRESH_START)) == ends.count(ua.NodeId(REFRESH_END)) == 2
        disable = ua.NodeId(f"Line.Alarms.{ALARM}.Disable", ns)  # a method we do not offer
        try:
            await cond.call_method(disable)
            disabled = "Good"
        except ua.UaStatusCodeError as exc:
            disabled = ua.StatusCode(exc.code).name
        return names, kind, values, ns, disabled

    names, kind, values, ns, disabled = _run(endpoint, None, work)
    assert disabled == "BadNothingToDo"
    assert set(server.book._records) <= names and len(server.book._records) == 36
    assert kind == ua.NodeId(ua.ObjectIds.AlarmConditionType)
    assert values["ActiveState.Id"] is False and values["AckedState.Id"] is True
    assert values["Retain"] is False and values["Severity"] == 900  # critical
    assert values["EnabledState.Id"] is True
    assert values["ShelvingState.CurrentState"].Text == "Unshelved"
    assert values["SourceNode"] == ua.NodeId("Line.Tags.line_speed_m_min", ns)
    assert values["MaxTimeShelved"] == 8 * 3600 * 1000.0


def test_refresh_acknowledge_and_shelve_go_through_the_line_service(sim_plant):
    stack, server, endpoint = sim_plant
    stack.runtime.submit(InjectFault("comm_loss", {"duration_s": 30.0}, "test"))
    step(stack, server, 0.3)
    state = {a.name: a.state for a in stack.runtime.latest().alarms.alarms}
    assert state.get(ALARM) == "unacknowledged", state

    async def anonymous(client, ns):
        events = _Events()
        sub = await client.create_subscription(20, events)
        kinds = [ua.ObjectIds.AlarmConditionType, REFRESH_START, REFRESH_END]
        await sub.subscribe_events(client.nodes.server, kinds)
        ctype = client.get_node(ua.ObjectIds.ConditionType)
        await ctype.call_method(ua.NodeId(REFRESH),
                                ua.Variant(sub.subscription_id, ua.VariantType.UInt32))  # fmt: skip
        await events.wait_for(lambda e: e.get("EventType") == ua.NodeId(REFRESH_END))
        order = [e["EventType"].Value.Identifier for e in events.received]
        current = await events.wait_for(lambda e: e.get("ConditionName") == ALARM)
        cond = client.get_node(ua.NodeId(f"Line.Alarms.{ALARM}", ns))
        refused = await _call(cond, ACK, *_ack_args(current["EventId"]))
        return order, current, refused, cond.nodeid

    # nothing was published since the client subscribed: what it has, ConditionRefresh sent
    order, current, refused, cond_id = _run(endpoint, None, anonymous)
    assert order[0] == REFRESH_START and order[-1] == REFRESH_END
    assert order[1:-1] == [ua.ObjectIds.AlarmConditionType] * len(order[1:-1])
    retained = [a for a in stack.runtime.latest().alarms.alarms if a.state != "normal"]
    assert len(order) - 2 == len(retained) >= 1  # one event per retained condition
    assert current["NodeId"] == cond_id  # ConditionId: the instance
    assert current["ActiveState/Id"] is True and current["AckedState/Id"] is False
    assert current["Retain"] is True and current["Severity"] == 900
    assert refused == "BadUserAccessDenied"
    step(stack, server)
    assert _state(stack) == "unacknowledged"  # nothing changed

    async def operator(client, ns):
        events = _Events()
        sub = await client.create_subscription(20, events)
        await sub.subscribe_events(client.nodes.server, ua.ObjectIds.AlarmConditionType)
        cond = client.get_node(ua.NodeId(f"Line.Alarms.{ALARM}", ns))
        event_id = await client.get_node(ua.NodeId(f"Line.Alarms.{ALARM}.EventId", ns)).read_value()
        wrong = await _call(cond, ACK, *_ack_args(b"not-an-event-of-ours"))
        acked = await _call(cond, ACK, *_ack_args(event_id))
        again = await _call(cond, ACK, *_ack_args(event_id))
        shelving = client.get_node(ua.NodeId(f"Line.Alarms.{ALARM}.ShelvingState", ns))
        shelve = await _call(shelving, TIMED_SHELVE, _ms(60000.0))
        await asyncio.get_running_loop().run_in_executor(None, step, stack, server)
        after = await events.wait_for(lambda e: e.get("ConditionName") == ALARM
                                      and e.get("AckedState/Id") is True)  # fmt: skip
        return event_id, wrong, acked, again, shelve, after

    event_id, wrong, acked, again, shelve, after = _run(endpoint, "mes", operator)
    assert event_id == current["EventId"]
    assert (wrong, acked, again) == ("BadEventIdUnknown", "Good", "BadConditionBranchAlreadyAcked")
    assert shelve == "BadUserAccessDenied"  # an operator may acknowledge, not shelve
    assert after["ActiveState/Id"] is True and after["EventId"] != event_id
    assert _state(stack) == "acknowledged"  # in our engine
    records = stack.security.audit_records(ADMIN, user="mes")
    actions = [(r.action, _details(r).get("outcome")) for r in records]
    assert ("alarm.acknowledge", None) in actions
    assert ("alarm.shelve", "denied") in actions
    assert not any(r.user == "opcua-anonymous" and r.action == "alarm.acknowledge"
                   and _details(r).get("outcome") != "denied"
                   for r in stack.security.audit_records(ADMIN))  # fmt: skip

    async def supervisor(client, ns):
        shelving = client.get_node(ua.NodeId(f"Line.Alarms.{ALARM}.ShelvingState", ns))
        too_long = await _call(shelving, TIMED_SHELVE, _ms(9 * 3600e3))
        shelved = await _call(shelving, TIMED_SHELVE, _ms(60000.0))
        await asyncio.get_running_loop().run_in_executor(None, step, stack, server)
        state = client.get_node(ua.NodeId(f"Line.Alarms.{ALARM}.ShelvingState.CurrentState", ns))
        shown = (await state.read_value()).Text
        unshelved = await _call(shelving, UNSHELVE)
        await asyncio.get_running_loop().run_in_executor(None, step, stack, server)
        not_shelved = await _call(shelving, UNSHELVE)
        return too_long, shelved, shown, unshelved, not_shelved

    too_long, shelved, shown, unshelved, not_shelved = _run(endpoint, "shift", supervisor)
    assert (too_long, shelved, shown) == ("BadShelvingTimeOutOfRange", "Good", "TimedShelved")
    assert (unshelved, not_shelved) == ("Good", "BadConditionNotShelved")
    shelves = stack.security.audit_records(ADMIN, user="shift", action="alarm.shelve")
    assert len(shelves) == 2  # the shelf and the unshelve, both audited


async def _tree(node, path: str = "") -> list[tuple]:
    """(browse path, node class, type definition) of everything below `node`."""
    out = []
    for desc in await node.get_children_descriptions():
        own = path + desc.BrowseName.Name
        out.append((own, desc.NodeClass, desc.TypeDefinition, desc.ReferenceTypeId))
        out += await _tree(node.new_node(node.session, desc.NodeId), own + "/")
    return sorted(out, key=lambda t: t[0])


def _state(stack) -> str:
    return {a.name: a.state for a in stack.runtime.latest().alarms.alarms}.get(ALARM, "normal")


def _ms(value: float) -> ua.Variant:
    return ua.Variant(value, ua.VariantType.Double)  # Duration


def _details(record) -> dict:
    return json.loads(record.details) if isinstance(record.details, str) else record.details


def test_unshelve_time_counts_down_between_events_while_shelved(sim_plant):
    """Part 9: ShelvingState/UnshelveTime is the time remaining on the shelf, not the time that
    was left at the last transition: the publish loop counts it down (shelved ones only)."""
    stack, server, endpoint = sim_plant
    name = next(d.name for d in stack.runtime.alarms.definitions if d.name != ALARM)
    stack.service.shelve_alarm(name, 60.0, "count-down test")
    step(stack, server)
    stamp = stack.runtime.latest().wall_time
    assert set(server.alarms.unshelve_times(stamp)) == {name}  # nothing else is written

    def unshelve_time(test) -> float:
        async def work(client, ns):
            node = client.get_node(ua.NodeId(f"Line.Alarms.{name}.ShelvingState.UnshelveTime", ns))
            deadline = time.monotonic() + 5.0
            while not test(value := await node.read_value()) and time.monotonic() < deadline:
                await asyncio.sleep(0.02)  # until the publish reaches the address space
            return value

        return _run(endpoint, None, work)

    first = unshelve_time(lambda ms: 0.0 < ms <= 60000.0)
    assert first > 59000.0
    stack.runtime.run_for(10.0)  # simulated: no event for this alarm in between
    server.publish_once()
    later = unshelve_time(lambda ms: ms < first - 5000.0)
    assert later == pytest.approx(first - 10000.0, abs=200.0)

    async def refreshed(client, ns):
        events = _Events()
        sub = await client.create_subscription(20, events)
        await sub.subscribe_events(client.nodes.server, [ua.ObjectIds.AlarmConditionType])
        await client.get_node(ua.ObjectIds.ConditionType).call_method(
            ua.NodeId(REFRESH), ua.Variant(sub.subscription_id, ua.VariantType.UInt32))  # fmt: skip
        return await events.wait_for(lambda e: e.get("ConditionName") == name)

    event = _run(endpoint, None, refreshed)
    assert event["ShelvingState/UnshelveTime"] == later  # not what the shelving event said
    stack.service.unshelve_alarm(name, "count-down test over")
    step(stack, server)
    assert unshelve_time(lambda ms: ms == 0.0) == 0.0
    assert server.alarms.unshelve_times(stack.runtime.latest().wall_time) == {}
