"""OPC UA for Machinery (OPC 40001-1) basics of the plant server: a Machinery-aware client finds
the line under Objects/Machines with its Identification (from the setting) and the
MachineryItemState / MachineryOperationMode state machines, which follow the line as it stops
and starts. Our asyncua client, then node-opcua (an independent stack). On the simulated
clock: the runtime runs and the plant server publishes only when the test says."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
from asyncua import ua

from hmi.runtime.commands import StartLine, StopLine
from tests.hardware.node_opcua import json_lines, node_script
from tests.plantserver.conftest import run_session, sim_plant_in, step

MACHINERY = "http://opcfoundation.org/UA/Machinery/"
DI = "http://opcfoundation.org/UA/DI/"
SOFTWARE = "hmi 9.8.7 (test)"
SETTING = """\
enabled = true
security = ["None"]

[identification]
manufacturer = "Calender Works GmbH"
model = "DE-1200 dry electrode calender"
serial_number = "DE1200-0042"
product_instance_uri = "urn:calender-works:de1200:0042"
location = "Hall 3, line 2"
"""


@pytest.fixture(scope="module")
def machine(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("machinery")
    (data_dir / "opcua-server.toml").write_text(SETTING, encoding="utf-8")
    yield from sim_plant_in(data_dir, software=SOFTWARE)


async def _forward(node, reftype: int) -> list[ua.ReferenceDescription]:
    return await node.get_references(reftype, ua.BrowseDirection.Forward)


async def _until(read, expected, timeout_s: float = 5.0):
    """Read until the published value arrives (the plant server writes on its own loop)."""
    deadline = time.monotonic() + timeout_s
    while (got := await read()) != expected and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    return got


def test_a_machinery_client_finds_the_line_in_machines_with_its_identification(machine):
    stack, server, endpoint = machine

    async def work(client, ns):
        m, di = [await client.get_namespace_index(u) for u in (MACHINERY, DI)]
        machines = client.get_node(ua.NodeId(1001, m))
        found = await _forward(machines, ua.ObjectIds.Organizes)
        assert [r.NodeId for r in found] == [ua.NodeId("Machine", ns)]
        item = client.get_node(found[0].NodeId)
        add_ins = {r.BrowseName.to_string(): r for r in await _forward(item, ua.ObjectIds.HasAddIn)}
        ident = add_ins[f"{di}:Identification"]
        assert ident.TypeDefinition == ua.NodeId(1012, m)  # MachineIdentificationType
        assert ident.DisplayName.Text == "Identification"  # the AddIn's name, not its type's
        values = {}
        for prop in await client.get_node(ident.NodeId).get_properties():
            name = await prop.read_browse_name()
            values[name.Name] = (name.NamespaceIndex, await prop.read_value())
        blocks = await item.get_child(ua.QualifiedName("MachineryBuildingBlocks", m))
        assert await blocks.read_type_definition() == ua.NodeId(ua.ObjectIds.FolderType)
        in_blocks = {r.BrowseName.Name: r.TypeDefinition
                     for r in await _forward(blocks, ua.ObjectIds.HasAddIn)}  # fmt: skip
        line = client.get_node(ua.NodeId("Line", ns))
        under_line = [r.NodeId for r in await _forward(line, ua.ObjectIds.Organizes)]
        old = await client.get_node(ua.NodeId("Line.Identification.Manufacturer", ns)).read_value()
        return found[0].DisplayName.Text, values, in_blocks, under_line, old, m, di, ns

    shown, values, in_blocks, under_line, old, m, di, ns = run_session(endpoint, None, work)
    assert shown == "DE-1200 dry electrode calender"
    text = ua.LocalizedText
    assert values == {  # LocalizedText where DI says so; Location is Machinery's
        "Manufacturer": (di, text("Calender Works GmbH")),
        "Model": (di, text("DE-1200 dry electrode calender")),
        "SerialNumber": (di, "DE1200-0042"),
        "ProductInstanceUri": (di, "urn:calender-works:de1200:0042"),
        "SoftwareRevision": (di, SOFTWARE),
        "Location": (m, "Hall 3, line 2"),
    }
    assert in_blocks == {"Identification": ua.NodeId(1012, m),
                         "MachineryItemState": ua.NodeId(1002, m),  # _StateMachineType
                         "MachineryOperationMode": ua.NodeId(1008, m)}  # fmt: skip
    assert ua.NodeId("Machine", ns) in under_line  # also reachable from Objects/Line
    assert old == "Calender Works GmbH"  # the plain variables stay


def test_machinery_item_state_follows_the_line_stopping_and_starting(machine):
    stack, server, endpoint = machine

    def states(expected_item: str, expected_mode: str = "Processing"):
        async def work(client, ns):
            m = await client.get_namespace_index(MACHINERY)
            base = "Machine.MachineryBuildingBlocks"

            async def read():
                out = []
                for sm in ("MachineryItemState", "MachineryOperationMode"):
                    current = client.get_node(ua.NodeId(f"{base}.{sm}.CurrentState", ns))
                    state_id = await client.get_node(
                        ua.NodeId(f"{base}.{sm}.CurrentState.Id", ns)).read_value()  # fmt: skip
                    out.append(((await current.read_value()).Text, state_id))
                out.append(await client.get_node(
                    ua.NodeId("Line.State.MachineryItemState", ns)).read_value())  # fmt: skip
                return tuple(out)

            ids = {"Executing": 5006, "NotExecuting": 5007, "Setup": 5027, "Processing": 5026}
            number = {"Executing": 3, "NotExecuting": 2}
            expected = ((expected_item, ua.NodeId(ids[expected_item], m)),
                        (expected_mode, ua.NodeId(ids[expected_mode], m)),
                        number[expected_item])  # fmt: skip
            return await _until(read, expected), expected

        got, expected = run_session(endpoint, None, work)
        assert got == expected

    _start(stack, server)
    states("Executing")
    _stop(stack, server)
    states("NotExecuting")
    _start(stack, server)  # returns as the drive runs: the web is being threaded
    states("Executing", "Setup")
    _step_until(stack, server, lambda s: s.sequence.step not in ("check", "prime", "thread"),
                600.0)  # fmt: skip
    states("Executing", "Processing")


def _stop(stack, server) -> None:
    """A quick stop: the drive is off at once."""
    stack.runtime.submit(StopLine("test", "quick"))
    _step_until(stack, server, lambda snap: not snap.running, 5.0)


def _start(stack, server) -> None:
    """Start a stopped line (a stop's sequence ends first: ~3 simulated minutes for a quick
    one); a running line is left as it is."""
    if stack.runtime.latest().running:
        return
    _step_until(stack, server, lambda s: s.sequence.line_state == "stopped"
                and not s.sequence.sequence, 600.0)  # fmt: skip
    stack.runtime.submit(StartLine("test"))
    _step_until(stack, server, lambda snap: snap.running, 60.0)


def _step_until(stack, server, test, limit_s: float) -> None:
    waited = 0.0
    while waited < limit_s:
        step(stack, server, 0.5)
        waited += 0.5
        if test(stack.runtime.latest()):
            return
    raise AssertionError(f"not within {limit_s} s: {stack.runtime.latest().sequence.text}")


def test_node_opcua_finds_the_machine_and_reads_its_identification_and_state(machine, tmp_path):
    stack, server, endpoint = machine
    _start(stack, server)
    with node_script("plant_machinery.js", {"endpoint": endpoint}, tmp_path, stdin=True) as proc:
        first = {k: v for line in proc.startup_lines if line.startswith("{")
                 for k, v in json.loads(line).items()}  # fmt: skip
        assert "failed" not in first, first
        (found,) = first["machines"]
        assert found["displayName"] == "DE-1200 dry electrode calender"
        assert found["identificationType"] == f"{MACHINERY};i=1012"
        assert found["identification"]["Manufacturer"] == {"text": "Calender Works GmbH"}
        assert found["identification"]["SerialNumber"] == "DE1200-0042"
        assert set(found["blocks"]) == {"DI:Identification", "Machinery:MachineryItemState",
                                        "Machinery:MachineryOperationMode"}  # fmt: skip
        assert found["itemStateType"] == f"{MACHINERY};i=1002"
        assert (first["state"], first["id"]) == ("Executing", f"{MACHINERY};i=5006")

        _stop(stack, server)
        lines = json_lines(proc)
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline:  # until node-opcua reads what was published
            proc.stdin.write("read\n")
            proc.stdin.flush()
            now = lines.get(timeout=5.0)
            if now["state"] == "NotExecuting":
                break
        assert (now["state"], now["id"]) == ("NotExecuting", f"{MACHINERY};i=5007")


def test_the_nodesets_ship_in_resources_with_their_licence_and_import_without_design_nodes():
    from hmi.hardware.opcua_adapter.machinery import without_design_tool_only
    from hmi.plantserver.nodes import NODESETS

    resources = Path(__file__).resolve().parents[2] / "resources"  # bundled whole (hmi.spec)
    dropped = {}
    for path in NODESETS:
        assert path.parent == resources / "opcua"
        xml = path.read_text(encoding="utf-8")
        assert "OPC Foundation MIT License 1.00" in xml[:2000]
        stripped, dropped[path.name] = without_design_tool_only(xml)
        assert "DesignToolOnly" not in stripped
    # DI's Configuration, Tuning, Maintenance, Diagnostics, ... (no parent: asyncua refuses them)
    assert dropped == {"Opc.Ua.Di.NodeSet2.xml": 9, "Opc.Ua.IA.NodeSet2.xml": 0,
                       "Opc.Ua.Machinery.NodeSet2.xml": 0}  # fmt: skip
