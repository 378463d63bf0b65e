/**
 * The server under load, run in a child process by the load rows
 * (`LoadProcess.start("load-server-main", config)`). An ordinary Cometa app
 * (msgpack, `maxConnectionsPerIp: Infinity`, small heartbeats, optional Redis
 * adapter) plus a probe over IPC: pending acks, rooms and sockets sizes,
 * timers, fds and event-loop delay.
 *
 * App events: `join(rooms, ack)`, `echo(n, ack)` (client→server ack) and
 * `ask-back(n)` (the server asks the client `q(n)` with a 5 s ack timeout,
 * so server-side pending acks are exercised too).
 */
import { createHook } from "node:async_hooks";
import { readdirSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { redisAdapter } from "@cometa/redis";
import { createServer, type Socket } from "@cometa/server";
import { Redis } from "ioredis";
import { loadConfig, serveCommands } from "./ipc-commands.js";
import { type LoadServerConfig, type LoadServerProbe, nowMs, type StreamArgs, type TickPayload } from "./load-server-protocol.js";

const config = loadConfig<LoadServerConfig>();

/**
 * Live Node timers, unref'd ones included (`process.getActiveResourcesInfo()`
 * omits those, and the server's clock unrefs every timer it makes): a
 * `Timeout` resource is born on `setTimeout`/`setInterval` and destroyed when
 * it fires for good or is cleared.
 */
const liveTimers = new Set<number>();
createHook({
  init(asyncId, type) {
    if (type === "Timeout") liveTimers.add(asyncId);
  },
  destroy(asyncId) {
    liveTimers.delete(asyncId);
  },
}).enable();
const node = config.node ?? "node";
const errorSamples: string[] = [];
let listenerErrors = 0;
let connections = 0;
let disconnects = 0;
let acksAsked = 0;
let acksAnswered = 0;
let acksFailed = 0;

const io = createServer({
  pingInterval: config.pingInterval,
  pingTimeout: config.pingTimeout,
  maxConnectionsPerIp: Number.POSITIVE_INFINITY,
  adapter: config.redisUrl === undefined ? undefined : redisAdapter(new Redis(config.redisUrl, { lazyConnect: true })),
  onError: (error) => {
    listenerErrors++;
    if (errorSamples.length < 5) errorSamples.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
  },
});

// biome-ignore lint/suspicious/noExplicitAny: the load app's events are untyped
type AnySocket = Socket<any, any, any, any>;
type Ack = ((...args: unknown[]) => void) | undefined;

io.on("connection", (socket: AnySocket) => {
  connections++;
  socket.on("disconnect", () => {
    disconnects++;
  });
  socket.on("join", (rooms: unknown, ack: Ack) => {
    const names = (Array.isArray(rooms) ? rooms : [rooms]).filter((room): room is string => typeof room === "string");
    socket.join(names);
    ack?.(true);
  });
  socket.on("echo", (n: unknown, ack: Ack) => ack?.(n));
  socket.on("ask-back", (n: unknown) => {
    acksAsked++;
    socket
      .timeout(5000)
      .emitWithAck("q", n)
      .then(
        () => acksAnswered++,
        () => acksFailed++,
      );
  });
});

/**
 * Pending server→client acks: the socket's ack map is private, so the probe
 * reads it the way a debugger would. NaN (null over IPC, failing the row) if
 * the field is gone: a renamed field must not turn the leak check into a pass.
 */
function pendingAcks(): number {
  let total = 0;
  for (const socket of io.of("/").sockets.values()) {
    if (!Object.hasOwn(socket, "_acks")) return Number.NaN;
    total += (socket as unknown as { _acks?: Map<number, unknown> })._acks?.size ?? 0;
  }
  return total;
}

const LOOP_RESOLUTION_MS = 10;
const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
loop.enable();

/** A histogram value as delay beyond the sampling timer's own period (an idle loop reads about 10 ms otherwise). */
function loopDelayMs(nanoseconds: number): number {
  return Math.max(0, nanoseconds / 1e6 - LOOP_RESOLUTION_MS);
}

function probe(gc: boolean): LoadServerProbe {
  if (gc) (globalThis as { gc?: () => void }).gc?.();
  const memory = process.memoryUsage();
  const reply: LoadServerProbe = {
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    eventLoopP99Ms: loopDelayMs(loop.percentile(99)),
    eventLoopMaxMs: loopDelayMs(loop.max),
    sessions: (io.engine as { clientsCount?: number } | undefined)?.clientsCount ?? 0,
    sockets: io.of("/").sockets.size,
    rooms: io.of("/").adapter.rooms.size,
    pendingAcks: pendingAcks(),
    acksAsked,
    acksAnswered,
    acksFailed,
    timers: liveTimers.size,
    fds: readdirSync("/proc/self/fd").length,
    connections,
    disconnects,
    listenerErrors,
    errorSamples,
  };
  loop.reset();
  return reply;
}

let stream: NodeJS.Timeout | undefined;
let sent = 0;

/** Broadcasts a seq-stamped `tick` to a room at a fixed rate (one encode per message, uWS fan-out). */
function startStream({ room, ratePerSec, padding = 60 }: StreamArgs): void {
  if (stream !== undefined) clearInterval(stream);
  sent = 0;
  const pad = "x".repeat(padding);
  stream = setInterval(() => {
    const payload: TickPayload = { n: node, s: sent++, t: nowMs(), p: pad };
    io.to(room).emit("tick", payload);
  }, 1000 / ratePerSec);
}

const { port } = await io.listen(0, "127.0.0.1");
serveCommands(
  {
    probe: (message) => probe(message.gc === true),
    stream: (message) => startStream(message as unknown as StreamArgs),
    stopStream: () => {
      if (stream !== undefined) clearInterval(stream);
      stream = undefined;
      return { node, sent };
    },
  },
  { port, node },
  async () => {
    if (stream !== undefined) clearInterval(stream);
    await io.close();
  },
);
