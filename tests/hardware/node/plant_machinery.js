// A Machinery-aware plant system (OPC 40001-1) in node-opcua finding the line without a manual:
// browses the standard Machines folder (Machinery i=1001) for machines, follows each one's
// HasAddIn to its Identification, reads Identification/Manufacturer, SerialNumber and
// MachineryBuildingBlocks/MachineryItemState/CurrentState with its Id.
// spec: {endpoint}. Prints one JSON object, then "ready"; on each line on stdin it reads the
// state again and prints it (the test changes the line's state in between).
const opcua = require("node-opcua");
const openSession = require("./plant_session");
const readline = require("readline");
const spec = JSON.parse(process.argv[2]);
const out = (o) => console.log(JSON.stringify(o));
const MACHINERY = "http://opcfoundation.org/UA/Machinery/";
const DI = "http://opcfoundation.org/UA/DI/";

(async () => {
  const session = await openSession(opcua, { endpointMustExist: false }, spec.endpoint)();
  const namespaces = await session.readNamespaceArray();
  const m = namespaces.indexOf(MACHINERY), di = namespaces.indexOf(DI);
  const forward = async (nodeId, referenceTypeId) => (await session.browse({
    nodeId, referenceTypeId, browseDirection: opcua.BrowseDirection.Forward, includeSubtypes: true,
    resultMask: 63 })).references || [];
  const name = (ref) => `${ref.browseName.namespaceIndex === m ? "Machinery" : ref.browseName.namespaceIndex === di ? "DI" : ref.browseName.namespaceIndex}:${ref.browseName.name}`;
  const typeOf = async (nodeId) => {
    const refs = await forward(nodeId, "HasTypeDefinition");
    return refs.length ? `${namespaces[refs[0].nodeId.namespace]};i=${refs[0].nodeId.value}` : null;
  };
  const machines = await forward(`ns=${m};i=1001`, "Organizes");
  const found = [];
  for (const machine of machines) {
    const addIns = await forward(machine.nodeId, "HasAddIn");
    const ident = addIns.find((r) => r.browseName.name === "Identification" && r.browseName.namespaceIndex === di);
    if (!ident) continue;
    const props = {};
    for (const p of await forward(ident.nodeId, "HasProperty")) {
      const dv = await session.read({ nodeId: p.nodeId, attributeId: opcua.AttributeIds.Value });
      const v = dv.value.value;
      props[p.browseName.name] = v && v.text !== undefined ? { text: v.text } : v;
    }
    const components = await forward(machine.nodeId, "HasComponent");
    const blocks = components.find((r) => name(r) === "Machinery:MachineryBuildingBlocks");
    const inBlocks = blocks ? (await forward(blocks.nodeId, "HasAddIn")).map(name) : [];
    found.push({ nodeId: machine.nodeId.toString(), displayName: machine.displayName.text,
      identificationType: await typeOf(ident.nodeId), identification: props, blocks: inBlocks,
      itemStateType: blocks ? await typeOf((await forward(blocks.nodeId, "HasAddIn")).find((r) => r.browseName.name === "MachineryItemState").nodeId) : null });
  }
  const statePath = (machineId) => opcua.makeBrowsePath(machineId,
    `/${m}:MachineryBuildingBlocks/${m}:MachineryItemState/0:CurrentState`);
  const readState = async () => {
    const [path] = await session.translateBrowsePath([statePath(machines[0].nodeId)]);
    if (!path.targets || !path.targets.length) return { state: null, status: path.statusCode.name };
    const current = path.targets[0].targetId;
    const [idPath] = await session.translateBrowsePath([opcua.makeBrowsePath(current, "/0:Id")]);
    const [text, id] = await session.read([{ nodeId: current, attributeId: opcua.AttributeIds.Value },
      { nodeId: idPath.targets[0].targetId, attributeId: opcua.AttributeIds.Value }]);
    return { state: text.value.value.text, id: `${namespaces[id.value.value.namespace]};i=${id.value.value.value}` };
  };
  out({ machines: found, ...(await readState()) });
  console.log("ready");
  const input = readline.createInterface({ input: process.stdin });
  input.on("line", async () => out(await readState()));
  process.on("SIGTERM", () => process.exit(0));
})().catch((err) => { out({ failed: String(err) }); console.log("ready"); });
