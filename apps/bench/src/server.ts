/**
 * Cometa's bench server: the BENCH.md protocol on `@cometa/server`, so this harness (or any
 * independent one that speaks the protocol) can measure Cometa next to Socket.IO.
 *
 * Start (after `pnpm build`, from the repository root): `PORT=3000 node apps/bench/dist/server.js`.
 * Env `HOST` defaults to 127.0.0.1. One foreground process; exits on SIGTERM.
 *
 * @example
 * // join(room, ack) → ack(true); broadcast(room, payload) → to(room).emit("tick", payload);
 * // echo(payload, ack) → ack(payload)
 * PORT=4000 node apps/bench/dist/server.js
 */
import { createServer } from "@cometa/server";
import { announce, exitOnSignal, readListenAddress } from "./servers/server-env.js";

const address = readListenAddress();
// MessagePack is the default codec: the socket.io-msgpack-parser wire format BENCH.md requires.
const io = createServer({ codec: "msgpack" });

io.on("connection", (socket) => {
  socket.on("join", (room: string, ack?: (ok: boolean) => void) => {
    void socket.join(room);
    if (typeof ack === "function") ack(true);
  });
  socket.on("broadcast", (room: string, payload: unknown) => {
    io.to(room).emit("tick", payload);
  });
  socket.on("echo", (payload: unknown, ack?: (reply: unknown) => void) => {
    if (typeof ack === "function") ack(payload);
  });
});

io.listen(address.port, address.host).then(
  () => announce("cometa", address),
  (error: unknown) => {
    console.error(`cometa: cannot listen on ${address.host}:${address.port}: ${String(error)}`);
    process.exit(1);
  },
);
exitOnSignal(() => undefined);
