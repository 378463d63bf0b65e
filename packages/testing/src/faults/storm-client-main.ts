/**
 * Many `@cometa/client` sockets in one process, for the reconnect storm (F9).
 * Configured by `COMETA_STORM` (`{ url, count, prefix }`); every socket uses
 * the client's default backoff (exponential, jittered). Every 100 ms it
 * reports over IPC the wall-clock times of the connects since the last
 * report, the number of disconnects and of failed attempts.
 */
import { connect, type Socket } from "@cometa/client";
import { FaultWebSocket } from "./fault-websocket.js";
import type { StormReport } from "./storm.js";

const config = JSON.parse(process.env.COMETA_STORM ?? "{}") as { url: string; count: number; prefix: string };
let connects: number[] = [];
let disconnects = 0;
let failures = 0;
const sockets: Socket[] = [];

for (let i = 0; i < config.count; i += 1) {
  const socket = connect(config.url, {
    forceNew: true,
    transports: ["websocket"],
    WebSocket: FaultWebSocket,
    auth: { clientId: `${config.prefix}${i}` },
  });
  socket.on("connect", () => connects.push(Date.now()));
  socket.on("disconnect", () => {
    disconnects += 1;
  });
  socket.on("connect_error", () => {
    failures += 1;
  });
  sockets.push(socket);
}

const timer = setInterval(() => {
  const report: StormReport = { connects, disconnects, failures };
  connects = [];
  disconnects = 0;
  failures = 0;
  if (process.connected) process.send?.(report);
}, 100);

process.on("message", (message: { cmd?: string }) => {
  if (message.cmd !== "close") return;
  clearInterval(timer);
  for (const socket of sockets) socket.io.close();
  setImmediate(() => process.exit(0));
});
process.on("disconnect", () => process.exit(0));
