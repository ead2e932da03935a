// A plant system (MES / SCADA) in node-opcua reading, subscribing to, writing to and taking
// alarm events from our plant server. Prints one JSON object per line.
// spec: {endpoint, uri, tag, setpoint, user, password, secure}
const opcua = require("node-opcua");
const openSession = require("./plant_session");
const spec = JSON.parse(process.argv[2]);
const out = (o) => console.log(JSON.stringify(o));

(async () => {
  const options = { endpointMustExist: false, connectionStrategy: { maxRetry: 3, initialDelay: 200 } };
  if (spec.secure) {
    options.securityMode = opcua.MessageSecurityMode.SignAndEncrypt;
    options.securityPolicy = opcua.SecurityPolicy.Basic256Sha256;
  }
  const open = openSession(opcua, options, spec.endpoint);
  const anonymous = await open();
  const ns = (await anonymous.readNamespaceArray()).indexOf(spec.uri);
  const id = (s) => `ns=${ns};s=${s}`;
  const value = await anonymous.read({ nodeId: id(spec.tag), attributeId: opcua.AttributeIds.Value });
  const eu = await anonymous.read({ nodeId: id(spec.tag + ".EngineeringUnits"), attributeId: opcua.AttributeIds.Value });
  const range = await anonymous.read({ nodeId: id(spec.tag + ".EURange"), attributeId: opcua.AttributeIds.Value });
  out({ read: {
    value: value.value.value, status: value.statusCode.name, source: value.sourceTimestamp,
    unitId: eu.value.value.unitId, unit: eu.value.value.displayName.text,
    low: range.value.value.low, high: range.value.value.high } });
  const manufacturer = await anonymous.read({ nodeId: id("Line.Identification.Manufacturer"), attributeId: opcua.AttributeIds.Value });
  out({ manufacturer: manufacturer.value.value });

  const write = (session, v) => session.write({ nodeId: id(spec.setpoint), attributeId: opcua.AttributeIds.Value,
    value: { value: { dataType: opcua.DataType.Double, value: v } } });
  out({ anonymous_write: (await write(anonymous, spec.value)).name });

  const user = await open({ type: opcua.UserTokenType.UserName, userName: spec.user, password: spec.password });
  out({ user_write: (await write(user, spec.value)).name });
  out({ user_out_of_range: (await write(user, 1e6)).name });
  let wrong = "accepted";
  try {
    await open({ type: opcua.UserTokenType.UserName, userName: spec.user, password: "not-it" });
  } catch (err) { wrong = String(err.message).match(/Bad\w+/)?.[0] || "refused"; }
  out({ wrong_password: wrong });

  const sub = await anonymous.createSubscription2({ requestedPublishingInterval: 100, requestedMaxKeepAliveCount: 10,
    requestedLifetimeCount: 100, publishingEnabled: true });
  let changes = 0;
  const item = opcua.ClientMonitoredItem.create(sub, { nodeId: id(spec.subscribe), attributeId: opcua.AttributeIds.Value },
    { samplingInterval: 100, queueSize: 10, discardOldest: true }, opcua.TimestampsToReturn.Both);
  item.on("changed", () => { changes += 1; });
  const fields = ["EventType", "SourceName", "Severity", "Message", "ConditionName", "ActiveState.Id", "AckedState.Id", "Retain"];
  const events = opcua.ClientMonitoredItem.create(sub, { nodeId: "i=2253", attributeId: opcua.AttributeIds.EventNotifier },
    { samplingInterval: 0, queueSize: 100, discardOldest: true, filter: opcua.constructEventFilter(fields) },
    opcua.TimestampsToReturn.Both);
  events.on("changed", (values) => {
    const e = {};
    fields.forEach((f, i) => { const v = values[i].value; e[f] = v && v.text !== undefined ? v.text : (v && v.toString && typeof v === "object" ? v.toString() : v); });
    out({ event: e });
  });
  await new Promise((r) => setTimeout(r, 1000));
  out({ data_changes_in_1s: changes });
  console.log("ready");
  process.on("SIGTERM", () => process.exit(0));
})().catch((err) => { out({ failed: String(err) }); console.log("ready"); });
