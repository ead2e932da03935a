"""The asyncua server wrapper used by the PLC simulator and the plant server."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asyncua import Server, ua

from hmi.hardware.opcua_adapter.common import VARIANT, LoopThread, T
from hmi.hardware.opcua_adapter.machinery import MachineSpec, add_machine

_log = logging.getLogger(__name__)


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
        # key -> (its state machine's CurrentState/Id, state name -> that state's NodeId):
        # publishing a state's name sets CurrentState and its Id together (machinery.py)
        self.state_machines: dict[str, tuple[ua.NodeId, dict[str, ua.NodeId]]] = {}
        self._folders: dict[str, Any] = {}
        self._pending: dict[str, tuple[Any, float | None, int]] = {}
        self._pending_lock = threading.Lock()
        self._flush_scheduled = False

    def run(self, coro: Coroutine[Any, Any, T], timeout_s: float = 30.0) -> T:
        return self._loop.run(coro, timeout_s)

    def submit(self, coro: Coroutine[Any, Any, Any]) -> None:
        """Run `coro` on the server's loop without waiting for it (any thread)."""
        self._loop.submit(coro)

    def setup(self, *, security: Iterable[str] = ("None",), certificate: tuple[Path, Path] | None
              = None, user_manager: Any = None, anonymous: bool = True,
              app_uri: str | None = None) -> None:  # fmt: skip
        """Endpoints of the given policies ("None", "Basic256Sha256_Sign", ..._SignAndEncrypt),
        our certificate (DER, PEM key), who may log in, whether anonymous sessions may."""
        self.run(self._setup(list(security), certificate, user_manager, anonymous, app_uri))

    async def _setup(self, security, certificate, user_manager, anonymous, app_uri) -> None:
        if user_manager is not None:
            self.server = Server(user_manager=user_manager)
        # asyncua's own ConditionRefresh / ConditionRefresh2 (conditions.py); the int is the
        # Severity of its RefreshStart/End events (a bool would be sent as one)
        self.server.iserver.bind_condition_methods = 100
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

    def add_machine(self, nodesets: Sequence[Path], spec: MachineSpec) -> None:
        """OPC UA for Machinery: the nodesets imported and one machine under Machines."""
        self.run(add_machine(self, nodesets, spec))

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
            if key in self.state_machines:
                id_node, states = self.state_machines[key]
                await self.server.write_attribute_value(id_node, ua.DataValue(
                    ua.Variant(states[value], ua.VariantType.NodeId), ua.StatusCode(status),
                    SourceTimestamp=stamp, ServerTimestamp=stamp))  # fmt: skip

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

    def value(self, key: str) -> Any:
        """The value in the address space now (what a client last wrote, or we published)."""
        return self.server.read_attribute_value(self.nodes[key]).Value.Value


STATUS_GOOD, STATUS_UNCERTAIN, STATUS_BAD = 0, 0x40000000, 0x80000000
STATUS = {
    "denied": ua.StatusCodes.BadUserAccessDenied,
    "out_of_range": ua.StatusCodes.BadOutOfRange,
    "type": ua.StatusCodes.BadTypeMismatch,
    "failed": ua.StatusCodes.BadInternalError,
    "not_writable": ua.StatusCodes.BadNotWritable,
    # Part 9 condition methods (hmi/plantserver/conditions.py)
    "event_id_unknown": ua.StatusCodes.BadEventIdUnknown,
    "already_acked": ua.StatusCodes.BadConditionBranchAlreadyAcked,
    "already_shelved": ua.StatusCodes.BadConditionAlreadyShelved,
    "not_shelved": ua.StatusCodes.BadConditionNotShelved,
    "shelving_time": ua.StatusCodes.BadShelvingTimeOutOfRange,
    "invalid_argument": ua.StatusCodes.BadInvalidArgument,
    "node_id_unknown": ua.StatusCodes.BadNodeIdUnknown,
    "method_invalid": ua.StatusCodes.BadMethodInvalid,
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
    if vtype == ua.VariantType.LocalizedText:
        return ua.LocalizedText(str(value))
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


def _channel_secured() -> bool:
    """Whether the CreateSession being validated came over a signed channel. asyncua 2.1.0
    validates the certificate a client sends in CreateSession even on a None channel (node-opcua
    sends one there too) and tells the validator nothing of the channel, so this looks up the
    calling UaProcessor's security policy. Not found: treated as secured (refusing is safe)."""
    import inspect

    from asyncua.server.uaprocessor import UaProcessor

    frame = inspect.currentframe()
    while frame is not None:
        caller = frame.f_locals.get("self")
        if isinstance(caller, UaProcessor):
            policy = caller._connection.security_policy
            return not str(getattr(policy, "URI", "")).endswith("#None")
        frame = frame.f_back
    return True


def trust_directory_validator(directory: Path, rejected: Path | None = None) -> Callable:
    """A certificate validator: a client certificate is trusted when a copy of it (DER) lies in
    `directory`; read on every new secure channel, so trusting one needs no restart. A refused
    one is copied to `rejected` (named by its SHA-1 thumbprint), where an administrator finds
    it and moves it to `directory` to trust it, as OPC UA servers do."""
    import hashlib

    from cryptography.hazmat.primitives.serialization import Encoding

    async def validate(cert: Any, app_description: Any) -> None:
        if not _channel_secured():
            return  # a None channel trusts no certificate: there is nothing to refuse
        der = cert.public_bytes(Encoding.DER)
        for path in directory.glob("*.der") if directory.is_dir() else ():
            if path.read_bytes() == der:
                return
        if rejected is not None:
            rejected.mkdir(parents=True, exist_ok=True)
            name = getattr(app_description, "ApplicationUri", "") or "client"
            (rejected / f"{hashlib.sha1(der).hexdigest()}.der").write_bytes(der)
            _log.warning("client certificate of %s refused, copied to %s", name, rejected)
        raise ua.UaStatusCodeError(ua.StatusCodes.BadCertificateUntrusted)

    return validate
