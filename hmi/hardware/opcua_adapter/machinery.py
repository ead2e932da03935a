"""OPC UA for Machinery (OPC 40001-1) basics on a `UaServer`: the OPC Foundation's DI, IA and
Machinery nodesets imported with asyncua's import_xml, and one machine instance of their
types, so a Machinery-aware client finds it under Objects/Machines:

    Machines (Machinery i=1001) --Organizes--> <machine>              BaseObjectType
      <machine> --HasAddIn--> 2:Identification                        MachineIdentificationType
      <machine> --HasComponent--> Machinery:MachineryBuildingBlocks    FolderType
        --HasAddIn--> 2:Identification (the same object)
        --HasAddIn--> Machinery:MachineryItemState       MachineryItemState_StateMachineType
        --HasAddIn--> Machinery:MachineryOperationMode   MachineryOperationModeStateMachineType

The two state machines are published by key as the state's name ("Executing"): CurrentState
(LocalizedText) and CurrentState/Id (the NodeId of that state in the Machinery namespace)
change together (UaServer.state_machines).

asyncua 2.1.0 refuses DI's nine DesignToolOnly objects (Configuration, Tuning, ... the names
FunctionalGroups reuse): they have no parent, and its import adds every node under one
(BadParentNodeIdInvalid ns=...;i=73). Nodes for design tools are no part of a server's address
space, so they are left out of the import (`without_design_tool_only`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asyncua import ua
from asyncua.common.instantiate_util import instantiate
from asyncua.common.ua_utils import get_node_supertypes

DI_URI = "http://opcfoundation.org/UA/DI/"
MACHINERY_URI = "http://opcfoundation.org/UA/Machinery/"
MACHINES = 1001  # the Machines folder, Machinery namespace
MACHINE_IDENTIFICATION_TYPE = 1012
STATE_MACHINE_TYPES = {  # browse name -> (type, its states: name -> NodeId number)
    "MachineryItemState": (1002, {"NotAvailable": 5005, "OutOfService": 5004,
                                  "NotExecuting": 5007, "Executing": 5006}),
    "MachineryOperationMode": (1008, {"None": 5024, "Maintenance": 5025, "Setup": 5027,
                                      "Processing": 5026}),
}  # fmt: skip
_DESIGN_TOOL_ONLY = re.compile(r'<(UA\w+)\b[^>]*\bDesignToolOnly="true"[^>]*?(?:/>|>.*?</\1>)',
                               re.S)  # fmt: skip


@dataclass(frozen=True, slots=True)
class MachineSpec:
    ident: str  # identifier text of the machine object in our namespace ("Machine")
    display_name: str
    identification: Mapping[str, Any]  # property browse name -> value ("Manufacturer": ...)
    also_under: str | None = None  # one of our folders ("Line") that Organizes it too
    state_keys: Mapping[str, str] = field(default_factory=dict)  # publish key -> state
    # machine's browse name ("state.machinery_item": "MachineryItemState")


def without_design_tool_only(xml: str) -> tuple[str, int]:
    """The nodeset without its DesignToolOnly nodes, and how many there were."""
    return _DESIGN_TOOL_ONLY.subn("", xml)


async def import_nodesets(server: Any, paths: Sequence[Path]) -> int:
    """Import the nodesets in order (each after the models it requires); the nodes added."""
    added = 0
    for path in paths:
        xml, _ = without_design_tool_only(path.read_text(encoding="utf-8"))
        added += len(await server.import_xml(xmlstring=xml))
    return added


async def add_machine(ua_server: Any, nodesets: Sequence[Path], spec: MachineSpec) -> None:
    """Import the nodesets (once per server) and build the machine of `spec` (on the loop of
    `ua_server`, a UaServer); its state machines become publishable keys. Each AddIn is named
    (browse and display name) as its type's DefaultInstanceBrowseName, not as its type."""
    server = ua_server.server
    if MACHINERY_URI not in await server.get_namespace_array():
        await import_nodesets(server, nodesets)
    di = await server.get_namespace_index(DI_URI)
    mns = await server.get_namespace_index(MACHINERY_URI)
    ns = ua_server.ns
    node = server.get_node

    def our(ident: str) -> ua.NodeId:
        return ua.NodeId(ident, ns)

    machines = node(ua.NodeId(MACHINES, mns))  # a folder: instantiate() links by Organizes
    (machine, *_) = await instantiate(
        machines, node(ua.NodeId(ua.ObjectIds.BaseObjectType)), nodeid=our(spec.ident),
        bname=ua.QualifiedName(spec.ident, ns), dname=ua.LocalizedText(spec.display_name),
    )  # fmt: skip
    ident_type = node(ua.NodeId(MACHINE_IDENTIFICATION_TYPE, mns))
    (identification, *_) = await instantiate(
        machine, ident_type, nodeid=our(f"{spec.ident}.Identification"),
        bname=ua.QualifiedName("Identification", di), dname=ua.LocalizedText("Identification"),
        instantiate_optional=False,
    )  # fmt: skip
    await _as_add_in(machine, identification, ua.ObjectIds.HasComponent)
    await _identification_values(identification, ident_type, spec.identification)
    (blocks, *_) = await instantiate(
        machine, node(ua.NodeId(ua.ObjectIds.FolderType)),
        nodeid=our(f"{spec.ident}.MachineryBuildingBlocks"),
        bname=ua.QualifiedName("MachineryBuildingBlocks", mns),
        dname=ua.LocalizedText("MachineryBuildingBlocks"),
    )  # fmt: skip
    await blocks.add_reference(identification, ua.ObjectIds.HasAddIn)
    for key, name in spec.state_keys.items():
        type_id, states = STATE_MACHINE_TYPES[name]
        ident = f"{spec.ident}.MachineryBuildingBlocks.{name}"
        await instantiate(
            blocks, node(ua.NodeId(type_id, mns)), nodeid=our(ident),
            bname=ua.QualifiedName(name, mns), dname=ua.LocalizedText(name),
            instantiate_optional=False,
        )  # fmt: skip
        await _as_add_in(blocks, node(our(ident)), ua.ObjectIds.Organizes)
        ua_server.nodes[key] = our(f"{ident}.CurrentState")
        ua_server.types[key] = ua.VariantType.LocalizedText
        ids = {state: ua.NodeId(number, mns) for state, number in states.items()}
        ua_server.state_machines[key] = (our(f"{ident}.CurrentState.Id"), ids)
        first = next(iter(ids))  # NotAvailable, None: until the first publish
        await node(ua_server.nodes[key]).write_value(ua.LocalizedText(first))
        await node(our(f"{ident}.CurrentState.Id")).write_value(ids[first])
    if spec.also_under is not None:
        line = await ua_server.folder(spec.also_under)
        await line.add_reference(machine, ua.ObjectIds.Organizes)


async def _as_add_in(parent: Any, child: Any, instantiated_as: int) -> None:
    """instantiate() links a child by HasComponent (Organizes under a folder); an AddIn is
    referenced with HasAddIn (OPC 10000-3, 40001-1 6.3)."""
    await parent.delete_reference(child, instantiated_as)
    await parent.add_reference(child, ua.ObjectIds.HasAddIn)


async def _identification_values(ident: Any, ident_type: Any, values: Mapping[str, Any]
                                 ) -> None:  # fmt: skip
    """Write the identification properties: the mandatory ones instantiated, the optional ones
    added only when there is a value (not every optional of the type, empty), each with the
    browse name and DataType of the type's declaration (LocalizedText where DI says so)."""
    declared = {}
    for base in reversed(await get_node_supertypes(ident_type, includeitself=True)):
        for child in await base.get_properties():
            declared[(await child.read_browse_name()).Name] = child
    present = {(await c.read_browse_name()).Name: c for c in await ident.get_properties()}
    for name, value in values.items():
        if value is None or value == "":
            continue
        decl = declared[name]
        vtype = await decl.read_data_type_as_variant_type()
        variant = ua.Variant(ua.LocalizedText(str(value)) if vtype == ua.VariantType.LocalizedText
                             else value, vtype)  # fmt: skip
        if name in present:
            await present[name].write_value(variant)
        else:
            child_id = ua.NodeId(f"{ident.nodeid.Identifier}.{name}", ident.nodeid.NamespaceIndex)
            await ident.add_property(child_id, await decl.read_browse_name(), variant,
                                     datatype=await decl.read_data_type())  # fmt: skip
