/**
 * Child process of `recovery-bench.ts`: opens N official socket.io-client
 * connections (WebSocket, msgpack) and tells the parent (IPC) when all are
 * connected and when every one has received the expected number of events.
 * Lives in its own process so the clients' CPU is not counted as the server's.
 */
import { io as connect } from "socket.io-client";
import * as msgpackParser from "socket.io-msgpack-parser";

const [url, countText, expectedText] = process.argv.slice(2) as [string, string, string];
const count = Number(countText);
// Passed up front: an IPC message could arrive after the first events (IPC and sockets are not ordered).
const expected = Number(expectedText);
let connected = 0;
let complete = 0;
const received: number[] = new Array(count).fill(0);

process.on("message", (message: { exit?: boolean }) => {
  if (message.exit) process.exit(0);
});

for (let i = 0; i < count; i++) {
  const socket = connect(url, { transports: ["websocket"], parser: msgpackParser, forceNew: true, reconnection: false });
  socket.on("connect", () => {
    if (++connected === count) process.send!({ ready: true });
  });
  socket.on("tick", () => {
    if (++received[i]! === expected && ++complete === count) process.send!({ done: true });
  });
}
