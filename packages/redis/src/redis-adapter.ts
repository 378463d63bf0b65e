import {
  type AdapterFactory,
  ClusterAdapter,
  type ClusterAdapterOptions,
} from "@cometa/server/cluster";
import type { RedisClient } from "./redis-clients.js";
import { RedisBackplane, type RedisBackplaneOptions } from "./redis-backplane.js";

/** Options of {@link redisAdapter}: cluster timing plus the Redis transport's. */
export interface RedisAdapterOptions extends ClusterAdapterOptions, RedisBackplaneOptions {}

/** The `adapter` option returned by {@link redisAdapter}, with the backplane for metrics and events. */
export interface RedisAdapterFactory extends AdapterFactory {
  /** The Redis transport all namespaces of the server share (metrics, `status` and `gap` events). */
  readonly backplane: RedisBackplane;
}

/**
 * The `adapter` option for a server whose instances share rooms through
 * Redis. Pass a standalone `Redis` (plain pub/sub) or a `Cluster` (sharded
 * pub/sub). The client is used as a template: the adapter opens its own
 * publishing and subscribing connections (fail-fast, health-checked) and
 * closes them with the server; your client stays yours.
 *
 * Redis down or not there yet at start: the server starts and serves local
 * clients; cross-instance traffic fails visibly (`backplane.metrics`, the
 * `status` event, one `onError` report per outage) and resumes by itself.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * import { createServer } from "@cometa/server";
 * import { redisAdapter } from "@cometa/redis";
 *
 * const adapter = redisAdapter(new Redis(process.env.REDIS_URL!));
 * const io = createServer({ adapter });
 * adapter.backplane.on("status", (s) => console.log("redis", s.healthy ? "up" : "down", s.reason));
 * await io.listen(3000);
 * ```
 */
export function redisAdapter(redis: RedisClient, options: RedisAdapterOptions = {}): RedisAdapterFactory {
  const backplane = new RedisBackplane(redis, options);
  const factory = (nsp: Parameters<AdapterFactory>[0]) => new ClusterAdapter(nsp, backplane, options);
  return Object.assign(factory, { backplane });
}
