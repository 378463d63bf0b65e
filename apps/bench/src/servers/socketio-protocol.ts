/**
 * The BENCH.md protocol on a Socket.IO 4.8 server, shared by the `ws` and uWS engine variants.
 */
import type { Server } from "socket.io";

/** Registers `join`, `broadcast` and `echo` exactly as BENCH.md specifies. */
export function attachBenchProtocol(io: Server): void {
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
}
