import type { RedisClient } from "../redis-clients.js";
import { LuaScript } from "./lua-script.js";
import { decodeStored, encodeStored } from "./stored-value.js";

/** What a claim found (same shape as `DedupClaim` of `@cometa/server`'s recovery contract). */
export type RedisDedupClaim =
  | { readonly state: "new" }
  | { readonly state: "pending" }
  | { readonly state: "done"; readonly reply: readonly unknown[] | undefined };

/** Options of {@link RedisDedupWindow}. */
export interface RedisDedupWindowOptions {
  /** Key prefix. Default `cometa`. Keys: `<prefix>:mid:{<session>}:<mid>` and the index `<prefix>:mids:{<session>}`. */
  readonly prefix?: string;
  /** Most ids remembered per session; the oldest claims are evicted first. Default 1000. */
  readonly maxIds?: number;
  /** How long a handled id is remembered, ms. Default 120 000. */
  readonly maxAge?: number;
  /** How long a claim may stay pending (its instance may have died), ms. Default 30 000. */
  readonly pendingTimeout?: number;
}

// Value: '' = pending, 'n' = done without ack, 'd' + encoded reply = done with ack.
// KEYS: id key, index (sorted set of the session's ids by claim order; same hash tag).
// ARGV: pending ttl, mid, maxIds, index ttl, id key prefix.
// Answers the existing value, or nil after claiming (and evicting the oldest ids past maxIds).
const CLAIM = new LuaScript(`
local seen = redis.call('GET', KEYS[1])
if seen then return seen end
redis.call('SET', KEYS[1], '', 'PX', ARGV[1])
local top = redis.call('ZREVRANGE', KEYS[2], 0, 0, 'WITHSCORES')
local score = 1
if #top > 0 then score = tonumber(top[2]) + 1 end
redis.call('ZADD', KEYS[2], score, ARGV[2])
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[3])
if over > 0 then
  local oldest = redis.call('ZPOPMIN', KEYS[2], over)
  for i = 1, #oldest, 2 do redis.call('DEL', ARGV[5] .. oldest[i]) end
end
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return false
`);

// KEYS: id key, index. ARGV: mid. Deletes only a pending claim.
const RELEASE = new LuaScript(`
if redis.call('GET', KEYS[1]) == '' then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
end
return 1
`);

const NEW: RedisDedupClaim = { state: "new" };
const PENDING: RedisDedupClaim = { state: "pending" };
const NO_REPLY = Buffer.from("n");
const REPLY = Buffer.from("d");

/**
 * The de-duplication window shared by every instance through Redis: one key
 * per (session, message id) with a TTL, claimed atomically by a script, so
 * a retried emit that lands on another instance (after a reconnect or a
 * failover) still runs the handler once and gets the original ack. Bounded
 * like the memory window: by count per session (`maxIds`, the oldest claims
 * evicted by the claim script, through a per-session index in claim order) and
 * by age (`maxAge`, key TTLs: Redis reclaims the keys itself).
 *
 * @example
 * ```ts
 * const window = new RedisDedupWindow(new Redis(url));
 * const claim = await window.claim(pid, mid);
 * if (claim.state === "new") await window.complete(pid, mid, await run());
 * ```
 */
export class RedisDedupWindow {
  readonly #redis: RedisClient;
  readonly #prefix: string;
  readonly #maxAge: number;
  readonly #pendingTimeout: number;
  readonly #maxIds: number;

  constructor(redis: RedisClient, options: RedisDedupWindowOptions = {}) {
    this.#redis = redis;
    this.#prefix = options.prefix ?? "cometa";
    this.#maxAge = Math.ceil(options.maxAge ?? 120_000);
    this.#pendingTimeout = Math.ceil(options.pendingTimeout ?? 30_000);
    this.#maxIds = Math.max(1, Math.floor(options.maxIds ?? 1000));
  }

  /** Key of one message id. */
  key(session: string, mid: string): string {
    return `${this.#prefix}:mid:{${session}}:${mid}`;
  }

  /** Key of a session's index (its ids in claim order, for the count bound). */
  indexKey(session: string): string {
    return `${this.#prefix}:mids:{${session}}`;
  }

  async claim(session: string, mid: string): Promise<RedisDedupClaim> {
    const seen = (await CLAIM.runBuffer(
      this.#redis,
      [this.key(session, mid), this.indexKey(session)],
      [this.#pendingTimeout, mid, this.#maxIds, Math.max(this.#maxAge, this.#pendingTimeout), `${this.#prefix}:mid:{${session}}:`],
    )) as Buffer | null;
    if (seen === null) return NEW;
    if (seen.length === 0) return PENDING;
    return { state: "done", reply: seen[0] === REPLY[0] ? decodeStored<unknown[]>(seen.subarray(1)) : undefined };
  }

  async complete(session: string, mid: string, reply: readonly unknown[] | undefined): Promise<void> {
    const value = reply === undefined ? NO_REPLY : Buffer.concat([REPLY, encodeStored([...reply])]);
    // XX: an id evicted meanwhile (count bound) stays forgotten, as in the memory window.
    await this.#redis.set(this.key(session, mid), value, "PX", this.#maxAge, "XX");
  }

  async release(session: string, mid: string): Promise<void> {
    await RELEASE.run(this.#redis, [this.key(session, mid), this.indexKey(session)], [mid]);
  }
}
