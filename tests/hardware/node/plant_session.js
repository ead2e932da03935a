// Opens sessions on our plant server for the node-opcua test clients: one session per
// connection, as asyncua 2.1.0 keeps one session per secure channel.
module.exports = (opcua, options, endpoint) => async (identity) => {
  const c = opcua.OPCUAClient.create(options);
  await c.connect(endpoint);
  return identity ? c.createSession(identity) : c.createSession();
};
