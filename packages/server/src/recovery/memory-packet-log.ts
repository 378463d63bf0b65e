import { type Clock, systemClock } from "../clock.js";
import { formatOffset, newEpoch, parseOffset } from "./offset.js";
import type { LogEntry, LogEntryInput, PacketLog, ReplayResult } from "./packet-log.js";

/** Options of {@link MemoryPacketLog}. */
export interface MemoryPacketLogOptions {
  /** Entries older than this are dropped, ms (use `maxDisconnectionDuration`). Default 120 000. */
  readonly maxAge?: number;
  /** Most entries kept per namespace. Default 10 000. */
  readonly maxEntries?: number;
  /** Most entries one replay may return; beyond it the session is not recovered. Default 10 000. */
  readonly maxReplay?: number;
  /** Time source (fake in tests). */
  readonly clock?: Clock;
  /** Epoch of this log (fixed in tests); a fresh one by default. */
  readonly epoch?: string;
}

interface Stored extends LogEntry {
  readonly seq: number;
  readonly at: number;
}

/** One namespace's entries: a queue of consecutive sequence numbers. */
class NamespaceLog {
  entries: Stored[] = [];
  head = 0;
  nextSeq = 1;

  /** Sequence number of the oldest entry kept (nextSeq when empty). */
  get firstSeq(): number {
    return this.head < this.entries.length ? this.entries[this.head]!.seq : this.nextSeq;
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  dropOldest(): void {
    this.head++;
    // Compact now and then rather than shifting on every drop (O(1) amortised).
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}

/**
 * The packet log of a single process: per namespace, a bounded queue of
 * entries numbered 1, 2, 3… Offsets are `<epoch>.<seq base 36>`; the epoch
 * is new for every log, so offsets issued before a restart are refused
 * (`epoch-changed`) rather than misread.
 *
 * @example
 * ```ts
 * const log = new MemoryPacketLog({ maxAge: 120_000 });
 * const offset = log.appendNow("/", { data: ["news", 1], rooms: ["r"], except: [] });
 * const missed = log.readAfterNow("/", offset); // { ok: true, entries: [] }
 * ```
 */
export class MemoryPacketLog implements PacketLog {
  /** This log's epoch (part of every offset). */
  readonly epoch: string;
  readonly #logs = new Map<string, NamespaceLog>();
  readonly #maxAge: number;
  readonly #maxEntries: number;
  readonly #maxReplay: number;
  readonly #clock: Clock;

  constructor(options: MemoryPacketLogOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#maxAge = options.maxAge ?? 120_000;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#maxReplay = options.maxReplay ?? 10_000;
    this.epoch = options.epoch ?? newEpoch();
  }

  /** Entries kept for `nsp` (after trimming by age). */
  size(nsp: string): number {
    const log = this.#logs.get(nsp);
    if (log === undefined) return 0;
    this.#trim(log);
    return log.size;
  }

  /** Offset of the newest entry of `nsp` (`<epoch>.0` before the first): "everything up to here". */
  head(nsp: string): string {
    return formatOffset(this.epoch, ((this.#logs.get(nsp)?.nextSeq ?? 1) - 1).toString(36));
  }

  /** Synchronous {@link append}: the server's broadcast path uses this one, so a broadcast never waits. */
  appendNow(nsp: string, entry: LogEntryInput): string {
    let log = this.#logs.get(nsp);
    if (log === undefined) {
      log = new NamespaceLog();
      this.#logs.set(nsp, log);
    }
    const seq = log.nextSeq++;
    const offset = formatOffset(this.epoch, seq.toString(36));
    log.entries.push({ offset, seq, at: this.#clock.now(), data: entry.data, rooms: entry.rooms, except: entry.except });
    this.#trim(log);
    return offset;
  }

  /** Synchronous {@link readAfter}. */
  readAfterNow(nsp: string, offset: string): ReplayResult {
    const parsed = parseOffset(offset);
    const seq = parsed === undefined ? Number.NaN : Number.parseInt(parsed.position, 36);
    if (parsed === undefined || !Number.isSafeInteger(seq) || seq < 0) return { ok: false, reason: "malformed-offset" };
    if (parsed.epoch !== this.epoch) return { ok: false, reason: "epoch-changed" };
    const log = this.#logs.get(nsp);
    if (seq === 0 && log === undefined) return { ok: true, entries: [] };
    if (log === undefined || seq >= log.nextSeq) return { ok: false, reason: "unknown-offset" };
    this.#trim(log);
    // Everything after `seq` must still be here: the first kept entry is at most seq + 1.
    if (log.firstSeq > seq + 1) return { ok: false, reason: "trimmed" };
    const from = log.head + (seq + 1 - log.firstSeq);
    if (log.entries.length - from > this.#maxReplay) return { ok: false, reason: "too-many" };
    return { ok: true, entries: log.entries.slice(from) };
  }

  append(nsp: string, entry: LogEntryInput): Promise<string> {
    return Promise.resolve(this.appendNow(nsp, entry));
  }

  readAfter(nsp: string, offset: string): Promise<ReplayResult> {
    return Promise.resolve(this.readAfterNow(nsp, offset));
  }

  #trim(log: NamespaceLog): void {
    const oldest = this.#clock.now() - this.#maxAge;
    while (log.size > this.#maxEntries) log.dropOldest();
    while (log.size > 0 && log.entries[log.head]!.at < oldest) log.dropOldest();
  }
}
