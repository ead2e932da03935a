// N plant clients (one connection each), each subscribed to every given node at the given
// interval; counts data-change notifications delivered over `seconds` after a warm-up.
// spec: {endpoint, uri, nodes: [identifier], clients, interval_ms, warmup_s, seconds}
const opcua = require("node-opcua");
const spec = JSON.parse(process.argv[2]);
let counting = false;
let count = 0;

async function client() {
  const c = opcua.OPCUAClient.create({ endpointMustExist: false });
  await c.connect(spec.endpoint);
  const session = await c.createSession();
  const ns = (await session.readNamespaceArray()).indexOf(spec.uri);
  const sub = await session.createSubscription2({ requestedPublishingInterval: spec.interval_ms,
    requestedMaxKeepAliveCount: 10, requestedLifetimeCount: 100, maxNotificationsPerPublish: 0,
    publishingEnabled: true });
  const items = spec.nodes.map((s) => ({ nodeId: `ns=${ns};s=${s}`, attributeId: opcua.AttributeIds.Value }));
  const group = await sub.monitorItems(items, { samplingInterval: spec.interval_ms, queueSize: 1,
    discardOldest: true }, opcua.TimestampsToReturn.Both);
  group.on("changed", () => { if (counting) count += 1; });
  return c;
}

(async () => {
  const clients = [];
  for (let i = 0; i < spec.clients; i += 1) clients.push(await client());
  console.log("ready");
  await new Promise((r) => setTimeout(r, spec.warmup_s * 1000));
  counting = true;
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, spec.seconds * 1000));
  counting = false;
  const seconds = (Date.now() - t0) / 1000;
  console.log(JSON.stringify({ notifications: count, seconds, per_s: count / seconds }));
  for (const c of clients) await c.disconnect();
  process.exit(0);
})().catch((err) => { console.log(JSON.stringify({ failed: String(err) })); console.log("ready"); process.exit(1); });
