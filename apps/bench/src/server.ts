/**
 * Cometa's bench server: the BENCH.md protocol on `@cometa/server`, so this harness (or any
 * independent one that speaks the protocol) can measure Cometa next to Socket.IO.
 *
 * Start (after `pnpm build`, from the repository root): `PORT=3000 node apps/bench/dist/server.js`.
 * Env `HOST` defaults to 127.0.0.1. One foreground process; exits on SIGTERM. With env `REDIS_URL`
 * the server uses `@cometa/redis` (`redisAdapter(new Redis(url))`), so several instances share rooms
 * (the `cluster-fanout` scenario); without it nothing Redis-related is loaded.
 *
 * @example
 * // join(room, ack) → ack(true); broadcast(room, payload) → to(room).emit("tick", payload);
 * // echo(payload, ack) → ack(payload)
 * PORT=4000 node apps/bench/dist/server.js
 */
import type { RedisAdapterFactory } from "@cometa/redis";
import { createServer, type Socket } from "@cometa/server";
import { announce, exitOnSignal, readListenAddress } from "./servers/server-env.js";

/** The Redis adapter when `REDIS_URL` is set, loaded lazily so the 1-instance server stays as it was. */
async function adapterFromEnv(): Promise<{ adapter?: RedisAdapterFactory }> {
  const url = process.env.REDIS_URL;
  if (!url) return {};
  const [{ Redis }, { redisAdapter }] = await Promise.all([import("ioredis"), import("@cometa/redis")]);
  return { adapter: redisAdapter(new Redis(url)) };
}

const address = readListenAddress();
// MessagePack is the default codec: the socket.io-msgpack-parser wire format BENCH.md requires.
// Every benchmark client comes from 127.0.0.1: the per-address session cap (a defence, default 100)
// is off, as for trusted networks; Socket.IO has no such cap either.
// A benchmark drives thousands of sockets from one address and floods them on purpose: the per-address cap and the
// per-socket event rate limit (safe defaults for the open internet) would measure the limits, not the server.
const io = createServer({
  codec: "msgpack",
  maxConnectionsPerIp: Number.POSITIVE_INFINITY,
  rateLimit: false,
  ...(await adapterFromEnv()),
});

// The handlers are shared functions, not closures per socket: a listener runs with `this` bound to its
// socket (as in Socket.IO), so an idle connection carries no per-socket functions or contexts. The
// Socket.IO bench servers are written the same way (servers/socketio-protocol.ts), so the comparison is fair.
function onJoin(this: Socket, room: string, ack?: (ok: boolean) => void): void {
  void this.join(room);
  if (typeof ack === "function") ack(true);
}
function onBroadcast(room: string, payload: unknown): void {
  io.to(room).emit("tick", payload);
}
function onEcho(payload: unknown, ack?: (reply: unknown) => void): void {
  if (typeof ack === "function") ack(payload);
}

io.on("connection", (socket) => {
  socket.on("join", onJoin);
  socket.on("broadcast", onBroadcast);
  socket.on("echo", onEcho);
});

io.listen(address.port, address.host).then(
  () => announce("cometa", address),
  (error: unknown) => {
    console.error(`cometa: cannot listen on ${address.host}:${address.port}: ${String(error)}`);
    process.exit(1);
  },
);
exitOnSignal(() => undefined);
