/**
 * The server under fuzz, run as a child process by `FuzzServerProcess` so a
 * crash is a process exit we can count rather than the end of the test run.
 *
 * It is an ordinary Cometa app (codec `auto`, so both parsers are reachable;
 * small heartbeats so abandoned sessions are reaped within seconds) plus a
 * probe over the IPC channel, the fuzz equivalent of a `/metrics` route:
 * event-loop delay since the last probe, memory, session and socket counts,
 * and errors that reached `onError`. Nothing here catches uncaught
 * exceptions: an input that throws out of the server must kill the process.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createServer, type Socket } from "@cometa/server";
import type { ProbeReply, ServerCommand, ServerConfig } from "./server-protocol.js";

const config = JSON.parse(process.env.COMETA_FUZZ_SERVER ?? "{}") as ServerConfig;
const errorSamples: string[] = [];
let listenerErrors = 0;
/** How deep the mutants got: sockets accepted and events dispatched to handlers. */
let connections = 0;
let events = 0;

const io = createServer({
  codec: "auto",
  pingInterval: config.pingInterval,
  pingTimeout: config.pingTimeout,
  upgradeTimeout: config.pingInterval,
  connectTimeout: config.pingInterval * 2,
  closeTimeout: config.pingInterval * 2,
  maxPayload: config.maxPayload,
  cleanupEmptyChildNamespaces: true,
  onError: (error) => {
    listenerErrors++;
    if (errorSamples.length < 5) errorSamples.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
  },
});

// biome-ignore lint/suspicious/noExplicitAny: the fuzz app is untyped on purpose: it sees whatever arrives
type AnySocket = Socket<any, any, any, any>;
type Ack = ((...args: unknown[]) => void) | undefined;

/** The last argument if it is an ack callback. */
function ackOf(args: unknown[]): Ack {
  const last = args[args.length - 1];
  return typeof last === "function" ? (last as (...a: unknown[]) => void) : undefined;
}

/** Handlers validate like a careful app would: a room must be a short string. */
function roomOf(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 && value.length <= 64 ? value : undefined;
}

function onConnection(socket: AnySocket): void {
  connections++;
  socket.onAny(() => {
    events++;
  });
  socket.on("echo", (...args: unknown[]) => {
    const ack = ackOf(args);
    ack?.(...args.slice(0, -1));
  });
  socket.on("bin", (...args: unknown[]) => ackOf(args)?.(...args.filter((a) => a instanceof Uint8Array)));
  socket.on("join", (room: unknown, ...rest: unknown[]) => {
    const name = roomOf(room);
    if (name !== undefined && socket.rooms.size < 16) socket.join(name);
    ackOf(rest)?.(name !== undefined);
  });
  socket.on("leave", (room: unknown) => {
    const name = roomOf(room);
    if (name !== undefined) socket.leave(name);
  });
  socket.on("broadcast", (room: unknown, ...payload: unknown[]) => {
    const name = roomOf(room);
    if (name !== undefined) socket.to(name).emit("news", ...payload.filter((p) => typeof p !== "function"));
  });
  socket.on("ask", () => {
    // A server→client ack with a timeout: a fuzzed ACK may answer it, or never.
    socket.timeout(config.pingInterval).emit("q", 1, () => {});
  });
  socket.on("canary", (n: unknown, ack: unknown) => {
    if (typeof ack === "function") ack(n);
  });
  if (config.selfTest === true) installSelfTest(socket);
}

/** Hooks that prove the harness notices a crash and a stall (see ServerConfig.selfTest). */
function installSelfTest(socket: AnySocket): void {
  socket.on("__crash", () => {
    setImmediate(() => {
      throw new Error("self-test crash");
    });
  });
  socket.on("__stall", (ms: unknown) => {
    const until = Date.now() + (typeof ms === "number" ? ms : 3000);
    while (Date.now() < until) {
      // Busy-wait on purpose: this is the stall the probe must see.
    }
  });
}

io.on("connection", onConnection);
io.of("/admin")
  .use((socket, next) => {
    // Asynchronous like a token check; keeps the CONNECT pending for a moment.
    setTimeout(() => (socket.handshake.auth.token === "ok" ? next() : next(new Error("unauthorized"))), 1);
  })
  .on("connection", onConnection);
io.of(/^\/dyn-\d+$/).on("connection", onConnection);

const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

function probe(gc: boolean): ProbeReply {
  if (gc) (globalThis as { gc?: () => void }).gc?.();
  let sockets = 0;
  for (const nsp of [io.of("/"), io.of("/admin")]) sockets += nsp.sockets.size;
  const reply: ProbeReply = {
    type: "probe",
    eventLoopMaxMs: loop.max / 1e6,
    eventLoopP99Ms: loop.percentile(99) / 1e6,
    rssBytes: process.memoryUsage.rss(),
    heapUsedBytes: process.memoryUsage().heapUsed,
    sessions: io.engine?.clientsCount ?? 0,
    sockets,
    listenerErrors,
    errorSamples,
    connections,
    events,
  };
  loop.reset();
  return reply;
}

process.on("message", (message: ServerCommand) => {
  if (message.type === "probe") process.send?.(probe(message.gc === true));
  else if (message.type === "stop") void io.close().then(() => process.exit(0));
});
// The parent is gone (killed, crashed): do not outlive it.
process.on("disconnect", () => process.exit(0));

const { port } = await io.listen(0, "127.0.0.1");
process.send?.({ type: "ready", port });
