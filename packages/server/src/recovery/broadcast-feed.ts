import type { LogEntry, LogEntryInput } from "./packet-log.js";

/**
 * A shared log that also delivers (the Redis Streams feed of `@cometa/redis`):
 * a recoverable broadcast is logged and published in one atomic step, and
 * every instance, the publisher included, delivers it to its local sockets
 * when it comes back from the feed. That way every instance delivers in the
 * log's order, so a client's last offset is a true "everything up to here"
 * mark. Without a feed (one process), the server appends to its memory log
 * and delivers directly.
 */
export interface BroadcastFeed {
  /** Log and publish a broadcast cluster-wide; resolves with its offset (delivery comes through `watch`). */
  publish(nsp: string, entry: LogEntryInput): Promise<string>;
  /** Deliver the entries of `nsp` to `deliver`, in log order, each once. */
  watch(nsp: string, deliver: (entry: LogEntry) => void): Promise<void>;
  /** Offset of the last entry delivered on this instance for `nsp` (undefined before the first). */
  delivered(nsp: string): string | undefined;
  /** Order of two offsets of the same log: negative when `a` comes first. */
  compare(a: string, b: string): number;
}
