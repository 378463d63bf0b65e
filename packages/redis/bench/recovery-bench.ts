/**
 * Recovery cost, measured (not a test):
 * 1. server CPU per delivery of a room broadcast with recovery off, on with
 *    the memory log, and on with the Redis Streams feed (3 runs each,
 *    interleaved; clients live in a child process);
 * 2. Redis memory per 1000 buffered packets of a typical chat message.
 *
 * Run: `pnpm --filter @cometa/redis bench` (also part of the root `pnpm bench`); knobs CLIENTS, MESSAGES, RUNS.
 * (needs redis-server on PATH; it starts its own on a free port).
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createServer } from "@cometa/server";
import { Redis } from "ioredis";
import { redisRecoveryStores } from "../src/recovery/redis-recovery-stores.js";
import { RedisPacketLog } from "../src/recovery/redis-packet-log.js";
import { redisAdapter } from "../src/redis-adapter.js";
import { startRedis } from "../test/redis-harness.js";

const CLIENTS = Number(process.env.CLIENTS ?? 200);
const MESSAGES = Number(process.env.MESSAGES ?? 1000);
const RUNS = Number(process.env.RUNS ?? 3);
/** Recovery off / on (memory log), and on Redis: the adapter alone, then with recovery on Redis Streams. */
type Mode = "off" | "memory" | "redis-off" | "redis";
const MODES: readonly Mode[] = ["off", "memory", "redis-off", "redis"];

const redis = await startRedis();
const message = { text: "hello, this is a typical chat line of about sixty characters", user: "ada", at: 1_700_000_000_000 };

async function fanOut(mode: Mode): Promise<number> {
  const client = new Redis(redis.url);
  const stores = mode === "redis" ? redisRecoveryStores(client, { maxDisconnectionDuration: 120_000 }) : undefined;
  const io = createServer({
    ...(mode === "off" || mode === "redis-off" ? {} : { connectionStateRecovery: { maxDisconnectionDuration: 120_000, ...(stores ? { stores } : {}) } }),
    ...(mode.startsWith("redis") ? { adapter: redisAdapter(client) } : {}),
  });
  io.on("connection", (socket) => socket.join("room"));
  const { port } = await io.listen(0, "127.0.0.1");
  const child = fork(fileURLToPath(new URL("./clients.ts", import.meta.url)), [`http://127.0.0.1:${port}`, String(CLIENTS), String(MESSAGES)], {
    execArgv: ["--import", "tsx", "--conditions=source"],
  });
  const next = (key: "ready" | "done") => new Promise<void>((resolve) => child.on("message", (m: Record<string, unknown>) => m[key] && resolve()));
  await next("ready");
  const done = next("done");
  const start = process.cpuUsage();
  for (let i = 0; i < MESSAGES; i++) {
    io.to("room").emit("tick", i, message);
    if (i % 50 === 49) await new Promise((resolve) => setImmediate(resolve)); // let writes drain
  }
  await done;
  const used = process.cpuUsage(start);
  child.send({ exit: true });
  await io.close();
  await stores?.close();
  client.disconnect();
  return ((used.user + used.system) * 1000) / (CLIENTS * MESSAGES); // ns per delivery
}

const results: Record<Mode, number[]> = { off: [], memory: [], "redis-off": [], redis: [] };
for (let run = 0; run < RUNS; run++) for (const mode of MODES) results[mode].push(await fanOut(mode));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`fan-out: ${CLIENTS} clients in one room x ${MESSAGES} broadcasts, server CPU per delivery (median of ${RUNS}):`);
for (const mode of MODES) {
  console.log(`  ${mode.padEnd(9)} ${median(results[mode]).toFixed(0).padStart(6)} ns  (runs: ${results[mode].map((x) => x.toFixed(0)).join(", ")})`);
}

// Redis memory per 1000 buffered packets.
const raw = new Redis(redis.url);
await raw.flushall();
const log = new RedisPacketLog(raw, { maxEntries: 1_000_000 });
const N = 10_000;
for (let i = 0; i < N; i++) await log.append("/", { data: ["tick", i, message], rooms: ["room"], except: [] });
const bytes = Number(await raw.call("MEMORY", "USAGE", log.streamKey("/"), "SAMPLES", "0"));
console.log(`redis: ${N} buffered packets use ${(bytes / 1024).toFixed(0)} KiB -> ${((bytes / N) * 1000 / 1024).toFixed(1)} KiB per 1000 packets`);
raw.disconnect();
await redis.stop();
