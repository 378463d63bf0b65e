import type { Codec, Frame, Packet } from "@cometa/protocol";
import { type AckCounter, type AckEntry, admitsAck, BroadcastAckEntry } from "./acks.js";
import type { Clock } from "./clock.js";
import type { CodecSlot } from "./codec-slots.js";
import type { Adapter, BroadcastOptions, Room } from "./cluster/adapter.js";
import type { EngineConnection, EngineServer } from "./engine/engine-connection.js";
import { AckLimitError } from "./errors.js";
import { sendOptionsOf } from "./send-options.js";

/**
 * Local delivery of broadcasts: the hot path.
 *
 * - A broadcast is encoded at most once per codec in use ({@link FrameCache}).
 * - A plain broadcast (no `except`, at most one room that is not a socket id,
 *   no outgoing-listener or ack bookkeeping) is one `engine.publish` per codec:
 *   uWS fans it out.
 * - A broadcast that excludes only its sender (`socket.broadcast.emit`,
 *   `socket.to(room).emit`) is one `conn.publish` per codec on the sender's
 *   connection: the engine skips the sender itself (uWS does it natively).
 * - Everything else is sent per socket, each recipient once even when it is in
 *   several target rooms, without allocating per recipient (recipients are
 *   collected into a pooled array; membership checks replace a "seen" set).
 */

/** What fan-out needs from a socket. `Socket` implements it. */
export interface Recipient extends AckCounter {
  readonly id: string;
  readonly client: { readonly codec: Codec | undefined; readonly conn: EngineConnection };
  /** Run `onAnyOutgoing` listeners with `[event, ...args]`. */
  notifyOutgoing(data: readonly unknown[]): void;
  registerAck(id: number, entry: AckEntry): void;
  deleteAck(id: number): void;
}

/** What fan-out needs from a namespace. `Namespace` implements it. */
export interface FanOutScope {
  readonly name: string;
  readonly sockets: ReadonlyMap<string, Recipient>;
  readonly adapter: Adapter;
  /** How many local sockets have `onAnyOutgoing` listeners (they need per-socket delivery). */
  readonly outgoingListeners: number;
  /** Codecs of the namespace's connected sockets, with their namespace topics. */
  readonly codecSlots: readonly CodecSlot[];
  readonly engine: EngineServer | undefined;
  readonly clock: Clock;
  /** The server's `maxPendingAcks`: a broadcast with ack skips a socket already waiting on that many. */
  readonly maxPendingAcks: number;
  reportError(error: unknown): void;
}

/** Frames of one packet, encoded lazily, at most once per codec. */
export class FrameCache {
  private codec0: Codec | undefined = undefined;
  private frames0: Frame[] | undefined = undefined;
  private others: Map<Codec, Frame[]> | undefined = undefined;

  constructor(private readonly packet: Packet) {}

  get(codec: Codec): Frame[] {
    if (codec === this.codec0) return this.frames0!;
    if (this.codec0 === undefined) {
      this.codec0 = codec;
      this.frames0 = codec.encode(this.packet);
      return this.frames0;
    }
    if (this.others === undefined) this.others = new Map();
    const map = this.others;
    let frames = map.get(codec);
    if (frames === undefined) {
      frames = codec.encode(this.packet);
      map.set(codec, frames);
    }
    return frames;
  }
}

/** Who publishes: the engine (everyone subscribed), or a connection (everyone subscribed but itself). */
type Publisher = Pick<EngineServer, "publish"> | Pick<EngineConnection, "publish">;

// Pooled recipient arrays; a stack because a send can re-enter (onAnyOutgoing → broadcast).
const pool: Recipient[][] = [];

/** Deliver `packet` to the local sockets `opts` selects. */
export function localBroadcast(scope: FanOutScope, packet: Packet, opts: BroadcastOptions): void {
  const publisher = publisherFor(scope, opts);
  if (publisher !== undefined) {
    publish(scope, packet, opts, publisher);
    return;
  }
  const sendOptions = sendOptionsOf(opts.flags);
  const recipients = pool.pop() ?? [];
  try {
    collectRecipients(scope, opts, recipients);
    if (recipients.length === 0) return;
    const cache = new FrameCache(packet);
    const data = packet.data as unknown[];
    for (let i = 0; i < recipients.length; i++) {
      const socket = recipients[i]!;
      if (scope.outgoingListeners > 0) socket.notifyOutgoing(data);
      socket.client.conn.send(cache.get(socket.client.codec!), sendOptions);
    }
  } finally {
    recipients.length = 0;
    pool.push(recipients);
  }
}

/**
 * Deliver a packet that carries an ack id: the id is registered on every
 * recipient with one shared entry. Returns how many recipients got it. With
 * `flags.timeout`, one timer removes unanswered entries when it expires, so a
 * silent client never leaks them.
 */
export function localBroadcastWithAck(
  scope: FanOutScope,
  packet: Packet,
  opts: BroadcastOptions,
  onAck: (response: unknown) => void,
  onGone: () => void,
): number {
  const sendOptions = sendOptionsOf(opts.flags);
  const id = packet.id!;
  const recipients: Recipient[] = [];
  collectRecipients(scope, opts, recipients);
  if (recipients.length === 0) return 0;
  const entry = new BroadcastAckEntry(onAck, onGone);
  const cache = new FrameCache(packet);
  const data = packet.data as unknown[];
  const limit = scope.maxPendingAcks;
  let count = 0;
  let refused = 0;
  for (let i = 0; i < recipients.length; i++) {
    const socket = recipients[i]!;
    if (!admitsAck(socket, limit)) {
      // Not sent and not waited for: a client that stopped answering cannot grow the server's ack maps.
      refused++;
      continue;
    }
    if (scope.outgoingListeners > 0) socket.notifyOutgoing(data);
    socket.registerAck(id, entry);
    if (socket.client.conn.send(cache.get(socket.client.codec!), sendOptions)) {
      recipients[count++] = socket;
    } else {
      socket.deleteAck(id); // dropped (volatile or closing): it will never answer
    }
  }
  recipients.length = count;
  if (refused > 0) scope.reportError(new AckLimitError(limit)); // once per broadcast, not per socket
  const timeout = opts.flags.timeout;
  if (timeout !== undefined && count > 0) {
    scope.clock.setTimeout(() => {
      for (const socket of recipients) socket.deleteAck(id);
    }, timeout);
  }
  return count;
}

/** The local sockets `opts` selects, each once. */
export function selectRecipients<R extends Recipient>(scope: FanOutScope, opts: BroadcastOptions): R[] {
  const out: Recipient[] = [];
  collectRecipients(scope, opts, out);
  return out as R[];
}

/**
 * Who can deliver the broadcast through topics, if anyone: there must be no
 * per-socket bookkeeping, at most one room and not a socket's own-id room (it
 * has no topic: that would cost a subscription per socket), and at most one
 * excluded room, standing for one socket alone (its own id, joined by no other
 * socket). Then the engine publishes, or the excluded socket's connection,
 * which the engine leaves out itself. Acks never come here.
 */
function publisherFor(scope: FanOutScope, opts: BroadcastOptions): Publisher | undefined {
  const engine = scope.engine;
  if (engine === undefined || scope.outgoingListeners > 0 || opts.rooms.size > 1) return undefined;
  if (opts.rooms.size === 1 && scope.sockets.has(firstOf(opts.rooms))) return undefined;
  if (opts.except.size === 0) return engine;
  if (opts.except.size > 1) return undefined;
  const excluded = firstOf(opts.except);
  // Another socket joined a room named after the sender: `except` must leave it out too.
  if (scope.adapter.rooms.has(excluded)) return undefined;
  const sender = scope.sockets.get(excluded);
  // No connected local socket has that id (a remote one, or one still in its CONNECT
  // middlewares, which holds no topic yet): nobody here is left out.
  if (sender === undefined) return engine;
  const conn = sender.client.conn;
  return conn.publish === undefined ? undefined : conn;
}

/** Publish once per codec in use, through the engine or the excluded sender's connection. */
function publish(scope: FanOutScope, packet: Packet, opts: BroadcastOptions, via: Publisher): void {
  const room = opts.rooms.size === 1 ? firstOf(opts.rooms) : undefined;
  if (room !== undefined && !scope.adapter.rooms.has(room)) return; // no local member
  const sendOptions = sendOptionsOf(opts.flags);
  const slots = scope.codecSlots;
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    const topic = room === undefined ? slot.topic : slot.roomTopic(room);
    via.publish!(topic, slot.codec.encode(packet), sendOptions);
  }
}

function collectRecipients(scope: FanOutScope, opts: BroadcastOptions, out: Recipient[]): void {
  const except = opts.except.size > 0 ? Array.from(opts.except) : undefined;
  const rooms = opts.rooms;
  if (rooms.size === 0) {
    for (const socket of scope.sockets.values()) {
      if (except === undefined || !inAny(scope.adapter, socket.id, except, except.length)) out.push(socket);
    }
  } else if (rooms.size === 1) {
    addRoom(scope, firstOf(rooms), undefined, 0, except, out);
  } else {
    const list = Array.from(rooms);
    for (let k = 0; k < list.length; k++) addRoom(scope, list[k]!, list, k, except, out);
  }
}

/** Add the members of `room` that are not in an earlier target room (`earlier[0..k)`) nor excluded. */
function addRoom(
  scope: FanOutScope,
  room: Room,
  earlier: readonly Room[] | undefined,
  k: number,
  except: readonly Room[] | undefined,
  out: Recipient[],
): void {
  const adapter = scope.adapter;
  // The socket whose id is the room name is an implicit member (not stored in the index).
  const own = scope.sockets.get(room);
  if (own !== undefined && accepts(adapter, own.id, earlier, k, except)) out.push(own);
  const members = adapter.rooms.get(room);
  if (members === undefined) return;
  for (const id of members) {
    const socket = scope.sockets.get(id);
    if (socket !== undefined && socket !== own && accepts(adapter, id, earlier, k, except)) out.push(socket);
  }
}

function accepts(
  adapter: Adapter,
  id: string,
  earlier: readonly Room[] | undefined,
  k: number,
  except: readonly Room[] | undefined,
): boolean {
  if (earlier !== undefined && inAny(adapter, id, earlier, k)) return false;
  return except === undefined || !inAny(adapter, id, except, except.length);
}

function inAny(adapter: Adapter, id: string, rooms: readonly Room[], count: number): boolean {
  for (let j = 0; j < count; j++) if (adapter.isMember(id, rooms[j]!)) return true;
  return false;
}

function firstOf(rooms: ReadonlySet<Room>): Room {
  return rooms.values().next().value!;
}
