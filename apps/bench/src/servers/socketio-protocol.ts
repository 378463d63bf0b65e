/**
 * The BENCH.md protocol on a Socket.IO 4.8 server, shared by the `ws` and uWS engine variants.
 * The handlers are shared functions (a listener runs with `this` bound to its socket), not closures
 * per socket, exactly like Cometa's bench server, so both carry the same per-socket app state.
 */
import type { Server, Socket } from "socket.io";

function onJoin(this: Socket, room: string, ack?: (ok: boolean) => void): void {
  void this.join(room);
  if (typeof ack === "function") ack(true);
}

function onEcho(payload: unknown, ack?: (reply: unknown) => void): void {
  if (typeof ack === "function") ack(payload);
}

/** Registers `join`, `broadcast` and `echo` exactly as BENCH.md specifies. */
export function attachBenchProtocol(io: Server): void {
  function onBroadcast(room: string, payload: unknown): void {
    io.to(room).emit("tick", payload);
  }
  io.on("connection", (socket) => {
    socket.on("join", onJoin);
    socket.on("broadcast", onBroadcast);
    socket.on("echo", onEcho);
  });
}
