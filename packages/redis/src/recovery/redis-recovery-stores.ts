import type { Redis } from "ioredis";
import { RedisAdapterError } from "../errors.js";
import { isCluster, type RedisClient } from "../redis-clients.js";
import { RedisRecoveryFeed } from "./recovery-feed.js";
import { RedisDedupWindow } from "./redis-dedup-window.js";
import { compareStreamIds, type RedisLogEntry, RedisPacketLog } from "./redis-packet-log.js";
import { RedisSessionStore } from "./redis-session-store.js";

/** Options of {@link redisRecoveryStores}. */
export interface RedisRecoveryOptions {
  /** Same value as the server's `connectionStateRecovery.maxDisconnectionDuration`. Default 120 000. */
  readonly maxDisconnectionDuration?: number;
  /** Key prefix. Default `cometa`. */
  readonly prefix?: string;
  /** Approximate most log entries per namespace. Default 10 000. */
  readonly maxEntries?: number;
  /** Where feed problems with no caller go (a lost range, an undecodable message). Default `console.error`. */
  readonly onError?: (error: unknown) => void;
  /** How often an idle namespace is checked for entries lost at the tail, ms (0: off). Default 2000. */
  readonly checkEvery?: number;
  /** Most message ids remembered per de-duplication window (oldest evicted first). Default 1000. */
  readonly maxIds?: number;
}

/** The stores `connectionStateRecovery.stores` takes, on Redis, plus `close()`. */
export interface RedisRecoveryStores {
  readonly log: RedisPacketLog;
  readonly sessions: RedisSessionStore;
  readonly dedup: RedisDedupWindow;
  readonly feed: {
    publish(nsp: string, entry: { data: readonly unknown[]; rooms: readonly string[]; except: readonly string[] }): Promise<string>;
    watch(nsp: string, deliver: (entry: RedisLogEntry) => void): Promise<void>;
    delivered(nsp: string): string | undefined;
    compare(a: string, b: string): number;
  };
  /** The feed itself (metrics: `gapsFilled`, `gapsLost`). */
  readonly recoveryFeed: RedisRecoveryFeed;
  /** Listen for gaps the feed could not read back (the server disconnects the namespace's sockets so they recover). */
  onLoss(listener: (nsp: string, reason: string) => void): void;
  /** Close the feed's subscriber connection (the server does it on close). */
  close(): Promise<void>;
}

/**
 * Connection state recovery shared by every instance through Redis: the
 * packet log on Redis Streams with its feed, the session store and the
 * de-duplication window. A client may then reconnect to any instance and
 * get its session and every missed packet back.
 *
 * Needs a standalone Redis (the feed keeps the log's order through one
 * pub/sub connection); `client` is used for commands, and a duplicate of it
 * subscribes to the feed.
 *
 * @example
 * ```ts
 * const redis = new Redis(process.env.REDIS_URL!);
 * const io = createServer({
 *   adapter: redisAdapter(redis),
 *   connectionStateRecovery: { maxDisconnectionDuration: 120_000, stores: redisRecoveryStores(redis) },
 * });
 * ```
 */
export function redisRecoveryStores(client: RedisClient, options: RedisRecoveryOptions = {}): RedisRecoveryStores {
  if (isCluster(client)) {
    throw new RedisAdapterError("INVALID_ARGUMENT", "redisRecoveryStores needs a standalone Redis: the feed's order needs one pub/sub connection");
  }
  const maxAge = options.maxDisconnectionDuration ?? 120_000;
  const prefix = options.prefix ?? "cometa";
  const report = options.onError ?? ((error: unknown) => console.error("[cometa] recovery feed:", error));
  const log = new RedisPacketLog(client, { prefix, maxAge, maxEntries: options.maxEntries });
  const subscriber: Redis = client.duplicate();
  const deliverers = new Map<string, (entry: RedisLogEntry) => void>();
  const lossListeners: ((nsp: string, reason: string) => void)[] = [];
  const recoveryFeed = new RedisRecoveryFeed(
    log,
    subscriber,
    {
      entry: (nsp, entry) => deliverers.get(nsp)?.(entry),
      lost: (nsp, reason) => {
        report(new RedisAdapterError("INVALID_MESSAGE", `recovery feed of ${nsp}: entries lost (${reason}); its sockets reconnect to recover`));
        for (const listener of lossListeners) listener(nsp, reason);
      },
      error: report,
    },
    { prefix, checkEvery: options.checkEvery, retryFor: maxAge },
  );
  return {
    log,
    sessions: new RedisSessionStore(client, { prefix }),
    dedup: new RedisDedupWindow(client, { prefix, maxAge, maxIds: options.maxIds }),
    recoveryFeed,
    onLoss(listener) {
      lossListeners.push(listener);
    },
    feed: {
      publish: (nsp, entry) => recoveryFeed.publish(nsp, entry),
      async watch(nsp, deliver) {
        deliverers.set(nsp, deliver);
        await recoveryFeed.watch(nsp);
      },
      delivered: (nsp) => recoveryFeed.delivered(nsp),
      compare: (a, b) => compareStreamIds(a.slice(a.indexOf(".") + 1), b.slice(b.indexOf(".") + 1)),
    },
    async close() {
      await recoveryFeed.close().catch(() => {});
      subscriber.disconnect();
    },
  };
}
