import type { RedisClient } from "../redis-clients.js";
import { LuaScript } from "./lua-script.js";
import { decodeStored, encodeStored } from "./stored-value.js";

/** What is logged for one broadcast (same shape as `LogEntryInput` of `@cometa/server`'s recovery contract). */
export interface RedisLogEntryInput {
  readonly data: readonly unknown[];
  readonly rooms: readonly string[];
  readonly except: readonly string[];
}

/** A logged entry with its offset (`<epoch>.<stream id>`). */
export interface RedisLogEntry extends RedisLogEntryInput {
  readonly offset: string;
}

/** Result of {@link RedisPacketLog.readAfter} (same reasons as the server's `ReplayFailure`). */
export type RedisReplayResult =
  | { readonly ok: true; readonly entries: readonly RedisLogEntry[] }
  | {
      readonly ok: false;
      readonly reason: "malformed-offset" | "epoch-changed" | "trimmed" | "unknown-offset" | "too-many" | "unavailable";
    };

/** Options of {@link RedisPacketLog}. */
export interface RedisPacketLogOptions {
  /** Key prefix. Default `cometa`. Keys: `<prefix>:log:{<nsp>}` (stream) and `<prefix>:epoch:{<nsp>}`. */
  readonly prefix?: string;
  /** Approximate most entries per namespace (`XADD MAXLEN ~`). Default 10 000. */
  readonly maxEntries?: number;
  /** An idle namespace's log (and epoch) expires after this, ms. Default 120 000 (`maxDisconnectionDuration`). */
  readonly maxAge?: number;
  /** Most entries one replay may return. Default 10 000. */
  readonly maxReplay?: number;
}

/** A message published by {@link RedisPacketLog.append}, decoded. */
export interface PublishedEntry {
  readonly entry: RedisLogEntry;
  /** Stream id of the entry logged just before (empty when the stream was empty). */
  readonly previous: string;
}

/** Decode a message published by {@link RedisPacketLog.append}; undefined when it is not one. */
export function decodePublished(message: Buffer): PublishedEntry | undefined {
  const first = message.indexOf(0x0a);
  const second = first < 0 ? -1 : message.indexOf(0x0a, first + 1);
  if (first <= 0 || second < 0) return undefined;
  const offset = message.subarray(0, first).toString("latin1");
  try {
    return { entry: decodeEntry(offset, message.subarray(second + 1)), previous: message.subarray(first + 1, second).toString("latin1") };
  } catch {
    return undefined;
  }
}

function decodeEntry(offset: string, bytes: Uint8Array): RedisLogEntry {
  const [data, rooms, except] = decodeStored<[unknown[], string[], string[]]>(bytes);
  return { offset, data, rooms, except };
}

/** Compare two stream ids `ms-seq` numerically. */
export function compareStreamIds(a: string, b: string): number {
  const [am, as] = a.split("-").map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split("-").map(BigInt) as [bigint, bigint];
  return am === bm ? (as === bs ? 0 : as < bs ? -1 : 1) : am < bm ? -1 : 1;
}

// The epoch key and the stream share a hash tag, so the script runs on one Redis Cluster node.
// KEYS: stream, epoch. ARGV: candidate epoch, maxlen, ttl ms, entry, channel ('' = none).
// Publishes `<offset>\n<previous stream id or ''>\n<entry>`: subscribers see the log's order and can spot gaps.
const APPEND = new LuaScript(`
local epoch = redis.call('GET', KEYS[2])
if not epoch then epoch = ARGV[1] end
redis.call('SET', KEYS[2], epoch, 'PX', ARGV[3])
local prev = ''
if ARGV[5] ~= '' then
  local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
  if #last > 0 then prev = last[1][1] end
end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'p', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
local offset = epoch .. '.' .. id
if ARGV[5] ~= '' then redis.call('PUBLISH', ARGV[5], offset .. '\\n' .. prev .. '\\n' .. ARGV[4]) end
return offset
`);

// KEYS: stream, epoch. ARGV: epoch, id, count. Answers {status, ...}: for a missing offset, the stream's
// last generated id, which tells an offset that was trimmed away from one that was never issued.
const READ = new LuaScript(`
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return {'epoch-changed'} end
if #redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2]) == 0 then
  local info = redis.pcall('XINFO', 'STREAM', KEYS[1])
  if type(info) == 'table' and not info.err then
    for i = 1, #info, 2 do
      if info[i] == 'last-generated-id' then return {'missing', info[i + 1]} end
    end
  end
  return {'missing'}
end
return {'ok', redis.call('XRANGE', KEYS[1], '(' .. ARGV[2], '+', 'COUNT', ARGV[3])}
`);

// KEYS: stream, epoch. Answers {epoch or false, newest stream id or false}.
const HEAD = new LuaScript(`
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
return {redis.call('GET', KEYS[2]), #last > 0 and last[1][1] or false}
`);

const STREAM_ID = /^\d{1,20}-\d{1,20}$/;

/**
 * The recovery log on Redis Streams: one stream per namespace, so every
 * instance reads the same order. Each append is one Lua script that keeps
 * the epoch, XADDs (trimmed with `MAXLEN ~`) and, when asked, publishes the
 * packet with its offset in the same atomic step, so the published order
 * and the logged order are the same.
 *
 * Offsets are `<epoch>.<stream id>`. The epoch key lives as long as the
 * stream: when Redis loses the data (restart without persistence, eviction,
 * idle expiry), a new epoch is drawn and older offsets are refused
 * (`epoch-changed`) instead of being read against a different stream.
 *
 * @example
 * ```ts
 * const log = new RedisPacketLog(new Redis(url), { maxAge: 120_000 });
 * const offset = await log.append("/", { data: ["news", 1], rooms: ["r"], except: [] });
 * const missed = await log.readAfter("/", offset);
 * ```
 */
export class RedisPacketLog {
  readonly #redis: RedisClient;
  readonly #prefix: string;
  readonly #maxEntries: number;
  readonly #maxAge: number;
  readonly #maxReplay: number;

  constructor(redis: RedisClient, options: RedisPacketLogOptions = {}) {
    this.#redis = redis;
    this.#prefix = options.prefix ?? "cometa";
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#maxAge = options.maxAge ?? 120_000;
    this.#maxReplay = options.maxReplay ?? 10_000;
  }

  /** The stream key of `nsp`. */
  streamKey(nsp: string): string {
    return `${this.#prefix}:log:{${nsp}}`;
  }

  /** The epoch key of `nsp`. */
  epochKey(nsp: string): string {
    return `${this.#prefix}:epoch:{${nsp}}`;
  }

  /**
   * Append an entry; resolves with its offset. With `channel`, the same
   * script publishes the entry with its offset and the previous stream id
   * (read it with {@link decodePublished}).
   */
  async append(nsp: string, entry: RedisLogEntryInput, channel?: string): Promise<string> {
    const stored = encodeStored([entry.data, entry.rooms, entry.except]);
    const epoch = `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
    const result = await APPEND.run(
      this.#redis,
      [this.streamKey(nsp), this.epochKey(nsp)],
      [epoch, this.#maxEntries, Math.ceil(this.#maxAge), stored, channel ?? ""],
    );
    return result as string;
  }

  /** The newest entry's offset (`<epoch>.<stream id>`) of `nsp`; undefined when the log is empty or gone. */
  async head(nsp: string): Promise<string | undefined> {
    const [epoch, id] = (await HEAD.run(this.#redis, [this.streamKey(nsp), this.epochKey(nsp)], [])) as [string | null, string | null];
    return typeof epoch === "string" && typeof id === "string" ? `${epoch}.${id}` : undefined;
  }

  /** Every entry after `offset`, in order; a Redis failure is `unavailable`, never a rejection. */
  async readAfter(nsp: string, offset: string): Promise<RedisReplayResult> {
    const dot = typeof offset === "string" ? offset.indexOf(".") : -1;
    const epoch = dot > 0 ? offset.slice(0, dot) : "";
    const id = offset.slice(dot + 1);
    if (dot <= 0 || !STREAM_ID.test(id)) return { ok: false, reason: "malformed-offset" };
    let reply: [Buffer, unknown?];
    try {
      reply = (await READ.runBuffer(this.#redis, [this.streamKey(nsp), this.epochKey(nsp)], [epoch, id, this.#maxReplay + 1])) as [Buffer, unknown?];
    } catch {
      return { ok: false, reason: "unavailable" };
    }
    const status = reply[0].toString();
    if (status === "epoch-changed") return { ok: false, reason: "epoch-changed" };
    if (status === "missing") {
      const newest = reply[1] === undefined ? undefined : (reply[1] as Buffer).toString();
      return { ok: false, reason: newest !== undefined && compareStreamIds(id, newest) <= 0 ? "trimmed" : "unknown-offset" };
    }
    const rows = reply[1] as [Buffer, Buffer[]][];
    if (rows.length > this.#maxReplay) return { ok: false, reason: "too-many" };
    return {
      ok: true,
      entries: rows.map(([entryId, fields]) => decodeEntry(`${epoch}.${entryId.toString()}`, fields[1]!)),
    };
  }
}
