/**
 * One Cometa server of the fault suite, in its own process (so a test can
 * `kill -9`, SIGTERM or freeze it). Configured by `COMETA_FAULT_NODE`
 * ({@link FaultNodeConfig}); reports facts and answers commands over IPC.
 *
 * Clients pass `auth: { room, clientId }`: the socket joins `room` and its
 * `clientId` (stable across reconnects) names it in facts, so the parent can
 * see duplicate sessions of one client.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createRedisSessionRouter, redisAdapter, redisRecoveryStores } from "@cometa/redis";
import { createServer } from "@cometa/server";
import { Redis } from "ioredis";
import type { CommandReply, FaultNodeCommand, FaultNodeConfig, FaultNodeFact, NodeProbe } from "./fault-node-protocol.js";

const config = JSON.parse(process.env.COMETA_FAULT_NODE ?? "{}") as FaultNodeConfig;
const send = (message: FaultNodeFact | CommandReply): void => {
  if (process.connected) process.send?.(message);
};

// The promise under test (RELIABILITY §2.2 (e)): a Redis fault never becomes an unhandled rejection.
// Report it and die with a distinctive code, so the parent sees it even if the fact is lost.
process.on("unhandledRejection", (reason) => {
  send({ type: "unhandled", message: String(reason) });
  process.exitCode = 70;
  setImmediate(() => process.exit(70));
});

function redisClient(): Redis | undefined {
  if (config.sentinel !== undefined) {
    return new Redis({ sentinels: [...config.sentinel.sentinels], name: config.sentinel.name, lazyConnect: true });
  }
  return config.redisUrl === undefined ? undefined : new Redis(config.redisUrl, { lazyConnect: true });
}

const redis = redisClient();
const heartbeatInterval = config.heartbeatInterval ?? 500;
const adapter =
  redis === undefined
    ? undefined
    : redisAdapter(redis, {
        heartbeatInterval,
        heartbeatTimeout: 2 * heartbeatInterval,
        requestsTimeout: 1000,
        ...(config.maxPendingPublishes === undefined ? {} : { maxPendingPublishes: config.maxPendingPublishes }),
      });
adapter?.backplane.on("status", (status) => send({ type: "backplane", healthy: status.healthy, reason: status.reason }));

let errors = 0;
const reportError = (error: unknown): void => {
  errors += 1;
  const code = (error as { code?: unknown }).code;
  send({ type: "error", code: typeof code === "string" ? code : "unknown", message: String(error) });
};

function needsRedis(option: string): Redis {
  if (redis === undefined || config.sentinel !== undefined) throw new Error(`fault node: ${option} needs redisUrl`);
  return redis;
}

const RECOVERY_WINDOW_MS = 30_000;
const stores = config.recovery === true ? redisRecoveryStores(needsRedis("recovery"), { maxDisconnectionDuration: RECOVERY_WINDOW_MS, onError: reportError }) : undefined;
const router =
  config.forwarding === true
    ? await createRedisSessionRouter({ pub: needsRedis("forwarding").duplicate(), sub: needsRedis("forwarding").duplicate(), onError: reportError })
    : undefined;

// Event-loop delay (F13: a slow Redis must not block the loop); the maximum is reset by every probe.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

const io = createServer({
  adapter,
  ...(stores === undefined ? {} : { connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_WINDOW_MS, stores } }),
  ...(router === undefined ? {} : { sessionRouter: router }),
  pingInterval: config.pingInterval,
  pingTimeout: config.pingTimeout,
  // Storms and balancers put every client on 127.0.0.1: the per-address cap would refuse them.
  maxConnectionsPerIp: Number.POSITIVE_INFINITY,
  // The upstream test streams run at 100 events/s, the default limit's sustained rate, and a reconnecting client
  // flushes its offline buffer on top: a drop there would read as a lost message. Rate limiting has its own tests (S6).
  rateLimit: false,
  ...(config.backpressureHardLimit === undefined ? {} : { backpressureHardLimit: config.backpressureHardLimit }),
  ...(config.maxPayload === undefined ? {} : { maxPayload: config.maxPayload }),
  onError: reportError,
});

io.on("connection", (socket) => {
  const auth = socket.handshake.auth as { room?: unknown; clientId?: unknown };
  const clientId = typeof auth.clientId === "string" ? auth.clientId : socket.id;
  if (typeof auth.room === "string") socket.join(auth.room);
  send({ type: "connection", id: socket.id, clientId });
  socket.on("disconnect", (reason: string) => send({ type: "disconnect", id: socket.id, clientId, reason }));
  socket.on("up", (n: unknown) => {
    if (typeof n === "number") send({ type: "up", clientId, n });
  });
  socket.on("echo", (value: unknown, ack?: (value: unknown) => void) => ack?.(value));
});

/**
 * Broadcast `seq(n, wallClockMs, pad)` for n = from … from + count − 1 to
 * `room` at `ratePerSecond`, in 10 ms ticks paced against the wall clock
 * (a late tick sends more, so a slow loop does not lower the rate).
 */
async function burst(room: string, from: number, count: number, bytes: number, ratePerSecond: number): Promise<number> {
  const pad = "x".repeat(bytes);
  const started = Date.now();
  let sent = 0;
  while (sent < count) {
    const due = Math.min(count, Math.ceil(((Date.now() - started + 10) * ratePerSecond) / 1000));
    for (; sent < due; sent += 1) io.to(room).emit("seq", from + sent, Date.now(), pad);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return sent;
}

async function run(command: FaultNodeCommand): Promise<unknown> {
  switch (command.cmd) {
    case "stall": {
      // A synchronous busy loop: the event loop is blocked, exactly like a CPU-bound handler.
      const end = Date.now() + command.ms;
      while (Date.now() < end) {}
      return command.ms;
    }
    case "sockets": {
      const sockets = command.cluster ? await io.fetchSockets() : await io.local.fetchSockets();
      return sockets.map((s) => s.id);
    }
    case "burst":
      return await burst(command.room, command.from, command.count, command.bytes, command.ratePerSecond);
    case "emit":
      io.to(command.room).emit(command.event, ...command.args);
      return true;
    case "probe": {
      const probe: NodeProbe = {
        rssBytes: process.memoryUsage.rss(),
        localSockets: (await io.local.fetchSockets()).length,
        errors,
        loopDelayMaxMs: loopDelay.max / 1e6,
        ...(adapter === undefined ? {} : { redis: { ...adapter.backplane.metrics } }),
        ...(router === undefined ? {} : { forwarding: router.stats }),
      };
      loopDelay.reset();
      return probe;
    }
    case "close":
      await io.close();
      return true;
  }
}

process.on("message", (command: FaultNodeCommand) => {
  run(command).then(
    (result) => send({ id: command.id, result }),
    (error: unknown) => send({ id: command.id, error: String(error) }),
  );
});

// Graceful shutdown (F5): stop accepting, tell every client `server shutting down` (WS 1001), then exit.
process.once("SIGTERM", () => {
  io.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});

// The parent died without killing us (a crashed test worker): do not linger as an orphan.
process.once("disconnect", () => process.exit(0));

const { port } = await io.listen(config.port ?? 0, config.host ?? "127.0.0.1");
send({ type: "listening", port, pid: process.pid });
