"""One HMI stack with accounts and the plant OPC UA server on a free port, shared by a module's
tests (the server takes seconds to build its address space): `plant` on the real clock,
publishing by itself; `sim_plant` on the simulated clock, acting only when a test says."""

from __future__ import annotations

import asyncio

import pytest
from asyncua import Client

from hmi.app import DEFAULT_PROFILE, build_stack
from hmi.core.roles import Role
from hmi.plantserver import PlantServer, load_settings, serve_stack
from hmi.runtime.service import LineService
from hmi.security import Session
from tests.hardware.fieldbus_helpers import free_port, wait_until

ADMIN = Session("chief", Role.ADMINISTRATOR)
PASSWORDS = {"chief": "Calender-Boss-2026!", "mes": "Plant-Order-2026!",
             "shift": "Night-Lead-2026!"}  # fmt: skip


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


@pytest.fixture(scope="module")
def sim_plant(tmp_path_factory):
    """A stack on the simulated clock, not running; its plant server serves but does not
    publish by itself (its publisher thread is not started)."""
    yield from sim_plant_in(tmp_path_factory.mktemp("conditions"))


def sim_plant_in(data_dir, software: str = ""):
    """`sim_plant` on `data_dir` (its opcua-server.toml, if any, is the server's setting)."""
    stack = build_stack(DEFAULT_PROFILE, data_dir, simulated=True, history=False,
                        session=ADMIN)  # fmt: skip
    accounts = stack.security.accounts
    accounts.add_first_admin("chief", PASSWORDS["chief"])
    accounts.add(ADMIN, "mes", Role.OPERATOR, PASSWORDS["mes"])
    accounts.add(ADMIN, "shift", Role.SUPERVISOR, PASSWORDS["shift"])
    endpoint = f"opc.tcp://127.0.0.1:{free_port()}"
    base = stack.service

    def service_for(session):  # as serve_stack builds it
        return LineService(stack.runtime, session, audit=base.audit, journal=base.journal,
                           signatures=stack.security)  # fmt: skip

    settings = load_settings(data_dir, endpoint)
    server = PlantServer(stack.runtime, stack.security, service_for, settings, data_dir,
                         software=software,
                         alarm_definitions=stack.runtime.alarms.definitions)  # fmt: skip
    server.server.start()  # the OPC UA server only: publishing is the test's
    stack.runtime.run_for(1.0)
    server.publish_once()
    yield stack, server, endpoint
    server.server.stop()
    stack.close()


def step(stack, server, seconds: float = 0.05) -> None:
    """`sim_plant`: let the runtime apply what was sent, then publish what it did."""
    stack.runtime.run_for(seconds)
    server.publish_once()


URI = "urn:dry-electrode-hmi:line"


def run_session(endpoint: str, user: str | None, work):
    """`work(client, ns)` in one asyncua session (as `user`, or anonymous), its result."""

    async def session():
        client = Client(endpoint, timeout=5)
        if user:
            client.set_user(user)
            client.set_password(PASSWORDS[user])
        async with client:
            return await work(client, await client.get_namespace_index(URI))

    return asyncio.run(session())
