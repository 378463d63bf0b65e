/**
 * The packet log contract: an ordered, bounded log per namespace of the
 * events a recovering socket may have missed (broadcasts that are not
 * volatile and carry no ack). Each entry gets an offset; a socket that
 * reconnects with its last offset gets every later entry addressed to it.
 * Implementations: {@link MemoryPacketLog} (one process) and the Redis
 * Streams log in `@cometa/redis` (every instance sees one order).
 */

/** What is logged for one broadcast. */
export interface LogEntryInput {
  /** The EVENT data, `[name, ...args]`, without the offset. */
  readonly data: readonly unknown[];
  /** Target rooms; empty means the whole namespace. */
  readonly rooms: readonly string[];
  /** Rooms excluded from the broadcast. */
  readonly except: readonly string[];
}

/** A logged entry, with its offset. */
export interface LogEntry extends LogEntryInput {
  readonly offset: string;
}

/** Why a replay is impossible (the socket then gets a fresh session, `recovered = false`). */
export type ReplayFailure =
  | "malformed-offset" // not an offset this log wrote
  | "epoch-changed" // the log lost its data since (restart) or belongs to another deployment
  | "trimmed" // the entries after the offset were dropped (too old or too many)
  | "unknown-offset" // the offset is ahead of the log
  | "too-many" // more missed entries than the replay limit
  | "unavailable"; // the log's backend did not answer

/** Result of {@link PacketLog.readAfter}. */
export type ReplayResult = { readonly ok: true; readonly entries: readonly LogEntry[] } | { readonly ok: false; readonly reason: ReplayFailure };

/** An ordered, bounded log of recoverable broadcasts, per namespace. */
export interface PacketLog {
  /** Append an entry; resolves with its offset. */
  append(nsp: string, entry: LogEntryInput): Promise<string>;
  /** Every entry after `offset`, in order (all rooms: filter with `isAddressedTo`). */
  readAfter(nsp: string, offset: string): Promise<ReplayResult>;
}

/**
 * Whether `entry` was addressed to a socket that is in `rooms` (its own id
 * included): it targets the whole namespace or one of those rooms, and none
 * of them is excluded.
 */
export function isAddressedTo(entry: LogEntryInput, rooms: ReadonlySet<string>): boolean {
  for (const room of entry.except) if (rooms.has(room)) return false;
  if (entry.rooms.length === 0) return true;
  for (const room of entry.rooms) if (rooms.has(room)) return true;
  return false;
}
