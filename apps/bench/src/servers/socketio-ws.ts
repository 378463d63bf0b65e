/**
 * Bench server: Socket.IO 4.8 on its default `ws` engine with `socket.io-msgpack-parser`.
 * Run: `PORT=3000 node apps/bench/dist/servers/socketio-ws.js`. With env `REDIS_URL` it uses
 * `@socket.io/redis-adapter`, like the uWS variant.
 */
import { createServer } from "node:http";
import { Server } from "socket.io";
import * as msgpackParser from "socket.io-msgpack-parser";
import { announce, exitOnSignal, readListenAddress } from "./server-env.js";
import { attachBenchProtocol } from "./socketio-protocol.js";
import { socketioAdapterFromEnv } from "./socketio-redis.js";

const address = readListenAddress();
const http = createServer();
const io = new Server(http, { parser: msgpackParser, serveClient: false, ...(await socketioAdapterFromEnv()) });
attachBenchProtocol(io);
http.listen(address.port, address.host, () => announce("socketio-ws", address));
exitOnSignal(() => http.close());
