// A plant system (MES / SCADA) in node-opcua working with our plant server's Part 9
// conditions: subscribes to events, calls ConditionRefresh, acknowledges the alarm anonymously
// (refused) and as a user, then waits for the event that shows it acknowledged.
// spec: {endpoint, uri, alarm, user, password}. Prints "ready" once subscribed, then one JSON
// object per line; after the one with "user_ack" it waits for a line on stdin (the test lets
// the runtime apply the acknowledgement and the plant server publish it, then writes one).
const opcua = require("node-opcua");
const openSession = require("./plant_session");
const readline = require("readline");
const spec = JSON.parse(process.argv[2]);
const out = (o) => console.log(JSON.stringify(o));
const fields = ["EventId", "EventType", "ConditionId", "ConditionName", "SourceName", "Severity",
  "Message", "Retain", "ActiveState.Id", "AckedState.Id", "ShelvingState.CurrentState"];
const input = readline.createInterface({ input: process.stdin });
const stdinLines = [];
let wakeStdin = null;
input.on("line", (l) => { stdinLines.push(l); if (wakeStdin) wakeStdin(); });
const nextStdinLine = () => new Promise((r) => {
  if (stdinLines.length) return r(stdinLines.shift());
  wakeStdin = () => { wakeStdin = null; r(stdinLines.shift()); };
});

const plain = (v) => {
  if (v === null || v === undefined) return v;
  if (Buffer.isBuffer(v)) return v.toString("hex");
  if (v.text !== undefined) return v.text;
  if (typeof v === "object" && v.toString) return v.toString();
  return v;
};

(async () => {
  const options = { endpointMustExist: false, connectionStrategy: { maxRetry: 3, initialDelay: 200 } };
  const open = openSession(opcua, options, spec.endpoint);
  const anonymous = await open();
  const ns = (await anonymous.readNamespaceArray()).indexOf(spec.uri);
  const sub = await anonymous.createSubscription2({ requestedPublishingInterval: 50,
    requestedMaxKeepAliveCount: 10, requestedLifetimeCount: 100, publishingEnabled: true });
  const received = [];
  let wake = null;
  const item = opcua.ClientMonitoredItem.create(sub, { nodeId: "i=2253", attributeId: opcua.AttributeIds.EventNotifier },
    { samplingInterval: 0, queueSize: 1000, discardOldest: false, filter: opcua.constructEventFilter(fields) },
    opcua.TimestampsToReturn.Both);
  item.on("changed", (values) => {
    const e = { raw: values[0].value };
    fields.forEach((f, i) => { e[f] = plain(values[i].value); });
    received.push(e);
    if (wake) wake();
  });
  await new Promise((r) => setTimeout(r, 200)); // the monitored item is created
  console.log("ready");
  const waitFor = async (test, ms) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = received.find(test);
      if (found) return found;
      if (Date.now() > deadline) return null;
      await new Promise((r) => { wake = r; setTimeout(r, 50); });
    }
  };
  const isType = (e, id) => e.EventType === `ns=0;i=${id}`;
  const refresh = await opcua.callConditionRefresh(anonymous, sub.subscriptionId);
  const end = await waitFor((e) => isType(e, 2788), 5000);
  const types = received.map((e) => e.EventType);
  const current = received.find((e) => e.ConditionName === spec.alarm);
  const strip = (e) => { if (!e) return e; const { raw, ...rest } = e; return rest; };
  out({ refresh: { status: refresh.name, ended: !!end, types, current: strip(current) } });
  if (!current) { out({ done: true }); return; }
  const conditionId = opcua.coerceNodeId(current.ConditionId);
  const anon = await opcua.acknowledgeCondition(anonymous, conditionId, current.raw, "from MES");
  out({ anonymous_ack: anon.name });
  const user = await open({ type: opcua.UserTokenType.UserName, userName: spec.user, password: spec.password });
  const wrong = await opcua.acknowledgeCondition(user, conditionId, Buffer.from("not-ours"), "from MES");
  const ack = await opcua.acknowledgeCondition(user, conditionId, current.raw, "acknowledged from MES");
  out({ wrong_event_id: wrong.name, user_ack: ack.name });
  await nextStdinLine(); // the test lets the runtime apply it and publish
  const after = await waitFor((e) => e.ConditionName === spec.alarm && e["AckedState.Id"] === true, 5000);
  const again = await opcua.acknowledgeCondition(user, conditionId, current.raw, "twice");
  out({ acked_event: strip(after), again: again.name });
  out({ done: true });
  process.on("SIGTERM", () => process.exit(0));
})().catch((err) => { out({ failed: String(err && err.stack || err) }); console.log("ready"); });
