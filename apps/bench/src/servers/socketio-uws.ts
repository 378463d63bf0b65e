/**
 * Bench server: Socket.IO 4.8 attached to a uWebSockets.js app (`io.attachApp(app)`) with
 * `socket.io-msgpack-parser`. Run: `PORT=3000 node apps/bench/dist/servers/socketio-uws.js`.
 * With env `REDIS_URL` it uses `@socket.io/redis-adapter`, so several instances share rooms.
 */
import { Server } from "socket.io";
import * as msgpackParser from "socket.io-msgpack-parser";
import { loadNativeUws } from "./native-uws.js";
import { announce, exitOnSignal, readListenAddress } from "./server-env.js";
import { attachBenchProtocol } from "./socketio-protocol.js";
import { socketioAdapterFromEnv } from "./socketio-redis.js";

const address = readListenAddress();
const uws = loadNativeUws();
const app = uws.App();
const io = new Server({ parser: msgpackParser, serveClient: false, ...(await socketioAdapterFromEnv()) });
io.attachApp(app);
attachBenchProtocol(io);
app.listen(address.host, address.port, (token) => {
  if (!token) {
    console.error(`socketio-uws: cannot listen on ${address.host}:${address.port}`);
    process.exit(1);
  }
  announce("socketio-uws", address);
});
exitOnSignal(() => undefined);
