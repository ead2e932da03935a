"""Shared by the asyncua client and server wrappers: status codes, the event-loop thread,
certificates, value types."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from asyncua import ua
from asyncua.crypto import security_policies
from asyncua.crypto.cert_gen import setup_self_signed_certificate
from cryptography.x509.oid import ExtendedKeyUsageOID

from hmi.core.process import Quality
from hmi.hardware.fieldbus import LinkError, LinkTimeout

# asyncua logs every refused connection and lost session at WARNING/ERROR; the link supervision
# counts and reports them itself.

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
        async def cancel_all() -> None:  # no task left pending when the loop goes
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        try:
            self.run(cancel_all(), 1.0)
        except Exception:  # a loop that is already gone
            pass
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
