import type { RedisClient } from "../redis-clients.js";
import { decodeStored, encodeStored } from "./stored-value.js";

/** A disconnected socket's state (same shape as `SessionRecord` of `@cometa/server`'s recovery contract). */
export interface RedisSessionRecord {
  readonly pid: string;
  readonly sid: string;
  readonly nsp: string;
  readonly rooms: readonly string[];
  readonly data: unknown;
}

/** Options of {@link RedisSessionStore}. */
export interface RedisSessionStoreOptions {
  /** Key prefix. Default `cometa`. Keys: `<prefix>:session:<pid>`. */
  readonly prefix?: string;
}

/**
 * Disconnected sessions in Redis, so a client may reconnect to any
 * instance: one key per session (`SET … PX ttl`, value in V8 structured-clone
 * form), taken with `GETDEL` so exactly one reconnection gets it. It is
 * `durable`: servers save the sessions of connected sockets here too, so the
 * clients of an instance that dies without closing them recover elsewhere.
 *
 * @example
 * ```ts
 * const store = new RedisSessionStore(new Redis(url));
 * await store.save({ pid, sid, nsp: "/", rooms: ["a"], data: { user: 1 } }, 120_000);
 * const session = await store.take(pid); // on any instance
 * ```
 */
export class RedisSessionStore {
  /** Sessions outlive every instance: the server also saves those of connected sockets (failover after a crash). */
  readonly durable = true;
  readonly #redis: RedisClient;
  readonly #prefix: string;

  constructor(redis: RedisClient, options: RedisSessionStoreOptions = {}) {
    this.#redis = redis;
    this.#prefix = options.prefix ?? "cometa";
  }

  /** Key of the session `pid`. */
  key(pid: string): string {
    return `${this.#prefix}:session:${pid}`;
  }

  async save(session: RedisSessionRecord, ttlMs: number): Promise<void> {
    const value = encodeStored({ pid: session.pid, sid: session.sid, nsp: session.nsp, rooms: [...session.rooms], data: session.data });
    await this.#redis.set(this.key(session.pid), value, "PX", Math.max(1, Math.ceil(ttlMs)));
  }

  async take(pid: string): Promise<RedisSessionRecord | undefined> {
    // A pid comes from the client: never let an odd one become a strange key.
    if (typeof pid !== "string" || pid.length === 0 || pid.length > 100) return undefined;
    const value = await this.#redis.getdelBuffer(this.key(pid));
    return value === null ? undefined : decodeStored<RedisSessionRecord>(value);
  }
}
