"""Part 9 (Alarms & Conditions) condition instances in a UaServer's address space, with asyncua
2.1.0: one AlarmConditionType object per condition, its state variables kept current, one
event per transition (a fresh EventId each, from asyncua's generator), ConditionRefresh, and the
Acknowledge / shelving method calls handed to a hook together with the calling user.

What asyncua gives and what this module adds:
- ConditionRefresh / ConditionRefresh2 (i=3875 / i=12912) are asyncua's own, switched on with
  `InternalServer.bind_condition_methods` before `init()`: it remembers the last event of each
  condition whose Retain is true (keyed by the event's ConditionId) and replays it between
  RefreshStartEvent and RefreshEndEvent into the calling subscription. `UaServer.setup` turns it
  on; this module only has to trigger every condition's events from a generator of its own, so
  that the remembered event is that condition's current state.
- asyncua's method callbacks are not told who calls. Acknowledge and shelving must be refused
  to anonymous sessions and checked against the caller's permissions, so each session's `call`
  is wrapped (as UaServer.guard_writes wraps writes): calls of our condition methods go to the
  hook with the session's user name; ConditionRefresh for a subscription of another session
  is refused; every other call goes to asyncua unchanged.
- Instances are made without asyncua's optional children (~100 nodes each otherwise; 36 alarms
  took ~6 s), plus the optional ones the mapping uses: SuppressedState, OutOfServiceState,
  ShelvingState (with its methods) and MaxTimeShelved. The first instance is asyncua's; the
  others are copies of it (_Template), one AddNodes call each.
"""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from asyncua import ua
from asyncua.common.copy_node_util import _read_and_copy_attrs
from asyncua.common.instantiate_util import _instantiate_node
from asyncua.common.ua_utils import get_node_supertypes
from asyncua.server.event_generator import EventGenerator

_log = logging.getLogger(__name__)

OPTIONAL_CHILDREN = ("SuppressedState", "OutOfServiceState", "ShelvingState", "MaxTimeShelved")
TEXT_FIELDS = {"Message", "ActiveState", "AckedState", "ConfirmedState", "EnabledState",
               "SuppressedState", "OutOfServiceState", "ShelvingState/CurrentState",
               "Comment"}  # fmt: skip
SHELVING_STATE_IDS = {
    "Unshelved": ua.ObjectIds.ShelvedStateMachineType_Unshelved,
    "TimedShelved": ua.ObjectIds.ShelvedStateMachineType_TimedShelved,
    "OneShotShelved": ua.ObjectIds.ShelvedStateMachineType_OneShotShelved,
}
# event fields that AlarmConditionType's asyncua event object lacks: ShelvingState is an object
# there, its CurrentState not modelled as an event field
_EXTRA_FIELDS = {
    "ShelvingState/CurrentState": ua.VariantType.LocalizedText,
    "ShelvingState/CurrentState/Id": ua.VariantType.NodeId,
    "ShelvingState/UnshelveTime": ua.VariantType.Double,
}
# method -> (node ids of its declaration on the types, browse path below the condition)
_METHODS = {
    "Acknowledge": ((ua.ObjectIds.AcknowledgeableConditionType_Acknowledge,), "Acknowledge"),
    "TimedShelve": ((ua.ObjectIds.ShelvedStateMachineType_TimedShelve,
                     ua.ObjectIds.AlarmConditionType_ShelvingState_TimedShelve),
                    "ShelvingState.TimedShelve"),
    "OneShotShelve": ((ua.ObjectIds.ShelvedStateMachineType_OneShotShelve,
                       ua.ObjectIds.AlarmConditionType_ShelvingState_OneShotShelve),
                      "ShelvingState.OneShotShelve"),
    "Unshelve": ((ua.ObjectIds.ShelvedStateMachineType_Unshelve,
                  ua.ObjectIds.AlarmConditionType_ShelvingState_Unshelve),
                 "ShelvingState.Unshelve"),
}  # fmt: skip
_ARGUMENTS = {"Acknowledge": 2, "TimedShelve": 1, "OneShotShelve": 0, "Unshelve": 0}

# condition name, method name, arguments as Python values, user name (None: anonymous)
MethodHook = Callable[[str, str, tuple[Any, ...], str | None], int]
# condition name, EventId of the event just sent, its fields: after each event, on the loop
IssuedHook = Callable[[str, bytes, Mapping[str, Any]], None]


@dataclass(frozen=True, slots=True)
class ConditionSpec:
    name: str  # browse name of the instance and the key of emit()
    source_key: str | None  # UaServer key of the variable the condition is about (SourceNode)
    initial: Mapping[str, Any]  # event fields of its normal state


class UaConditions:
    """The condition instances under `folder` (a UaServer folder path) and their events."""

    def __init__(self, server: Any, folder: str, specs: Iterable[ConditionSpec],
                 method_hook: MethodHook, issued: IssuedHook | None = None,
                 max_time_shelved_ms: float | None = None) -> None:  # fmt: skip
        self.ua = server  # our UaServer
        self.method_hook, self.issued = method_hook, issued
        self.specs = {s.name: s for s in specs}
        self.node_ids: dict[str, ua.NodeId] = {}  # condition name -> its object
        self._paths: dict[str, set[str]] = {}  # condition name -> browse paths it has
        self._generators: dict[str, EventGenerator] = {}
        self._objects: dict[ua.NodeId, str] = {}  # condition or its ShelvingState -> name
        self._methods: dict[ua.NodeId, str] = {}  # type or instance method -> method name
        self.events_sent = 0
        self.ua.run(self._build(folder, max_time_shelved_ms), 120.0)
        self._guard_calls()

    # ----- building -----
    async def _build(self, folder: str, max_time_shelved_ms: float | None) -> None:
        server = self.ua.server
        self._sending = asyncio.Lock()  # made on the server's loop, used there
        parent = await self.ua.folder(folder)
        alarm_type = server.get_node(ua.ObjectIds.AlarmConditionType)
        optional = [d for t in await get_node_supertypes(alarm_type, includeitself=True)
                    for d in await t.get_children_descriptions()
                    if d.BrowseName.Name in OPTIONAL_CHILDREN]  # fmt: skip
        session = server.iserver.isession
        for method, (type_ids, _) in _METHODS.items():
            for type_id in type_ids:
                self._methods[ua.NodeId(type_id)] = method
        first, paths, template = True, set(), None
        for name, spec in self.specs.items():
            ident = f"{folder.replace('/', '.')}.{name}"
            node_id = ua.NodeId(ident, self.ua.ns)
            if template is None:  # the first by asyncua's instantiation, the others copy it
                browse_name = ua.QualifiedName(name, self.ua.ns)
                obj = await parent.add_object(node_id, browse_name, objecttype=alarm_type.nodeid,
                                              instantiate_optional=False)  # fmt: skip
                for decl in optional:
                    child = ua.NodeId(f"{ident}.{decl.BrowseName.Name}", self.ua.ns)
                    declaration = server.get_node(decl.NodeId)
                    await _instantiate_node(session, declaration, obj.nodeid, decl, child,
                                            decl.BrowseName,
                                            instantiate_optional=False)  # fmt: skip
                template = await _Template.of(obj)
                paths = {t.path.replace(".", "/") for t in template.children}
            else:
                await template.copy(session, parent.nodeid, node_id, name)
            self.node_ids[name] = node_id
            self._objects[node_id] = name
            self._objects[ua.NodeId(f"{ident}.ShelvingState", self.ua.ns)] = name
            for method, (_, path) in _METHODS.items():
                self._methods[ua.NodeId(f"{ident}.{path}", self.ua.ns)] = method
            self._paths[name] = paths
            source = self.ua.nodes.get(spec.source_key) if spec.source_key else None
            if source is not None:  # Part 9: the source refers to its condition
                await server.get_node(source).add_reference(node_id, ua.ObjectIds.HasCondition)
            if max_time_shelved_ms is not None:
                await server.write_attribute_value(
                    ua.NodeId(f"{ident}.MaxTimeShelved", self.ua.ns),
                    ua.DataValue(ua.Variant(max_time_shelved_ms, ua.VariantType.Double)),
                )
            generator = EventGenerator(session)
            await generator.init(ua.ObjectIds.AlarmConditionType, ua.ObjectIds.Server,
                                 add_generates_event=first)  # fmt: skip
            first = False
            event = generator.event
            for field, vtype in _EXTRA_FIELDS.items():
                event.add_property(field, None, vtype)
            event.NodeId = node_id  # ConditionId: what ConditionRefresh and Acknowledge key on
            event.SourceNode = source or node_id
            event.SourceName = name
            self._generators[name] = generator
            await self._write_state(name, _converted(spec.initial), None)

    # ----- events -----
    def emit(self, name: str, fields: Mapping[str, Any]) -> None:
        """One event of condition `name` with these fields (names as in Part 9, "ActiveState/Id",
        "ShelvingState/CurrentState", ...), and its state variables set to them. Thread-safe."""
        if name not in self._generators:
            _log.warning("event of unknown condition %s dropped", name)
            return
        self.ua.submit(self._fire(name, _converted(fields)))

    def count_down(self, unshelve_times: Mapping[str, float]) -> None:
        """ShelvingState/UnshelveTime (ms) of shelved conditions, between their events: the
        variable, and the field ConditionRefresh replays. In order with the events (one lock):
        never after the event that unshelves. Thread-safe."""
        if unshelve_times:
            self.ua.submit(self._count_down(dict(unshelve_times)))

    async def _count_down(self, unshelve_times: dict[str, float]) -> None:
        async with self._sending:
            for name, ms in unshelve_times.items():
                generator = self._generators.get(name)
                if generator is None:
                    continue
                setattr(generator.event, "ShelvingState/UnshelveTime", ms)
                await self.ua.server.write_attribute_value(
                    ua.NodeId(f"{self.node_ids[name].Identifier}.ShelvingState.UnshelveTime",
                              self.ua.ns),
                    ua.DataValue(ua.Variant(ms, ua.VariantType.Double)),
                )  # fmt: skip

    async def _fire(self, name: str, fields: Mapping[str, Any]) -> None:
        # one event at a time: each condition's event object is filled, then sent
        async with self._sending:
            try:
                await self._send(name, fields)
            except Exception:  # a bad field loses that event, never the next ones
                _log.exception("event of condition %s not sent", name)

    async def _send(self, name: str, fields: Mapping[str, Any]) -> None:
        generator = self._generators[name]
        event = generator.event
        previous = getattr(event, "Severity", None)
        for key, value in fields.items():
            setattr(event, key, value)
        event.LastSeverity = previous if previous is not None else event.Severity
        await generator.trigger()
        event_id = event.EventId.Value if isinstance(event.EventId, ua.Variant) else event.EventId
        if self.issued is not None:  # before a client can answer the event
            self.issued(name, bytes(event_id), fields)
        self.events_sent += 1
        await self._write_state(name, fields, event)

    async def _write_state(self, name: str, fields: Mapping[str, Any], event: Any) -> None:
        """The instance's variables show what the last event said (clients reading the address
        space, not subscribed, see the same state)."""
        values = dict(fields)
        if event is not None:
            values |= {"EventId": event.EventId, "EventType": event.EventType,
                       "SourceNode": event.SourceNode, "SourceName": event.SourceName,
                       "Time": event.Time, "ReceiveTime": event.ReceiveTime}  # fmt: skip
        else:
            spec = self.specs[name]
            source = self.ua.nodes.get(spec.source_key) if spec.source_key else None
            values |= {"EventType": ua.NodeId(ua.ObjectIds.AlarmConditionType),
                       "SourceNode": source or self.node_ids[name], "SourceName": name}  # fmt: skip
        types = self._generators[name].event.data_types
        ident = self.node_ids[name].Identifier
        for path, value in values.items():
            if path not in self._paths[name] or value is None:
                continue
            value = value.Value if isinstance(value, ua.Variant) else value
            variant = ua.Variant(value, types.get(path)) if path in types else ua.Variant(value)
            await self.ua.server.write_attribute_value(
                ua.NodeId(f"{ident}.{path.replace('/', '.')}", self.ua.ns), ua.DataValue(variant)
            )

    # ----- method calls, with the caller -----
    def _guard_calls(self) -> None:
        iserver = self.ua.server.iserver
        create = iserver.create_session

        def create_session(*args: Any, **kwargs: Any) -> Any:
            session = create(*args, **kwargs)
            original = session.call

            async def call(requests: list[ua.CallMethodRequest]) -> list[ua.CallMethodResult]:
                results = []
                for request in requests:
                    if request.MethodId in self._methods:
                        results.append(await self._call(request, session.user))
                    elif request.MethodId in _REFRESH and not _own_subscription(session, request):
                        refused = ua.CallMethodResult()
                        refused.StatusCode = ua.StatusCode(ua.StatusCodes.BadSubscriptionIdInvalid)
                        results.append(refused)
                    else:
                        results.extend(await original([request]))
                return results

            session.call = call
            return session

        iserver.create_session = create_session

    async def _call(self, request: ua.CallMethodRequest, user: Any) -> ua.CallMethodResult:
        from asyncua.crypto.permission_rules import UserRole

        method = self._methods[request.MethodId]
        result = ua.CallMethodResult()
        name = self._objects.get(request.ObjectId)
        args = tuple(_plain(a) for a in request.InputArguments or ())
        expected = _ARGUMENTS[method]
        if name is None:
            status = ua.StatusCodes.BadNodeIdUnknown
        elif len(args) < expected:
            status = ua.StatusCodes.BadArgumentsMissing
        elif len(args) > expected:
            status = ua.StatusCodes.BadTooManyArguments
        else:
            who = None if user is None or user.role == UserRole.Anonymous else user.name
            loop = asyncio.get_running_loop()  # the hook audits (disk): off the server's loop
            status = await loop.run_in_executor(None, self.method_hook, name, method, args, who)
        result.StatusCode = ua.StatusCode(status)
        result.InputArgumentResults = [ua.StatusCode() for _ in args]
        return result


_REFRESH = {ua.NodeId(ua.ObjectIds.ConditionType_ConditionRefresh),
            ua.NodeId(ua.ObjectIds.ConditionType_ConditionRefresh2)}  # fmt: skip


def _own_subscription(session: Any, request: ua.CallMethodRequest) -> bool:
    """Part 9: ConditionRefresh is for a subscription of the calling session (asyncua 2.1.0
    replays into any subscription id it is given)."""
    args = request.InputArguments or []
    if not args:
        return True  # asyncua answers the missing argument itself
    subscription = session.subscription_service.subscriptions.get(_plain(args[0]))
    return subscription is not None and subscription.session_id == session.session_id


def _plain(variant: Any) -> Any:
    value = variant.Value if isinstance(variant, ua.Variant) else variant
    if isinstance(value, ua.LocalizedText):
        return value.Text or ""
    return value


def _converted(fields: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: ua.LocalizedText(v) if k in TEXT_FIELDS else v for k, v in fields.items()}
    shelving = fields.get("ShelvingState/CurrentState")
    if shelving in SHELVING_STATE_IDS:  # the state's node id, as a state machine gives it
        out["ShelvingState/CurrentState/Id"] = ua.NodeId(SHELVING_STATE_IDS[shelving])
    return out


@dataclass(frozen=True, slots=True)
class _TemplateNode:
    parent: str  # path below the condition ("" = the condition itself), dotted
    path: str  # "ShelvingState.CurrentState"
    item: ua.AddNodesItem  # without its node ids


@dataclass(frozen=True, slots=True)
class _Template:
    """One condition instance as AddNodes items: the others are made from it in one AddNodes
    call each (asyncua's instantiation browses the type hierarchy for every node of every
    instance: 36 instances took ~3.5 s)."""

    root: ua.AddNodesItem
    children: tuple[_TemplateNode, ...]

    @classmethod
    async def of(cls, obj: Any) -> _Template:
        parent_ref = (await obj.get_references(ua.ObjectIds.HierarchicalReferences,
                                               ua.BrowseDirection.Inverse))[0]  # fmt: skip
        root = ua.AddNodesItem(ReferenceTypeId=parent_ref.ReferenceTypeId,
                               TypeDefinition=await obj.read_type_definition(),
                               NodeClass=ua.NodeClass.Object)  # fmt: skip
        await _read_and_copy_attrs(obj, ua.ObjectAttributes(), root)
        children: list[_TemplateNode] = []

        async def walk(node: Any, path: str) -> None:
            for desc in await node.get_children_descriptions():
                item = ua.AddNodesItem(BrowseName=desc.BrowseName,
                                       ReferenceTypeId=desc.ReferenceTypeId,
                                       TypeDefinition=desc.TypeDefinition,
                                       NodeClass=desc.NodeClass)  # fmt: skip
                child = node.new_node(node.session, desc.NodeId)
                attributes = getattr(ua, f"{ua.NodeClass(desc.NodeClass).name}Attributes")()
                await _read_and_copy_attrs(child, attributes, item)
                own = f"{path}.{desc.BrowseName.Name}" if path else desc.BrowseName.Name
                children.append(_TemplateNode(path, own, item))
                await walk(child, own)

        await walk(obj, "")
        return cls(root, tuple(children))

    async def copy(self, session: Any, parent: ua.NodeId, node_id: ua.NodeId, name: str) -> None:
        ns, ident = node_id.NamespaceIndex, node_id.Identifier
        root = copy.deepcopy(self.root)
        root.RequestedNewNodeId, root.ParentNodeId = node_id, parent
        root.BrowseName = ua.QualifiedName(name, ns)
        root.NodeAttributes.DisplayName = ua.LocalizedText(name)
        items = [root]
        for node in self.children:
            item = copy.deepcopy(node.item)
            item.RequestedNewNodeId = ua.NodeId(f"{ident}.{node.path}", ns)
            item.ParentNodeId = ua.NodeId(f"{ident}.{node.parent}", ns) if node.parent else node_id
            items.append(item)
        for result in await session.add_nodes(items):
            result.StatusCode.check()
