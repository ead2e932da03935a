"""The asyncua client wrapper used by the OPC UA driver (hmi/hardware/opcua.py)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Coroutine, Iterable, Mapping
from typing import Any

from asyncua import Client, ua

from hmi.core.process import Quality
from hmi.hardware.fieldbus import LinkError
from hmi.hardware.opcua_adapter.common import (
    MODES,
    POLICIES,
    VARIANT,
    LoopThread,
    Security,
    T,
    _error,
    ident_of,
    quality_of,
    status_name,
)


class UaClient:
    """A session with one server: resolve node ids, subscribe, write. Latest values are kept
    by the subscription handler: (value, quality, status name, time.monotonic() of the source
    timestamp)."""

    APP_URI = "urn:dry-electrode-hmi:opcua-client"

    def __init__(self, endpoint: str, timeout_s: float, security: Security) -> None:
        self.endpoint, self.timeout_s, self.security = endpoint, timeout_s, security
        self._loop: LoopThread | None = None
        self._client: Client | None = None
        self._nodes: dict[str, ua.NodeId] = {}  # key -> node id
        self._keys: dict[ua.NodeId, str] = {}
        self._types: dict[str, ua.VariantType] = {}
        self._lock = threading.Lock()
        self.latest: dict[str, tuple[Any, Quality, str, float]] = {}
        self.failure: str | None = None

    def _run(self, coro: Coroutine[Any, Any, T], timeout_s: float | None = None) -> T:
        if self._loop is None:
            self._loop = LoopThread("opcua-client")
        try:
            return self._loop.run(coro, timeout_s or self.timeout_s)
        except Exception as exc:
            raise _error(exc) from None

    def connect(
        self, nodes: Mapping[str, tuple[str, str]], types: Mapping[str, str]
    ) -> dict[str, str]:
        """Open the session and resolve `nodes` (key -> (namespace URI, identifier text such as
        "s=Line.Gap_OS")). Returns the nodes the server does not have: key -> why."""
        self.failure = None
        return self._run(self._connect(nodes, types), 4 * self.timeout_s + 5.0)

    async def _connect(self, nodes: Mapping[str, tuple[str, str]], types: Mapping[str, str]):
        client = Client(self.endpoint, timeout=self.timeout_s)
        client.application_uri = self.APP_URI
        client.session_timeout = 10_000
        sec = self.security
        if sec.policy != "None":
            await client.set_security(
                POLICIES[sec.policy], str(sec.certificate), str(sec.private_key),
                server_certificate=str(sec.server_certificate) if sec.server_certificate else None,
                mode=MODES[sec.mode],
            )  # fmt: skip
        if sec.username:
            client.set_user(sec.username)
            client.set_password(sec.password or "")
        try:
            await client.connect()
        except BaseException:
            client.disconnect_socket()  # a refused session must not leave its socket open
            raise
        self._client = client
        array = await client.get_namespace_array()
        resolved: dict[str, ua.NodeId] = {}
        missing: dict[str, str] = {}
        for key, (uri, ident) in nodes.items():
            if uri not in array:
                missing[key] = f"the server has no namespace {uri}"
            else:
                resolved[key] = ua.NodeId.from_string(f"ns={array.index(uri)};{ident}")
        results = await client.uaclient.read_attributes(
            list(resolved.values()), ua.AttributeIds.NodeClass
        )
        for key, result in zip(list(resolved), results, strict=True):
            if not result.StatusCode.is_good():
                missing[key] = f"{ident_of(nodes[key])}: {status_name(result.StatusCode.value)}"
                del resolved[key]
        self._nodes, self._keys = resolved, {n: k for k, n in resolved.items()}
        self._types = {k: VARIANT[t] for k, t in types.items()}
        return missing

    def subscribe(self, groups: Iterable[tuple[float, list[str]]], with_timestamps: bool) -> None:
        """One subscription per period (s): publishing and sampling interval both the period.
        `with_timestamps`: notify on a new source timestamp too (the value's age stays true
        while the value stays the same)."""
        self._run(self._subscribe(groups, with_timestamps), 4 * self.timeout_s + 5.0)

    async def _subscribe(self, groups: Iterable[tuple[float, list[str]]], with_timestamps: bool):
        assert self._client is not None
        trigger = ua.DataChangeTrigger.StatusValueTimestamp if with_timestamps else None
        mfilter = ua.DataChangeFilter(Trigger=trigger) if trigger is not None else None
        for period_s, keys in groups:
            params = ua.CreateSubscriptionParameters(
                RequestedPublishingInterval=period_s * 1000.0,
                RequestedLifetimeCount=max(30, int(10.0 / period_s)),
                RequestedMaxKeepAliveCount=max(3, int(1.0 / period_s)),
                MaxNotificationsPerPublish=0,
                Priority=0,
            )
            sub = await self._client.create_subscription(params, self)
            nodes = [self._client.get_node(self._nodes[k]) for k in keys]
            results = await sub._subscribe(
                nodes, mfilter=mfilter, queuesize=1, sampling_interval=period_s * 1000.0
            )
            for key, result in zip(keys, results, strict=True):
                if isinstance(result, ua.StatusCode):
                    raise LinkError(f"cannot monitor {key}: {status_name(result.value)}")

    # asyncua calls these on its loop (SubscriptionHandler protocol)
    def datachange_notification(self, node: Any, val: Any, data: Any) -> None:
        key = self._keys.get(node.nodeid)
        if key is None:
            return
        value = data.monitored_item.Value
        status = value.StatusCode.value if value.StatusCode is not None else 0
        stamp = value.SourceTimestamp or value.ServerTimestamp
        now = time.monotonic()
        if stamp is not None:
            age = (dt.datetime.now(dt.UTC) - stamp.replace(tzinfo=dt.UTC)).total_seconds()
            now -= max(0.0, age)
        with self._lock:
            self.latest[key] = (val, quality_of(status), status_name(status), now)

    def status_change_notification(self, status: Any) -> None:
        self.failure = f"subscription: {status_name(status.Status.value)}"

    def event_notification(self, event: Any) -> None:
        pass

    def snapshot(self) -> dict[str, tuple[Any, Quality, str, float]]:
        if self._client is None:
            raise LinkError("not connected")
        uaclient = self._client.uaclient
        protocol = getattr(uaclient, "protocol", None)
        if self.failure is None and (protocol is None or protocol.state == "closed"):
            self.failure = "connection closed by the server"
        if self.failure is not None:
            raise LinkError(self.failure)
        with self._lock:
            return dict(self.latest)

    def write(self, values: Mapping[str, float]) -> None:
        self._run(self._write(values))

    async def _write(self, values: Mapping[str, float]) -> None:
        assert self._client is not None
        ids, dvs = [], []
        for key, value in values.items():
            if key not in self._nodes:
                continue  # a node the server lacks (the link is reported lost for it)
            vtype = self._types[key]
            if vtype == ua.VariantType.Boolean:
                python: Any = value >= 0.5
            elif vtype in (ua.VariantType.Double, ua.VariantType.Float):
                python = float(value)
            else:
                python = int(round(value))
            ids.append(self._nodes[key])
            dvs.append(ua.DataValue(ua.Variant(python, vtype)))
        if not ids:
            return
        results = await self._client.uaclient.write_attributes(ids, dvs, ua.AttributeIds.Value)
        for key, result in zip([k for k in values if k in self._nodes], results, strict=True):
            if not result.is_good():
                raise LinkError(f"write {key}: {status_name(result.value)}")

    def close(self) -> None:
        client, self._client = self._client, None
        with self._lock:
            self.latest.clear()
        if client is not None and self._loop is not None:
            try:
                self._loop.run(client.disconnect(), 1.0)
            except Exception:  # a dead server cannot be told goodbye
                try:
                    client.uaclient.protocol and client.uaclient.protocol.transport.abort()
                except Exception:
                    pass

    def shutdown(self) -> None:
        self.close()
        if self._loop is not None:
            self._loop.stop()
            self._loop = None
