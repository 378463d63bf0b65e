import type { ClusterMessage, Room } from "@cometa/server/cluster";
import type { ChannelNames, ChannelRoute } from "./channel-names.js";
import { decodeBody, FLAG_MULTI_ROOM, readHeader } from "./envelope.js";
import type { RedisMetrics } from "./redis-metrics.js";
import { RecentBroadcasts, SequenceTracker } from "./sequence.js";

/** A detected sequence gap (messages lost between Redis and this node). */
export interface GapContext {
  readonly channel: string;
  readonly nsp: string;
  /** The room of a room channel. */
  readonly room?: string;
  readonly publisher: string;
  /** Messages lost. */
  readonly lost: number;
}

/** A local node's message handler (its cluster adapter). */
export type Handler = (message: ClusterMessage) => void;

/** The local nodes that joined one room channel. */
export interface RoomSubscription {
  readonly nsp: string;
  readonly room: Room;
  readonly uids: Set<string>;
}

/**
 * The receiving side of the Redis backplane: which local nodes want which
 * channel, and the checks every message goes through before they see it —
 * sequence accounting (gaps counted and reported, duplicates and late copies
 * dropped), echo suppression, and multi-room de-duplication — all read from
 * the envelope header, so the body is decoded only when a local node other
 * than the sender wants it, and then once.
 */
export class Inbound {
  /** nsp → uid → handler. */
  readonly handlers = new Map<string, Map<string, Handler>>();
  /** Every subscribed channel and what it carries. */
  readonly routes = new Map<string, ChannelRoute>();
  /** Room channel → the local nodes that joined it. */
  readonly rooms = new Map<string, RoomSubscription>();
  private readonly tracker = new SequenceTracker();
  private readonly recent = new RecentBroadcasts();

  constructor(
    private readonly names: ChannelNames,
    private readonly metrics: RedisMetrics,
    private readonly onGap: (gap: GapContext) => void,
  ) {}

  /** A channel was dropped: its numbering restarts if it is subscribed again. */
  forget(channel: string): void {
    this.tracker.forget(channel);
  }

  /** A message arrived on `channel`: account for its sequence number, then hand it to the local nodes it is for. */
  dispatch(channel: string, data: Buffer): void {
    const route = this.routes.get(channel);
    if (route === undefined) return; // a late message for a channel just dropped
    this.metrics.received++;
    const header = readHeader(data);
    if (header === undefined) {
      this.metrics.invalid++;
      return;
    }
    const verdict = this.tracker.check(channel, header.publisher, header.seq);
    switch (verdict.kind) {
      case "duplicate":
        this.metrics.duplicates++;
        return;
      case "reordered":
        this.metrics.reordered++;
        return;
      case "gap":
        this.metrics.gaps++;
        this.metrics.lost += verdict.lost;
        this.onGap({
          channel,
          nsp: route.nsp,
          ...(route.kind === "room" ? { room: route.room } : {}),
          publisher: header.publisher,
          lost: verdict.lost,
        });
        break;
      case "in-order":
        break;
    }
    const nodes = this.handlers.get(route.nsp);
    if (nodes === undefined) return;
    if (route.kind === "node") {
      const handler = nodes.get(route.uid);
      if (handler !== undefined && header.sender !== route.uid) this.deliver(handler, data, header.bodyOffset);
      return;
    }
    if (route.kind === "namespace") {
      // Decode only when some local node other than the sender wants it (own echoes cost nothing).
      let message: ClusterMessage | undefined;
      for (const [uid, handler] of nodes) {
        if (uid === header.sender) continue;
        message ??= this.decode(data, header.bodyOffset);
        if (message === undefined) return;
        this.invoke(handler, message);
      }
      return;
    }
    this.onRoomMessage(route.nsp, channel, nodes, data, header);
  }

  private onRoomMessage(
    nsp: string,
    channel: string,
    nodes: Map<string, Handler>,
    data: Buffer,
    header: NonNullable<ReturnType<typeof readHeader>>,
  ): void {
    if ((header.flags & FLAG_MULTI_ROOM) === 0) {
      const members = this.rooms.get(channel)?.uids;
      if (members === undefined) return;
      let message: ClusterMessage | undefined;
      for (const uid of members) {
        if (uid === header.sender) continue;
        const handler = nodes.get(uid);
        if (handler === undefined) continue;
        message ??= this.decode(data, header.bodyOffset);
        if (message === undefined) return;
        this.invoke(handler, message);
      }
      return;
    }
    // The same broadcast was published on each of its rooms' channels: deliver
    // the first copy to every local node in any of those rooms, drop the rest.
    if (!this.recent.firstTime(header.publisher, header.bid)) return;
    const message = this.decode(data, header.bodyOffset);
    if (message === undefined || message.type !== 3) return;
    const targets = new Set<string>();
    for (const room of message.data.opts.rooms ?? []) {
      const members = this.rooms.get(this.names.room(nsp, room))?.uids;
      if (members !== undefined) for (const uid of members) targets.add(uid);
    }
    targets.delete(header.sender);
    for (const uid of targets) {
      const handler = nodes.get(uid);
      if (handler !== undefined) this.invoke(handler, message);
    }
  }

  private deliver(handler: Handler, data: Buffer, offset: number): void {
    const message = this.decode(data, offset);
    if (message !== undefined) this.invoke(handler, message);
  }

  private decode(data: Buffer, offset: number): ClusterMessage | undefined {
    const message = decodeBody(data, offset);
    if (message === undefined) this.metrics.invalid++;
    return message;
  }

  private invoke(handler: Handler, message: ClusterMessage): void {
    try {
      handler(message);
    } catch (error) {
      // The adapter catches its own errors; this guards the subscriber loop against anything else.
      queueMicrotask(() => console.error("[cometa/redis] message handler threw:", error));
    }
  }
}
