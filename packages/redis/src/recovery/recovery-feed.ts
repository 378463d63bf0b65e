import type { Clock, TimerHandle } from "@cometa/server";
import type { Redis } from "ioredis";
import { systemClock } from "../clock.js";
import { compareStreamIds, decodePublished, type RedisLogEntry, type RedisPacketLog } from "./redis-packet-log.js";

/** What the feed tells its owner. */
export interface RecoveryFeedHandlers {
  /** A logged broadcast, in log order, each exactly once per feed (publisher's own included). */
  entry(nsp: string, entry: RedisLogEntry): void;
  /**
   * Entries were missed and cannot be read back (log trimmed, Redis lost its
   * data, or the log stayed unreadable): local sockets of `nsp` may lack some.
   * Called before the feed goes on with later entries.
   */
  lost(nsp: string, reason: string): void;
  /** A Redis failure with no caller to return to. */
  error(error: unknown): void;
}

/** Options of {@link RedisRecoveryFeed}. */
export interface RecoveryFeedOptions {
  /** Key and channel prefix. Default `cometa`. */
  readonly prefix?: string;
  /** Time source for retries and the idle check (fake in tests). */
  readonly clock?: Clock;
  /**
   * How often a namespace that received nothing is checked against the log's
   * newest entry, ms, so that lost messages at the tail (nothing came after
   * them to reveal the gap) are read back too. 0 turns it off. Default 2000.
   */
  readonly checkEvery?: number;
  /**
   * How long a gap's read-back is retried while Redis does not answer, ms
   * (from 100 ms, doubling, at most 2 s apart; at once when the subscriber is
   * back), before the gap is declared lost. Default 120 000: past
   * `maxDisconnectionDuration` the log has expired anyway.
   */
  readonly retryFor?: number;
  /** Most messages held while a gap is read back; past it, the gap is declared lost. Default 10 000. */
  readonly maxQueue?: number;
}

/** Per-namespace read position. */
interface Cursor {
  epoch: string | undefined;
  /** Stream id of the last entry delivered. */
  last: string | undefined;
  /** Messages that arrived while a gap was being read back. */
  queue: Buffer[] | undefined;
  /** Failed read-backs of the current gap. */
  attempts: number;
  /** When the current gap's first read-back started (clock ms). */
  since: number;
  /** Whether a message arrived since the last idle check. */
  active: boolean;
}

/** The channel a namespace's logged broadcasts are published on (with key prefix `prefix`). */
export function feedChannel(prefix: string, nsp: string): string {
  return `${prefix}:feed:{${nsp}}`;
}

const RETRY_BASE = 100;
const RETRY_MAX = 2000;

/**
 * Logged broadcasts as every instance sees them: a broadcast is appended
 * and published by one script ({@link RedisPacketLog.append}), and every
 * instance (the publisher included) delivers it when it comes back on the
 * feed channel, so every instance, and so every client, sees the log's order
 * and an offset never goes backwards.
 *
 * Gaps (RELIABILITY.md §2.2: pub/sub drops messages silently) are detected
 * three ways: each message names the entry logged before it; a reconnected
 * subscriber catches up at once; and an idle namespace is compared with the
 * log's head every `checkEvery` ms. A gap is read back from the stream
 * (XRANGE after the last delivered entry) and delivered first: a lost pub/sub
 * message costs a delay, not a message. Entries are delivered only when newer
 * than the last one, so an entry seen both ways is delivered once. When Redis
 * does not answer, the read-back is retried; when the entries are gone (trimmed,
 * data lost) or the retries run out, `lost` is called, so the owner can make
 * the affected clients recover through a reconnection instead of losing silently.
 *
 * @example
 * ```ts
 * const feed = new RedisRecoveryFeed(log, subscriber, { entry: (nsp, e) => deliver(nsp, e), lost, error });
 * await feed.watch("/");
 * await feed.publish("/", { data: ["news", 1], rooms: ["r"], except: [] });
 * ```
 */
export class RedisRecoveryFeed {
  readonly #log: RedisPacketLog;
  readonly #subscriber: Redis;
  readonly #handlers: RecoveryFeedHandlers;
  readonly #cursors = new Map<string, Cursor>();
  readonly #byChannel = new Map<string, string>();
  readonly #prefix: string;
  readonly #clock: Clock;
  readonly #checkEvery: number;
  readonly #retryFor: number;
  readonly #maxQueue: number;
  readonly #onMessage = (channel: Buffer, message: Buffer) => this.#receive(channel.toString(), message);
  readonly #onReady = () => this.#catchUpAll();
  #timer: TimerHandle | undefined;
  #closed = false;
  /** Gaps read back so far (metrics). */
  gapsFilled = 0;
  /** Gaps that could not be read back (metrics). */
  gapsLost = 0;

  constructor(log: RedisPacketLog, subscriber: Redis, handlers: RecoveryFeedHandlers, options: RecoveryFeedOptions = {}) {
    this.#log = log;
    this.#subscriber = subscriber;
    this.#handlers = handlers;
    this.#prefix = options.prefix ?? "cometa";
    this.#clock = options.clock ?? systemClock;
    this.#checkEvery = options.checkEvery ?? 2000;
    this.#retryFor = options.retryFor ?? 120_000;
    this.#maxQueue = options.maxQueue ?? 10_000;
    subscriber.on("messageBuffer", this.#onMessage);
    subscriber.on("ready", this.#onReady);
  }

  /** The feed channel of `nsp`. */
  channel(nsp: string): string {
    return feedChannel(this.#prefix, nsp);
  }

  /** Start delivering the entries of `nsp`. */
  async watch(nsp: string): Promise<void> {
    const channel = this.channel(nsp);
    if (this.#byChannel.has(channel)) return;
    this.#byChannel.set(channel, nsp);
    this.#cursors.set(nsp, { epoch: undefined, last: undefined, queue: undefined, attempts: 0, since: 0, active: false });
    if (this.#timer === undefined && this.#checkEvery > 0) this.#timer = this.#clock.setTimeout(this.#check, this.#checkEvery);
    await this.#subscriber.subscribe(channel);
  }

  /** Offset of the last entry delivered for `nsp` (undefined before the first). */
  delivered(nsp: string): string | undefined {
    const cursor = this.#cursors.get(nsp);
    return cursor?.last === undefined ? undefined : `${cursor.epoch}.${cursor.last}`;
  }

  /** Log and publish a broadcast; resolves with its offset (delivery happens through the feed). */
  async publish(nsp: string, entry: { data: readonly unknown[]; rooms: readonly string[]; except: readonly string[] }): Promise<string> {
    return await this.#log.append(nsp, entry, this.channel(nsp));
  }

  /** Stop listening (the subscriber connection stays the caller's). */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#subscriber.off("messageBuffer", this.#onMessage);
    this.#subscriber.off("ready", this.#onReady);
    const channels = [...this.#byChannel.keys()];
    this.#byChannel.clear();
    if (channels.length > 0 && this.#subscriber.status === "ready") await this.#subscriber.unsubscribe(...channels);
  }

  #receive(channel: string, message: Buffer): void {
    const nsp = this.#byChannel.get(channel);
    if (nsp === undefined) return;
    const cursor = this.#cursors.get(nsp)!;
    cursor.active = true;
    if (cursor.queue !== undefined) {
      cursor.queue.push(message);
      if (cursor.queue.length > this.#maxQueue) this.#giveUp(nsp, cursor, "overflow");
      return;
    }
    const published = decodePublished(message);
    if (published === undefined) {
      this.#handlers.error(new Error(`undecodable message on ${channel}`));
      return;
    }
    if (revealsGap(cursor, published.entry.offset, published.previous)) {
      // Something was published between the last entry we delivered and this one, and never reached us.
      this.#fill(nsp, cursor, [message]);
      return;
    }
    this.#deliver(nsp, cursor, published.entry);
  }

  #deliver(nsp: string, cursor: Cursor, entry: RedisLogEntry): void {
    const [epoch, id] = splitOffset(entry.offset);
    if (cursor.epoch === epoch && cursor.last !== undefined && compareStreamIds(id, cursor.last) <= 0) return; // seen
    cursor.epoch = epoch;
    cursor.last = id;
    try {
      this.#handlers.entry(nsp, entry);
    } catch (error) {
      this.#handlers.error(error);
    }
  }

  /** Read back what followed the last delivered entry, then go on with the queued messages. */
  #fill(nsp: string, cursor: Cursor, pending: Buffer[] = []): void {
    if (cursor.queue !== undefined || cursor.last === undefined) return;
    cursor.queue = pending;
    cursor.attempts = 0;
    cursor.since = this.#clock.now();
    this.#read(nsp, cursor);
  }

  #read(nsp: string, cursor: Cursor): void {
    this.#log.readAfter(nsp, `${cursor.epoch}.${cursor.last}`).then(
      (replay) => {
        if (cursor.queue === undefined) return; // given up meanwhile (overflow)
        if (replay.ok) {
          if (replay.entries.length > 0) this.gapsFilled++;
          for (const entry of replay.entries) this.#deliver(nsp, cursor, entry);
          this.#drain(nsp, cursor);
        } else if (replay.reason === "unavailable") {
          this.#retry(nsp, cursor, replay.reason);
        } else {
          this.#giveUp(nsp, cursor, replay.reason);
        }
      },
      (error: unknown) => {
        this.#handlers.error(error);
        this.#retry(nsp, cursor, "unavailable");
      },
    );
  }

  /** Redis did not answer: try again later, the queued messages waiting (delivering them would skip the gap). */
  #retry(nsp: string, cursor: Cursor, reason: string): void {
    if (this.#closed || this.#clock.now() - cursor.since >= this.#retryFor) {
      this.#giveUp(nsp, cursor, reason);
      return;
    }
    const attempt = ++cursor.attempts;
    this.#clock.setTimeout(() => {
      // Skipped when the subscriber's return (or a give-up) got there first.
      if (cursor.queue !== undefined && cursor.attempts === attempt && !this.#closed) this.#read(nsp, cursor);
    }, Math.min(RETRY_BASE * 2 ** (attempt - 1), RETRY_MAX));
  }

  /** The gap cannot be read back: say so first, then start over from whatever comes next. */
  #giveUp(nsp: string, cursor: Cursor, reason: string): void {
    this.gapsLost++;
    cursor.last = undefined;
    try {
      this.#handlers.lost(nsp, reason);
    } catch (error) {
      this.#handlers.error(error);
    }
    this.#drain(nsp, cursor);
  }

  /** Deliver the messages held during a read-back; one of them may reveal a newer gap, read back in turn. */
  #drain(nsp: string, cursor: Cursor): void {
    const queue = cursor.queue ?? [];
    cursor.queue = undefined;
    for (let i = 0; i < queue.length; i++) {
      const published = decodePublished(queue[i]!);
      if (published === undefined) continue;
      if (revealsGap(cursor, published.entry.offset, published.previous)) {
        this.#fill(nsp, cursor, queue.slice(i));
        return;
      }
      this.#deliver(nsp, cursor, published.entry);
    }
  }

  /** After a reconnection: anything published while we were away is read back at once (a waiting retry too). */
  #catchUpAll(): void {
    for (const [nsp, cursor] of this.#cursors) {
      if (cursor.queue === undefined) this.#fill(nsp, cursor);
      else if (cursor.attempts > 0) {
        cursor.attempts++; // the pending retry timer stands down
        this.#read(nsp, cursor);
      }
    }
  }

  /** Idle namespaces: is the log ahead of what we delivered (messages lost at the tail)? */
  readonly #check = (): void => {
    this.#timer = undefined;
    if (this.#closed) return;
    for (const [nsp, cursor] of this.#cursors) {
      const idle = !cursor.active;
      cursor.active = false;
      if (!idle || cursor.last === undefined || cursor.queue !== undefined) continue;
      const since = `${cursor.epoch}.${cursor.last}`;
      this.#log.head(nsp).then(
        (head) => {
          // Still where the check started (nothing arrived meanwhile), and the log has more: read it back.
          if (head === undefined || cursor.queue !== undefined || `${cursor.epoch}.${cursor.last}` !== since) return;
          // Same log only: a new epoch shows up on the channel itself (an idle log expired and started over).
          const [epoch, id] = splitOffset(head);
          if (epoch === cursor.epoch && compareStreamIds(id, cursor.last!) > 0) this.#fill(nsp, cursor);
        },
        () => {}, // Redis away: the subscriber's reconnection catches up
      );
    }
    this.#timer = this.#clock.setTimeout(this.#check, this.#checkEvery);
  };
}

/** Whether a message names a previous entry this feed never delivered (and comes after the last it did). */
function revealsGap(cursor: Cursor, offset: string, previous: string): boolean {
  if (cursor.last === undefined || previous === cursor.last) return false;
  const [epoch, id] = splitOffset(offset);
  return cursor.epoch === epoch && compareStreamIds(id, cursor.last) > 0;
}

function splitOffset(offset: string): [epoch: string, id: string] {
  const dot = offset.indexOf(".");
  return [offset.slice(0, dot), offset.slice(dot + 1)];
}
