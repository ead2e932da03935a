// A line PLC's OPC UA server in node-opcua (the independent peer of the interop tests).
// spec: {port, uri, nodes: [{id, type, writable}], heartbeat, echo: {written: read}, status: {id: "Uncertain"|"Bad"}, secure}
const opcua = require("node-opcua");
const spec = JSON.parse(process.argv[2]);

const TYPES = { double: "Double", float: "Float", boolean: "Boolean", uint16: "UInt16",
                int16: "Int16", int32: "Int32", uint32: "UInt32" };
const STATUS = { Uncertain: opcua.StatusCodes.UncertainLastUsableValue,
                 Bad: opcua.StatusCodes.BadSensorFailure };

(async () => {
  const options = {
    port: spec.port,
    resourcePath: "",
    allowAnonymous: true,
    buildInfo: { productName: "node-opcua line PLC (test peer)" },
  };
  if (spec.secure) {
    options.securityPolicies = [opcua.SecurityPolicy.Basic256Sha256];
    options.securityModes = [opcua.MessageSecurityMode.Sign, opcua.MessageSecurityMode.SignAndEncrypt];
    options.allowAnonymous = false;
    options.userManager = {
      isValidUser: (user, password) => user === spec.user && password === spec.password,
    };
    options.serverCertificateManager = new opcua.OPCUACertificateManager({
      rootFolder: "pki-server", automaticallyAcceptUnknownCertificate: true,
    });
  }
  const server = new opcua.OPCUAServer(options);
  await server.initialize();
  const space = server.engine.addressSpace;
  const ns = space.registerNamespace(spec.uri);
  const folder = ns.addFolder(space.rootFolder.objects, { browseName: "Line" });
  const vars = {};
  for (const n of spec.nodes) {
    const dataType = TYPES[n.type];
    vars[n.id] = ns.addVariable({
      organizedBy: folder, nodeId: n.id, browseName: n.id.slice(2), dataType,
      minimumSamplingInterval: 10,
      accessLevel: n.writable ? "CurrentRead | CurrentWrite" : "CurrentRead",
      userAccessLevel: n.writable ? "CurrentRead | CurrentWrite" : "CurrentRead",
      value: { dataType, value: dataType === "Boolean" ? false : 0 },
    });
  }
  let beat = 0;
  const set = (id, value, status) => {
    const v = vars[id];
    const dataType = v.dataType.value === 1 ? opcua.DataType.Boolean : v.getBasicDataType();
    v.setValueFromSource({ dataType, value }, status || opcua.StatusCodes.Good, new Date());
  };
  setInterval(() => {
    beat = (beat + 1) & 0xffff;
    set(spec.heartbeat, beat);
    for (const [written, read] of Object.entries(spec.echo || {})) {
      const got = vars[written].readValue().value.value;
      set(read, typeof got === "boolean" ? got : Number(got));
    }
    for (const [id, s] of Object.entries(spec.status || {})) {
      set(id, 1.5, STATUS[s]);
    }
    for (const [id, value] of Object.entries(spec.values || {})) {
      set(id, value);
    }
  }, 10);
  await server.start();
  console.log("ready " + server.getEndpointUrl());
  process.on("SIGTERM", async () => { await server.shutdown(0); process.exit(0); });
})().catch((err) => { console.log("failed " + err); process.exit(1); });
