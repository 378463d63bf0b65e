/**
 * The official socket.io 4.8.4 server (MessagePack parser) in a process of
 * its own, so a test can SIGKILL, SIGSTOP and SIGCONT it. Started by
 * `server-process.ts` (`ChildServer` of `@cometa/testing`); configuration comes in the environment
 * (PORT, PING_INTERVAL, PING_TIMEOUT), facts go back over IPC:
 *
 *   {type:"listening", port, pid}   once listening
 *   {type:"connection", id}         a client joined the root namespace
 *   {type:"disconnect", id, reason} it left
 *   {type:"seq", id, n}             the client's seq-stamped stream, one per message
 *   {type:"double", id, n}          an acked `double` arrived (IPC is ordered, so every
 *                                   `seq` the server got before it has been reported)
 *
 * Every connected client also gets `tick` events (pid, per-process counter)
 * every TICK_MS (server → client stream), and `double` answers an ack.
 */
import { createServer } from "node:http";
import { Server } from "socket.io";
import * as msgpackParser from "socket.io-msgpack-parser";

const port = Number(process.env.PORT ?? 0);
const tickMs = Number(process.env.TICK_MS ?? 10);

const http = createServer();
const io = new Server(http, {
  parser: msgpackParser,
  pingInterval: Number(process.env.PING_INTERVAL ?? 300),
  pingTimeout: Number(process.env.PING_TIMEOUT ?? 300),
});

const send = (message) => {
  // The parent may be gone already (it kills us at the end of a test); nothing to report to then.
  if (process.connected) process.send(message);
};

io.on("connection", (socket) => {
  send({ type: "connection", id: socket.id });
  socket.on("seq", (n) => send({ type: "seq", id: socket.id, n }));
  socket.on("double", (n, ack) => {
    send({ type: "double", id: socket.id, n });
    ack(n * 2);
  });
  socket.on("disconnect", (reason) => send({ type: "disconnect", id: socket.id, reason }));
});

let tick = 0;
setInterval(() => {
  tick += 1;
  io.emit("tick", process.pid, tick);
}, tickMs);

process.on("disconnect", () => process.exit(0));

http.listen(port, "127.0.0.1", () => send({ type: "listening", port: http.address().port, pid: process.pid }));
