/**
 * @cometa/redis — horizontal fan-out for Cometa servers over Redis.
 *
 * Quick guide:
 *
 * 1. Give every server instance the Redis adapter. Rooms, broadcasts with
 *    every operator, broadcast acks and the cluster-wide operations
 *    (`fetchSockets`, `socketsJoin`, `socketsLeave`, `disconnectSockets`,
 *    `serverSideEmit`) then span all instances.
 *
 *    ```ts
 *    import { Redis } from "ioredis";
 *    import { createServer } from "@cometa/server";
 *    import { redisAdapter } from "@cometa/redis";
 *    const io = createServer({ adapter: redisAdapter(new Redis(process.env.REDIS_URL!)) });
 *    ```
 *
 *    With a `Cluster` client (`new Cluster([...])`) it uses sharded pub/sub
 *    (SPUBLISH/SSUBSCRIBE, Redis ≥ 7).
 *
 * 2. Publish from processes without a server (workers, cron jobs):
 *
 *    ```ts
 *    import { createEmitter } from "@cometa/redis";
 *    const emitter = createEmitter(new Redis(process.env.REDIS_URL!));
 *    emitter.to("room42").emit("news", { id: 1 });
 *    emitter.of("/admin").except("muted").emit("alert");
 *    ```
 *
 * 3. Watch it: `adapter.backplane.metrics` counts publishes, failures, gaps
 *    (messages lost between Redis and a node), duplicates and health-check
 *    failures; `adapter.backplane.on("status" | "gap", …)` reports changes.
 *
 * 4. Connection state recovery across instances: pass
 *    `redisRecoveryStores(redis)` as `connectionStateRecovery.stores`; a
 *    client may then come back on any instance, even after the one it was on
 *    was killed, and gaps in the feed are read back from the log (see
 *    `recovery/`). `createEmitter(redis, { recovery: true })` logs workers' emits too.
 *
 * 5. Long-polling without sticky sessions: `createRedisSessionRouter` (see
 *    `forwarding/`) forwards a polling request to the instance owning its session.
 *
 * How it scales: a broadcast crosses Redis once (once per room channel for a
 * multi-room broadcast) and is encoded once; each instance subscribes only to
 * the rooms it has members in.
 */
export { ChannelNames, type ChannelRoute, escapeChannelPart } from "./channel-names.js";
export { createEmitter, type EmitterOptions, RedisEmitter } from "./emitter.js";
export { RedisAdapterError, type RedisAdapterErrorCode } from "./errors.js";
export type { ConnectionReason, ConnectionState, HealthCheckOptions } from "./monitored-connection.js";
export { type RedisAdapterFactory, type RedisAdapterOptions, redisAdapter } from "./redis-adapter.js";
export {
  type GapContext,
  RedisBackplane,
  type RedisBackplaneEvents,
  type RedisBackplaneOptions,
} from "./redis-backplane.js";
export type { ReconnectOptions, RedisClient } from "./redis-clients.js";
export type { RedisMetrics } from "./redis-metrics.js";
// Long-polling without sticky sessions (built in `forwarding/`): `createRedisSessionRouter` and its types.
export * from "./forwarding/index.js";
// Connection state recovery on Redis (built in `recovery/`): log (Redis Streams) with its feed, sessions, de-duplication.
export * from "./recovery/index.js";
