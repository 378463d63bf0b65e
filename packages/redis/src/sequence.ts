/**
 * Sequence numbers on cross-node messages (RELIABILITY.md §2.2 a): Redis
 * pub/sub loses messages silently across a disconnect, so every message
 * carries a number per publisher and channel, and subscribers count gaps,
 * duplicates and reorderings instead of guessing.
 *
 * Per channel rather than per publisher because a node subscribes to only
 * some room channels: a per-publisher counter would show "gaps" that are just
 * rooms it does not follow.
 */

/** The publisher side: the next number of each channel, bounded (least recently used channels are forgotten). */
export class SequenceCounter {
  private readonly next = new Map<string, number>();

  constructor(private readonly maxChannels = 10_000) {}

  /** The number for the next message on `channel`, starting at 1. */
  take(channel: string): number {
    const seq = (this.next.get(channel) ?? 0) + 1;
    // Delete then set: the Map's insertion order becomes recency order.
    this.next.delete(channel);
    this.next.set(channel, seq);
    if (this.next.size > this.maxChannels) this.next.delete(this.next.keys().next().value!);
    return seq;
  }
}

/** What a subscriber concluded about one message. */
export type SequenceVerdict =
  /** The next one expected (or the first seen from this publisher on this channel). */
  | { readonly kind: "in-order" }
  /** Some messages before it never arrived. */
  | { readonly kind: "gap"; readonly lost: number }
  /** Already seen (same number). */
  | { readonly kind: "duplicate" }
  /** Older than one already delivered: arrived out of order. */
  | { readonly kind: "reordered" };

const IN_ORDER: SequenceVerdict = { kind: "in-order" };
const DUPLICATE: SequenceVerdict = { kind: "duplicate" };
const REORDERED: SequenceVerdict = { kind: "reordered" };

/**
 * The subscriber side: the last number seen per channel and publisher.
 * Bounded: a channel remembers at most `maxPublishers` publishers (emitters
 * come and go), and a channel is forgotten when unsubscribed.
 */
export class SequenceTracker {
  private readonly last = new Map<string, Map<string, number>>();

  constructor(private readonly maxPublishers = 1024) {}

  /** Record `seq` from `publisher` on `channel` and classify it. */
  check(channel: string, publisher: string, seq: number): SequenceVerdict {
    let publishers = this.last.get(channel);
    if (publishers === undefined) {
      publishers = new Map();
      this.last.set(channel, publishers);
    }
    const previous = publishers.get(publisher);
    if (previous === undefined || seq === 1) {
      // First message seen, or the publisher's counter restarted (it forgot the channel).
      publishers.set(publisher, seq);
      if (publishers.size > this.maxPublishers) publishers.delete(publishers.keys().next().value!);
      return IN_ORDER;
    }
    if (seq === previous + 1) {
      publishers.set(publisher, seq);
      return IN_ORDER;
    }
    if (seq === previous) return DUPLICATE;
    if (seq < previous) return REORDERED;
    publishers.set(publisher, seq);
    return { kind: "gap", lost: seq - previous - 1 };
  }

  /** Forget a channel (unsubscribed: its future numbers will restart the baseline). */
  forget(channel: string): void {
    this.last.delete(channel);
  }
}

/**
 * Broadcast ids already delivered, per publisher: a broadcast to several rooms
 * is published once per room channel, and a node in several of those rooms
 * must deliver it once. Copies arrive close together, so a short window suffices.
 */
export class RecentBroadcasts {
  private readonly seen = new Map<string, Set<number>>();

  constructor(private readonly window = 256) {}

  /** True the first time `bid` from `publisher` is offered, false for later copies. */
  firstTime(publisher: string, bid: number): boolean {
    let ids = this.seen.get(publisher);
    if (ids === undefined) {
      ids = new Set();
      this.seen.set(publisher, ids);
      if (this.seen.size > 1024) this.seen.delete(this.seen.keys().next().value!);
    }
    if (ids.has(bid)) return false;
    ids.add(bid);
    if (ids.size > this.window) ids.delete(ids.values().next().value!);
    return true;
  }
}
