"""The one package that imports asyncua (pinned 2.1.0, see ../shared/FACTS.md). Everything else
talks to `UaClient`, `UaServer` and `LoopThread` and sees LinkError / LinkTimeout and plain
Python values, never an asyncua type.

asyncua is asyncio-only; each client or server runs its own event loop in a daemon thread and
the callers (the fieldbus I/O thread, the PLC scan, the plant server's publisher) reach it
through `LoopThread.run(coro, timeout)`.
"""

from hmi.hardware.opcua_adapter.client import UaClient
from hmi.hardware.opcua_adapter.common import (
    Security,
    ensure_certificate,
    quality_of,
    status_name,
)
from hmi.hardware.opcua_adapter.conditions import ConditionSpec, UaConditions
from hmi.hardware.opcua_adapter.machinery import MachineSpec
from hmi.hardware.opcua_adapter.server import (
    STATUS,
    STATUS_BAD,
    STATUS_GOOD,
    STATUS_UNCERTAIN,
    PasswordUsers,
    UaServer,
    Variable,
    trust_directory_validator,
)

__all__ = [
    "STATUS", "STATUS_BAD", "STATUS_GOOD", "STATUS_UNCERTAIN", "ConditionSpec", "MachineSpec",
    "PasswordUsers",
    "Security", "UaClient", "UaConditions", "UaServer", "Variable", "ensure_certificate",
    "quality_of", "status_name", "trust_directory_validator",
]  # fmt: skip
