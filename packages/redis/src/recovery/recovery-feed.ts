import type { Redis } from "ioredis";
import { compareStreamIds, decodePublished, type RedisLogEntry, type RedisLogEntryInput, type RedisPacketLog } from "./redis-packet-log.js";

/** What the feed tells its owner. */
export interface RecoveryFeedHandlers {
  /** A logged broadcast, in log order, each exactly once per feed (publisher's own included). */
  entry(nsp: string, entry: RedisLogEntry): void;
  /** Entries were missed and could not be read back (log trimmed or Redis lost its data). */
  lost(nsp: string, reason: string): void;
  /** A Redis failure with no caller to return to. */
  error(error: unknown): void;
}

/** Per-namespace read position. */
interface Cursor {
  epoch: string | undefined;
  /** Stream id of the last entry delivered. */
  last: string | undefined;
  /** Messages that arrived while a gap was being read back. */
  queue: Buffer[] | undefined;
}

/**
 * Logged broadcasts as every instance sees them: a broadcast is appended
 * and published by one script ({@link RedisPacketLog.append}), and every
 * instance (the publisher included) delivers it when it comes back on the
 * feed channel, so every instance, and so every client, sees the log's order
 * and an offset never goes backwards.
 *
 * Each message names the entry logged before it. When that is not the last
 * entry this feed delivered (the subscriber was cut off and lost messages,
 * RELIABILITY.md §2.2), the feed reads the missing entries back from the
 * stream and delivers them first: a gap becomes a delay, not a loss. Entries
 * are delivered only when newer than the last one, so a message that shows up
 * both in a read-back and on the channel is delivered once.
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
  readonly #onMessage = (channel: Buffer, message: Buffer) => this.#receive(channel.toString(), message);
  readonly #onReady = () => this.#catchUpAll();
  /** Gaps read back so far (metrics). */
  gapsFilled = 0;

  constructor(log: RedisPacketLog, subscriber: Redis, handlers: RecoveryFeedHandlers, prefix = "cometa") {
    this.#log = log;
    this.#subscriber = subscriber;
    this.#handlers = handlers;
    this.#prefix = prefix;
    subscriber.on("messageBuffer", this.#onMessage);
    subscriber.on("ready", this.#onReady);
  }

  /** The feed channel of `nsp`. */
  channel(nsp: string): string {
    return `${this.#prefix}:feed:{${nsp}}`;
  }

  /** Start delivering the entries of `nsp`. */
  async watch(nsp: string): Promise<void> {
    const channel = this.channel(nsp);
    if (this.#byChannel.has(channel)) return;
    this.#byChannel.set(channel, nsp);
    this.#cursors.set(nsp, { epoch: undefined, last: undefined, queue: undefined });
    await this.#subscriber.subscribe(channel);
  }

  /** Offset of the last entry delivered for `nsp` (undefined before the first). */
  delivered(nsp: string): string | undefined {
    const cursor = this.#cursors.get(nsp);
    return cursor?.last === undefined ? undefined : `${cursor.epoch}.${cursor.last}`;
  }

  /** Log and publish a broadcast; resolves with its offset (delivery happens through the feed). */
  async publish(nsp: string, entry: RedisLogEntryInput): Promise<string> {
    return await this.#log.append(nsp, entry, this.channel(nsp));
  }

  /** Stop listening (the subscriber connection stays the caller's). */
  async close(): Promise<void> {
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
    if (cursor.queue !== undefined) {
      cursor.queue.push(message);
      return;
    }
    const published = decodePublished(message);
    if (published === undefined) {
      this.#handlers.error(new Error(`undecodable message on ${channel}`));
      return;
    }
    const { entry, previous } = published;
    const [epoch, id] = splitOffset(entry.offset);
    if (cursor.epoch === epoch && cursor.last !== undefined && previous !== cursor.last && compareStreamIds(id, cursor.last) > 0) {
      // Something was published between the last entry we delivered and this one, and never reached us.
      this.#fill(nsp, cursor, message);
      return;
    }
    this.#deliver(nsp, cursor, entry);
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
  #fill(nsp: string, cursor: Cursor, pending?: Buffer): void {
    if (cursor.queue !== undefined || cursor.last === undefined) return;
    cursor.queue = pending === undefined ? [] : [pending];
    this.gapsFilled++;
    this.#log.readAfter(nsp, `${cursor.epoch}.${cursor.last}`).then(
      (replay) => {
        if (replay.ok) for (const entry of replay.entries) this.#deliver(nsp, cursor, entry);
        else {
          this.#handlers.lost(nsp, replay.reason);
          // Start over from whatever comes next.
          cursor.last = undefined;
        }
        this.#drain(nsp, cursor);
      },
      (error: unknown) => {
        this.#handlers.error(error);
        this.#drain(nsp, cursor);
      },
    );
  }

  #drain(nsp: string, cursor: Cursor): void {
    const queue = cursor.queue ?? [];
    cursor.queue = undefined;
    for (const message of queue) {
      const published = decodePublished(message);
      if (published !== undefined) this.#deliver(nsp, cursor, published.entry);
    }
  }

  /** After a reconnection: anything published while we were away is read back at once. */
  #catchUpAll(): void {
    for (const [nsp, cursor] of this.#cursors) this.#fill(nsp, cursor);
  }
}

function splitOffset(offset: string): [epoch: string, id: string] {
  const dot = offset.indexOf(".");
  return [offset.slice(0, dot), offset.slice(dot + 1)];
}
