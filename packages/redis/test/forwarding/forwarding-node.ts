/**
 * One Cometa instance of the forwarding soak, run as a child process
 * (`node --import tsx --conditions source forwarding-node.ts`) by
 * `ForwardingCluster`. Env: REDIS_URL, PING_INTERVAL, PING_TIMEOUT, TICK_MS.
 *
 * Per socket it checks the client → server `up` sequence (in order, no gap, no
 * duplicate), answers each `up` with a `down` echo and an ack, and pushes its
 * own `tick` sequence, so parked GETs are answered by server pushes too. The
 * parent asks for a report over IPC.
 */
import { createServer } from "@cometa/server";
import { Redis } from "ioredis";
import { createRedisSessionRouter } from "../../src/forwarding/index.js";

/** What the node tells its parent. */
export type NodeReport = {
  readonly type: "report";
  readonly nodeId: string;
  /** `up` messages received, over all sockets. */
  readonly ups: number;
  /** `up` messages out of sequence (gap, duplicate or reordering), as `socket: expected → got`. */
  readonly anomalies: readonly string[];
  /** Disconnect reasons of sockets that left. */
  readonly disconnects: readonly string[];
  readonly connections: number;
  readonly stats: unknown;
  /** Latency added by forwarding, per request this node forwarded, ms. */
  readonly addedMs: readonly number[];
};

/** Messages from the parent. */
export type NodeCommand = { readonly type: "report" } | { readonly type: "stop" };

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

const url = process.env.REDIS_URL;
if (url === undefined) throw new Error("REDIS_URL is required");
const pub = new Redis(url);
const sub = new Redis(url);
const addedMs: number[] = [];
const router = await createRedisSessionRouter({ pub, sub, onForwarded: (s) => addedMs.push(s.addedMs) });
const io = createServer({
  sessionRouter: router,
  pingInterval: env("PING_INTERVAL", 2000),
  pingTimeout: env("PING_TIMEOUT", 3000),
});

let ups = 0;
let connections = 0;
const anomalies: string[] = [];
const disconnects: string[] = [];
const tickMs = env("TICK_MS", 100);

io.on("connection", (socket) => {
  connections++;
  let expected = 1;
  socket.on("up", (n: number, ack: (n: number) => void) => {
    ups++;
    if (n !== expected) anomalies.push(`${socket.id}: expected ${expected}, got ${n}`);
    expected = Math.max(expected, n + 1);
    socket.emit("down", n);
    ack(n);
  });
  let tick = 0;
  const timer = setInterval(() => socket.emit("tick", ++tick), tickMs);
  socket.on("disconnect", (reason: string) => {
    clearInterval(timer);
    disconnects.push(reason);
  });
});

const { port } = await io.listen(0, "127.0.0.1");
process.send!({ type: "listening", port, nodeId: router.nodeId });

process.on("message", (command: NodeCommand) => {
  if (command.type === "report") {
    const report: NodeReport = {
      type: "report",
      nodeId: router.nodeId,
      ups,
      anomalies,
      disconnects,
      connections,
      stats: router.stats,
      addedMs,
    };
    process.send!(report);
    return;
  }
  void (async () => {
    await io.close();
    await router.close();
    pub.disconnect();
    sub.disconnect();
    process.exit(0);
  })();
});
// The parent died without a stop: do not linger.
process.on("disconnect", () => process.exit(0));
