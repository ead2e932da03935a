"""One HMI stack (emulated line, real clock) with accounts and the plant OPC UA server on a
free port, shared by the module's tests (the server takes ~3 s to build its address space)."""

from __future__ import annotations

import pytest

from hmi.app import DEFAULT_PROFILE, build_stack
from hmi.core.roles import Role
from hmi.plantserver import serve_stack
from hmi.security import Session
from tests.hardware.fieldbus_helpers import free_port, wait_until

ADMIN = Session("chief", Role.ADMINISTRATOR)
PASSWORDS = {"chief": "Calender-Boss-2026!", "mes": "Plant-Order-2026!"}


@pytest.fixture(scope="module")
def plant(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("plant-data")
    stack = build_stack(DEFAULT_PROFILE, data_dir, history=False)
    stack.runtime.start()
    accounts = stack.security.accounts
    accounts.add_first_admin("chief", PASSWORDS["chief"])
    accounts.add(ADMIN, "mes", Role.OPERATOR, PASSWORDS["mes"])
    port = free_port()
    assert serve_stack(stack, f"opc.tcp://127.0.0.1:{port}") is None
    server = stack.closers[-1].__self__
    wait_until(lambda: server.published > 2, 10.0, "plant server publishing")
    yield stack, server, f"opc.tcp://127.0.0.1:{port}"
    stack.close()
