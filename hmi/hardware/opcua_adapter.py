"""The one module that imports asyncua (pinned 2.1.0, see ../shared/FACTS.md). Everything else
talks to `UaClient`, `UaServer` and `LoopThread` and sees LinkError / LinkTimeout and plain
Python values, never an asyncua type.

asyncua is asyncio-only; each client or server runs its own event loop in a daemon thread and
the callers (the fieldbus I/O thread, the PLC scan, the plant server's publisher) reach it
through `LoopThread.run(coro, timeout)`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import socket
import threading
import time
from collections.abc import Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from asyncua import Client, Server, ua
from asyncua.crypto import security_policies
from asyncua.crypto.cert_gen import setup_self_signed_certificate
from cryptography.x509.oid import ExtendedKeyUsageOID

from hmi.core.process import Quality
from hmi.hardware.fieldbus import LinkError, LinkTimeout

# asyncua logs every refused connection and lost session at WARNING/ERROR; the link supervision
# counts and reports them itself.
for _name in ("asyncua", "asyncua.client", "asyncua.server", "asyncua.common"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

T = TypeVar("T")
VARIANT = {
    "double": ua.VariantType.Double,
    "float": ua.VariantType.Float,
    "boolean": ua.VariantType.Boolean,
    "int16": ua.VariantType.Int16,
    "uint16": ua.VariantType.UInt16,
    "int32": ua.VariantType.Int32,
    "uint32": ua.VariantType.UInt32,
    "string": ua.VariantType.String,
}
POLICIES = {"Basic256Sha256": security_policies.SecurityPolicyBasic256Sha256}
MODES = {
    "Sign": ua.MessageSecurityMode.Sign,
    "SignAndEncrypt": ua.MessageSecurityMode.SignAndEncrypt,
}


def quality_of(status: int) -> Quality:
    """OPC UA status code -> our quality: the two severity bits (Part 4, 7.34.1)."""
    severity = (status >> 30) & 0b11
    return Quality.GOOD if severity == 0 else Quality.UNCERTAIN if severity == 1 else Quality.BAD


def status_name(status: int) -> str:
    try:
        return ua.StatusCode(status).name
    except Exception:  # an unknown code still has a number
        return f"0x{status:08X}"


class LoopThread:
    """An asyncio event loop in a daemon thread."""

    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout_s: float) -> T:
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout_s)
        except TimeoutError:
            future.cancel()
            raise LinkTimeout(f"no reply within {timeout_s:g} s") from None

    def submit(self, coro: Coroutine[Any, Any, Any]) -> None:
        asyncio.run_coroutine_threadsafe(coro, self.loop)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(2.0)


def ensure_certificate(cert: Path, key: Path, app_uri: str, server: bool) -> tuple[Path, Path]:
    """Our own certificate (DER) and key (PEM), made on first use (self-signed, one year,
    the key readable by its owner only)."""
    cert.parent.mkdir(parents=True, exist_ok=True)
    key.parent.mkdir(parents=True, exist_ok=True)
    use = [ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH]
    host = socket.gethostname()
    subject = {"commonName": cert.stem, "organizationName": "dry-electrode-hmi"}
    asyncio.run(setup_self_signed_certificate(key, cert, app_uri, host, use, subject))
    key.chmod(0o600)
    return cert, key


@dataclass(frozen=True, slots=True)
class Security:
    policy: str  # "None" | "Basic256Sha256"
    mode: str  # "None" | "Sign" | "SignAndEncrypt"
    certificate: Path | None = None
    private_key: Path | None = None
    server_certificate: Path | None = None  # pinned; None: take the one the server presents
    username: str | None = None
    password: str | None = None


def ident_of(node: tuple[str, str]) -> str:
    return f"nsu={node[0]};{node[1]}"


def _error(exc: BaseException) -> LinkError:
    if isinstance(exc, LinkError):
        return exc
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return LinkTimeout("no reply within the request timeout")
    if isinstance(exc, ua.UaStatusCodeError):
        return LinkError(f"{status_name(exc.code)}")
    return LinkError(f"{type(exc).__name__}: {exc}".rstrip(": "))


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
        await client.connect()
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


@dataclass(frozen=True, slots=True)
class Variable:
    key: str
    parent: str  # a folder path under Objects, "Line/Measured"
    ident: str  # identifier text, "s=Line.Gap_OS"
    vtype: str  # a key of VARIANT
    initial: Any = 0.0
    writable: bool = False
    unit: tuple[int, str, str] | None = None  # UNECE code, symbol, description
    eu_range: tuple[float, float] | None = None
    description: str = ""


SetterHook = Callable[[str, Any, Any], int]  # key, value, user -> status code (0 = good)


class UaServer:
    """An asyncua server in its own loop thread; values by key, published from any thread."""

    def __init__(self, endpoint: str, namespace_uri: str, name: str) -> None:
        self.endpoint, self.namespace_uri, self.name = endpoint, namespace_uri, name
        self._loop = LoopThread("opcua-server")
        self.server = Server()
        self.ns = 0
        self.nodes: dict[str, ua.NodeId] = {}
        self.types: dict[str, ua.VariantType] = {}
        self._folders: dict[str, Any] = {}
        self._pending: dict[str, tuple[Any, float | None, int]] = {}
        self._pending_lock = threading.Lock()
        self._flush_scheduled = False

    def run(self, coro: Coroutine[Any, Any, T], timeout_s: float = 30.0) -> T:
        return self._loop.run(coro, timeout_s)

    def setup(self, *, security: Iterable[str] = ("None",), certificate: tuple[Path, Path] | None
              = None, user_manager: Any = None, anonymous: bool = True,
              app_uri: str | None = None) -> None:  # fmt: skip
        """Endpoints of the given policies ("None", "Basic256Sha256_Sign", ..._SignAndEncrypt),
        our certificate (DER, PEM key), who may log in, whether anonymous sessions may."""
        self.run(self._setup(list(security), certificate, user_manager, anonymous, app_uri))

    async def _setup(self, security, certificate, user_manager, anonymous, app_uri) -> None:
        if user_manager is not None:
            self.server = Server(user_manager=user_manager)
        await self.server.init()
        if app_uri:
            await self.server.set_application_uri(app_uri)
        self.server.set_endpoint(self.endpoint)
        self.server.set_server_name(self.name)
        policies = {
            "None": ua.SecurityPolicyType.NoSecurity,
            "Basic256Sha256_Sign": ua.SecurityPolicyType.Basic256Sha256_Sign,
            "Basic256Sha256_SignAndEncrypt": ua.SecurityPolicyType.Basic256Sha256_SignAndEncrypt,
        }
        self.server.set_security_policy([policies[p] for p in security], _ruleset())
        tokens = [ua.UserNameIdentityToken] + ([ua.AnonymousIdentityToken] if anonymous else [])
        self.server.set_identity_tokens(tokens)
        if certificate is not None:
            await self.server.load_certificate(str(certificate[0]))
            await self.server.load_private_key(str(certificate[1]))
        self.ns = await self.server.register_namespace(self.namespace_uri)

    def set_certificate_validator(self, validator: Callable) -> None:
        self.server.set_certificate_validator(validator)

    async def folder(self, path: str) -> Any:
        if path not in self._folders:
            parent_path, _, name = path.rpartition("/")
            parent = await self.folder(parent_path) if parent_path else self.server.nodes.objects
            ident = ua.NodeId(path.replace("/", "."), self.ns)
            self._folders[path] = await parent.add_folder(ident, name)
        return self._folders[path]

    def add_variables(self, variables: Iterable[Variable]) -> None:
        self.run(self._add_variables(list(variables)))

    async def _add_variables(self, variables: list[Variable]) -> None:
        for var in variables:
            parent = await self.folder(var.parent)
            node_id = ua.NodeId.from_string(f"ns={self.ns};{var.ident}")
            vtype = VARIANT[var.vtype]
            name = var.ident.split("=", 1)[1].rsplit(".", 1)[-1]
            node = await parent.add_variable(node_id, name, ua.Variant(var.initial, vtype))
            if var.writable:
                await node.set_writable()
            fastest = ua.DataValue(ua.Variant(10.0, ua.VariantType.Double))  # ms
            await node.write_attribute(ua.AttributeIds.MinimumSamplingInterval, fastest)
            if var.description:
                await node.write_attribute(
                    ua.AttributeIds.Description,
                    ua.DataValue(ua.Variant(ua.LocalizedText(var.description))),
                )
            if var.unit is not None:
                code, symbol, text = var.unit
                eu = ua.EUInformation(NamespaceUri="http://www.opcfoundation.org/UA/units/un/cefact",
                                      UnitId=code, DisplayName=ua.LocalizedText(symbol),
                                      Description=ua.LocalizedText(text))  # fmt: skip
                await node.add_property(ua.NodeId(f"{var.ident[2:]}.EngineeringUnits", self.ns),
                                        "EngineeringUnits", eu)  # fmt: skip
            if var.eu_range is not None:
                low, high = var.eu_range
                await node.add_property(ua.NodeId(f"{var.ident[2:]}.EURange", self.ns), "EURange",
                                        ua.Range(Low=low, High=high))  # fmt: skip
            self.nodes[var.key], self.types[var.key] = node_id, vtype

    def start(self) -> None:
        try:
            self.run(self.server.start())
        except OSError:
            raise
        except Exception as exc:
            raise OSError(f"cannot serve {self.endpoint}: {exc}") from None

    def stop(self) -> None:
        try:
            self.run(self.server.stop(), 5.0)
        except Exception:  # stopping a half-started server
            pass
        self._loop.stop()

    def publish(self, values: Mapping[str, Any], status: int = 0,
                source_time: float | None = None) -> None:  # fmt: skip
        """Set values (thread-safe, non-blocking); they reach the address space on the
        server's loop, all with one source timestamp (time.time() or `source_time`)."""
        with self._pending_lock:
            for key, value in values.items():
                self._pending[key] = (value, source_time, status)
            if self._flush_scheduled:
                return
            self._flush_scheduled = True
        self._loop.loop.call_soon_threadsafe(self._schedule_flush)

    def _schedule_flush(self) -> None:
        asyncio.ensure_future(self._flush())

    async def _flush(self) -> None:
        with self._pending_lock:
            pending, self._pending, self._flush_scheduled = self._pending, {}, False
        for key, (value, when, status) in pending.items():
            stamp = dt.datetime.fromtimestamp(when or time.time(), dt.UTC).replace(tzinfo=None)
            dv = ua.DataValue(ua.Variant(_coerce(value, self.types[key]), self.types[key]),
                              ua.StatusCode(status), SourceTimestamp=stamp,
                              ServerTimestamp=stamp)  # fmt: skip
            await self.server.write_attribute_value(self.nodes[key], dv)

    def guard_writes(self, hook: Callable[[str, Any, str | None], int]) -> None:
        """Every client write goes through `hook(key, value, user name or None if anonymous)`
        -> status code (0 = accepted; the address space then shows what the line does, at the
        next publish). Writes to nodes we did not register are refused: the server is
        read-only but for what the hook accepts. The hook runs in a worker thread."""
        from asyncua.crypto.permission_rules import UserRole

        service = self.server.iserver.attribute_service
        original = service.write
        keys = {node: key for key, node in self.nodes.items()}

        async def write(params: Any, user: Any = None) -> list[ua.StatusCode]:
            if user is None or user.role == UserRole.Admin:  # the server's own (PasswordUsers
                return await original(params, user=user)  # never hands out Admin)
            loop = asyncio.get_running_loop()
            name = None if user is None or user.role == UserRole.Anonymous else user.name
            results = []
            for item in params.NodesToWrite:
                key = keys.get(item.NodeId)
                if key is None or item.AttributeId != ua.AttributeIds.Value:
                    results.append(ua.StatusCode(ua.StatusCodes.BadNotWritable))
                    continue
                value = item.Value.Value.Value if item.Value.Value is not None else None
                status = await loop.run_in_executor(None, hook, key, value, name)
                results.append(ua.StatusCode(status))
            return results

        service.write = write

    def alarm_events(self, source_path: str) -> Callable[[Mapping[str, Any]], None]:
        """An emitter of AlarmConditionType events (Part 9) from the Server object, with
        SourceNode = the folder at `source_path`. emit(fields) is thread-safe; `fields` maps
        event field names ("Severity", "ActiveState/Id", ...) to Python values."""

        async def make() -> Any:
            source = await self.folder(source_path)
            generator = await self.server.get_event_generator(
                ua.ObjectIds.AlarmConditionType, ua.ObjectIds.Server
            )
            generator.event.SourceNode = source.nodeid
            return generator

        generator = self.run(make())

        async def fire(fields: Mapping[str, Any]) -> None:
            for name, value in fields.items():
                setattr(generator.event, name, value)
            await generator.trigger()

        def emit(fields: Mapping[str, Any]) -> None:
            converted = {
                k: ua.LocalizedText(v) if k in _TEXT_FIELDS else v for k, v in fields.items()
            }
            self._loop.submit(fire(converted))

        return emit

    def value(self, key: str) -> Any:
        """The value in the address space now (what a client last wrote, or we published)."""
        return self.server.read_attribute_value(self.nodes[key]).Value.Value


_TEXT_FIELDS = {"Message", "ActiveState", "AckedState", "ConfirmedState", "ShelvingState",
                "SuppressedState", "OutOfServiceState", "EnabledState"}  # fmt: skip
STATUS_GOOD, STATUS_UNCERTAIN, STATUS_BAD = 0, 0x40000000, 0x80000000
STATUS = {
    "denied": ua.StatusCodes.BadUserAccessDenied,
    "out_of_range": ua.StatusCodes.BadOutOfRange,
    "type": ua.StatusCodes.BadTypeMismatch,
    "failed": ua.StatusCodes.BadInternalError,
    "not_writable": ua.StatusCodes.BadNotWritable,
}


def _ruleset() -> Any:
    """Anonymous sessions may read, browse and subscribe as users do (asyncua's default lets
    them do nothing); what anyone may write is decided by `guard_writes`."""
    from asyncua.crypto.permission_rules import SimpleRoleRuleset, UserRole

    rules = SimpleRoleRuleset()
    rules._permission_dict[UserRole.Anonymous] = set(rules._permission_dict[UserRole.User])
    return rules


def _coerce(value: Any, vtype: ua.VariantType) -> Any:
    if vtype == ua.VariantType.Boolean:
        return bool(value >= 0.5) if isinstance(value, float) else bool(value)
    if vtype in (ua.VariantType.Double, ua.VariantType.Float):
        return float(value)
    if vtype == ua.VariantType.String:
        return str(value)
    return int(round(value))


class PasswordUsers:
    """asyncua user manager: `check(username, password)` -> a role name or None (refused).
    Anonymous sessions (no user name) get role None: they may read, never write."""

    def __init__(self, check: Callable[[str, str], str | None]) -> None:
        self.check = check

    def get_user(self, iserver: Any, username: str | None = None, password: str | None = None,
                 certificate: Any = None) -> Any:  # fmt: skip
        from asyncua.crypto.permission_rules import User, UserRole

        if not username:
            return User(role=UserRole.Anonymous)
        role = self.check(username, password or "")
        if role is None:
            return None  # asyncua answers BadUserAccessDenied
        return User(role=UserRole.User, name=username)


def trust_directory_validator(directory: Path) -> Callable:
    """A certificate validator: a client certificate is trusted when a copy of it (DER) lies in
    `directory`; read on every new secure channel, so trusting one needs no restart."""
    from cryptography.hazmat.primitives.serialization import Encoding

    async def validate(cert: Any, app_description: Any) -> None:
        der = cert.public_bytes(Encoding.DER)
        for path in directory.glob("*.der") if directory.is_dir() else ():
            if path.read_bytes() == der:
                return
        raise ua.UaStatusCodeError(ua.StatusCodes.BadCertificateUntrusted)

    return validate
