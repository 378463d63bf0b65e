import {
  type AllButLast,
  type DefaultEventsMap,
  type EventNames,
  type EventNamesWithAck,
  type EventParams,
  type EventsMap,
  type FirstAckArg,
  type Packet,
  PacketType,
} from "@cometa/protocol";
import type { AckEntry } from "./acks.js";
import { BroadcastOperator } from "./broadcast-operator.js";
import type { Client } from "./client.js";
import type { BroadcastFlags, LocalSocket, Room } from "./cluster/adapter.js";
import type { CodecSlot } from "./codec-slots.js";
import type { DisconnectReason } from "./disconnect-reason.js";
import type { EngineConnection, HandshakeRequest } from "./engine/engine-connection.js";
import { createHandshake, type Handshake } from "./handshake.js";
import { type ChainStep, runChain } from "./middleware-chain.js";
import { dedupWindowOf, runOnce } from "./recovery/retried-event.js";
import type { SessionRecord } from "./recovery/session-store.js";
import type { Namespace } from "./namespace.js";
import { sendOptionsOf } from "./send-options.js";
import { ackResponder, emitEvent, emitEventWithAck } from "./socket-emit.js";
import { SocketEmitter } from "./socket-emitter.js";
import { SocketListeners } from "./socket-listeners.js";
import { joinRooms, leaveAllRooms, leaveRoom, subscribeJoinedRooms } from "./socket-rooms.js";
import { admitEvent } from "./event-admission.js";
import type { RateLimiter } from "./rate-limit.js";
import { checkRooms } from "./room-guard.js";
import { createSocketId } from "./socket-id.js";

/** Lifecycle of a socket: middlewares running, connected, gone. */
type SocketState = "pending" | "connected" | "closed";

/** A per-packet middleware (`socket.use`): sees `[event, ...args]`, calls `next()` or `next(err)`. */
export type PacketMiddleware = ChainStep<[string, ...unknown[]]>;

const NO_FLAGS: BroadcastFlags = Object.freeze({});

/**
 * One client's connection to one namespace (Socket.IO's server `Socket`).
 *
 * Memory matters here (the goal is ≤ 3 KiB per idle connection for the whole
 * server): listener tables, ack maps, the handshake object and `data` are all
 * allocated on first use, rooms live in the adapter, and there is no closure
 * per socket.
 *
 * @example
 * ```ts
 * io.on("connection", (socket) => {
 *   socket.join(`user:${socket.handshake.auth.userId}`);
 *   socket.on("chat", (text, ack) => {
 *     socket.to("lobby").emit("chat", socket.id, text);
 *     ack({ stored: true });
 *   });
 *   socket.on("disconnect", (reason) => console.log(socket.id, "left:", reason));
 * });
 * ```
 */
export class Socket<
    ListenEvents extends EventsMap = DefaultEventsMap,
    EmitEvents extends EventsMap = ListenEvents,
    ServerSideEvents extends EventsMap = DefaultEventsMap,
    // biome-ignore lint/suspicious/noExplicitAny: untyped by default, like Socket.IO
    SocketData = any,
  >
  extends SocketListeners<ListenEvents>
  implements LocalSocket
{
  /** The socket id: 120 random bits, not the Engine.IO session id. Also the name of the socket's own room. */
  readonly id: string;
  /** @internal Private session id for connection state recovery (undefined when recovery is off). */
  readonly pid: string | undefined;
  /** Whether this socket restored a previous session (same id, rooms and data; missed events replayed). */
  readonly recovered: boolean;
  /** `pending` while the CONNECT middlewares run, then `connected`, then `closed` for good. */
  private _state: SocketState = "pending";
  /** The CONNECT auth payload until the handshake object is built (undefined when none was sent). */
  private _auth: Record<string, unknown> | undefined;
  private _handshake: Handshake | undefined = undefined;
  private _data: SocketData | undefined = undefined;
  private _acks: Map<number, AckEntry> | undefined = undefined;
  private _fns: PacketMiddleware[] | undefined = undefined;
  /** @internal Inbound event budget (`rateLimit`), created with the first event. */
  _limiter: RateLimiter | undefined = undefined;

  /** @internal Created by the namespace when a client sends CONNECT. */
  constructor(
    readonly nsp: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    readonly client: Client,
    auth: Record<string, unknown> | undefined,
    restored?: SessionRecord,
  ) {
    super();
    this.id = restored?.sid ?? createSocketId();
    this.pid = restored?.pid ?? nsp.recovery?.newPid();
    this.recovered = restored !== undefined;
    this._auth = auth;
  }

  /**
   * Headers, query, auth payload, address and time of the connection. Built on
   * first access (most sockets of a busy server never need it), and even then
   * headers and query are read from the engine only when asked for.
   */
  get handshake(): Handshake {
    if (this._handshake === undefined) {
      this._handshake = createHandshake(this.client.conn.request, this._auth ?? {});
      this._auth = undefined;
    }
    return this._handshake;
  }

  /** Free-form per-socket data, shared with `fetchSockets()` results (must be serialisable for a cluster). */
  get data(): SocketData {
    if (this._data === undefined) this._data = {} as SocketData;
    return this._data;
  }

  set data(value: SocketData) {
    this._data = value;
  }

  /** Whether the socket is connected to its namespace. */
  get connected(): boolean {
    return this._state === "connected";
  }

  /** Whether the socket is not (or no longer) connected. */
  get disconnected(): boolean {
    return this._state !== "connected";
  }

  /** The Engine.IO session under this socket (shared by the client's other namespaces). */
  get conn(): EngineConnection {
    return this.client.conn;
  }

  /** The HTTP request that opened the session (headers, query, url, address; copied by the engine). */
  get request(): HandshakeRequest {
    return this.client.conn.request;
  }

  /** Rooms of the socket, its own id included (a snapshot). */
  get rooms(): Set<Room> {
    const joined = this.nsp.adapter.socketRooms(this.id);
    const rooms = new Set<Room>([this.id]);
    if (joined !== undefined) for (const room of joined) rooms.add(room);
    return rooms;
  }

  /**
   * Send an event to this client. A trailing callback asks for an ack and is
   * called with the client's reply.
   *
   * @throws ServerError `RESERVED_EVENT` for a lifecycle event name.
   */
  emit<Ev extends EventNames<EmitEvents>>(event: Ev, ...args: EventParams<EmitEvents, Ev>): boolean {
    return this.emitWithFlags(NO_FLAGS, event, args);
  }

  /** Send an event and resolve with the first argument of the client's ack. */
  emitWithAck<Ev extends EventNamesWithAck<EmitEvents>>(
    event: Ev,
    ...args: AllButLast<EventParams<EmitEvents, Ev>>
  ): Promise<FirstAckArg<EmitEvents, Ev>> {
    return this.emitWithAckWithFlags(NO_FLAGS, event, args) as Promise<FirstAckArg<EmitEvents, Ev>>;
  }

  /** Emit a `message` event (Socket.IO `send`). */
  send(...args: unknown[]): this {
    this.emitWithFlags(NO_FLAGS, "message", args);
    return this;
  }

  /** Alias of {@link send}. */
  write(...args: unknown[]): this {
    return this.send(...args);
  }

  /** A view whose acks time out after `ms`; its callbacks get `err` first. */
  timeout(ms: number): SocketEmitter<EmitEvents, SocketData, true> {
    return new SocketEmitter<EmitEvents, SocketData, false>(this, NO_FLAGS).timeout(ms);
  }

  /** A view whose emits are dropped if the client cannot take them right now. */
  get volatile(): SocketEmitter<EmitEvents, SocketData> {
    return new SocketEmitter(this, { volatile: true });
  }

  /** A view with a per-message deflate hint. */
  compress(compress: boolean): SocketEmitter<EmitEvents, SocketData> {
    return new SocketEmitter(this, { compress });
  }

  /** Broadcast to every other socket of the namespace. */
  get broadcast(): BroadcastOperator<EmitEvents, SocketData> {
    return this.broadcastWithFlags(NO_FLAGS);
  }

  /** Broadcast to every other socket on this node only. */
  get local(): BroadcastOperator<EmitEvents, SocketData> {
    return this.broadcastWithFlags({ local: true });
  }

  /** Broadcast to `room` (or several), excluding this socket. */
  to(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.broadcast.to(room);
  }

  /** Alias of {@link to}. */
  in(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.broadcast.to(room);
  }

  /** Broadcast to every other socket except those in `room`. */
  except(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.broadcast.except(room);
  }

  /** @internal */
  emitWithFlags(flags: BroadcastFlags, event: string, args: unknown[]): boolean {
    return emitEvent(this, flags, event, args);
  }

  /** @internal */
  emitWithAckWithFlags(flags: BroadcastFlags, event: string, args: unknown[]): Promise<unknown> {
    return emitEventWithAck(this, flags, event, args);
  }

  /** @internal */
  broadcastWithFlags(flags: BroadcastFlags): BroadcastOperator<EmitEvents, SocketData> {
    return new BroadcastOperator(this.nsp, undefined, new Set([this.id]), flags);
  }

  /**
   * Join a room (or several). Joining is local and immediate. Throws
   * `RoomRefusedError` (nothing joined; see its example) for a name that is not
   * 1..`maxRoomNameLength` characters, another socket's id, or past `maxRoomsPerSocket`.
   */
  join(rooms: Room | readonly Room[]): void {
    if (this._state === "closed") return; // a late join must not leave a dead id in a room
    const options = this.nsp.server.options;
    checkRooms({ id: this.id, current: this.nsp.adapter.socketRooms(this.id), sockets: this.nsp.sockets }, rooms, options);
    joinRooms(this, rooms);
    // Connected sockets only: a pending socket's rooms are saved with its first live save, at connect.
    if (this._state === "connected") this.nsp.recovery?.touch(this);
  }

  /** Leave a room. */
  leave(room: Room): void {
    leaveRoom(this, room);
    if (this._state === "connected") this.nsp.recovery?.touch(this);
  }

  /**
   * Disconnect from the namespace (the client gets `io server disconnect` and
   * does not reconnect). With `close`, close the whole connection and every
   * namespace on it.
   */
  disconnect(close = false): this {
    if (this._state !== "connected") return this;
    if (close) {
      this.client.disconnectAll();
      return this;
    }
    this._send({ type: PacketType.DISCONNECT, nsp: this.nsp.name }, NO_FLAGS);
    this._onclose("server namespace disconnect");
    return this;
  }

  /** Register a per-packet middleware: it sees `[event, ...args]` before any listener. */
  use(fn: PacketMiddleware): this {
    if (this._fns === undefined) this._fns = [];
    this._fns.push(fn);
    return this;
  }

  /** @internal The namespace accepted the socket: subscribe to its namespace and room topics, reply CONNECT. */
  _onconnect(slot: CodecSlot, missed?: readonly unknown[][]): void {
    this._state = "connected";
    if (this.hasOutgoingListeners()) this.nsp.outgoingListeners++;
    this.conn.subscribe(slot.topic);
    subscribeJoinedRooms(this);
    // Recovery: the missed events go first; the client holds them until the CONNECT reply (PROTOCOL.md §4.7).
    if (missed !== undefined) for (const data of missed) this._send({ type: PacketType.EVENT, nsp: this.nsp.name, data }, NO_FLAGS);
    const data = this.pid === undefined ? { sid: this.id } : { sid: this.id, pid: this.pid };
    this._send({ type: PacketType.CONNECT, nsp: this.nsp.name, data }, NO_FLAGS);
    // With a durable session store, the session is saved now and while the socket lives (failover after a crash).
    this.nsp.recovery?.track(this.nsp.name, this);
  }

  /** @internal A packet for this namespace arrived. */
  _onpacket(packet: Packet): void {
    if (this._state !== "connected") return;
    if (packet.type === PacketType.EVENT) this.onEvent(packet);
    else if (packet.type === PacketType.ACK) this.onAck(packet);
    else if (packet.type === PacketType.DISCONNECT) this._onclose("client namespace disconnect");
  }

  /** @internal The socket is gone: `disconnecting`, leave rooms, `disconnect`. */
  _onclose(reason: DisconnectReason, description?: unknown): void {
    if (this._state !== "connected") return;
    // Argument arrays only for events someone listens to: most sockets close unobserved.
    if (this.hasListeners("disconnecting")) this.dispatch("disconnecting", [reason, description]);
    const acks = this._acks;
    this._acks = undefined;
    // Before the rooms are left: the session keeps them.
    this.nsp.recovery?.persist(this.nsp.name, this, reason);
    leaveAllRooms(this);
    if (this.hasOutgoingListeners()) this.nsp.outgoingListeners--;
    if (!this.client.closing) this.conn.unsubscribe(this.nsp.codecs.topicFor(this.client.codec!));
    this.nsp._remove(this);
    this.client._remove(this);
    this._state = "closed";
    if (acks !== undefined) this.failAcks(acks);
    if (this.hasListeners("disconnect")) this.dispatch("disconnect", [reason, description]);
  }

  /** @internal A refused or abandoned pending socket: leave the rooms a middleware joined, accept no more. */
  _discard(): void {
    if (this._state !== "pending") return;
    this._state = "closed";
    leaveAllRooms(this);
  }

  /** @internal How many acks this socket awaits (`maxPendingAcks` counts these). */
  get pendingAcks(): number {
    return this._acks?.size ?? 0;
  }

  /** @internal */
  registerAck(id: number, entry: AckEntry): void {
    if (this._acks === undefined) this._acks = new Map();
    this._acks.set(id, entry);
  }

  /** @internal */
  deleteAck(id: number): void {
    const acks = this._acks;
    if (acks === undefined) return;
    acks.delete(id);
    if (acks.size === 0) this._acks = undefined;
  }

  protected override outgoingListenersChanged(delta: 1 | -1): void {
    // Counted only while connected: _onconnect/_onclose account for listeners added before or kept after.
    if (this._state === "connected") this.nsp.outgoingListeners += delta;
  }

  protected override listenerFailed(error: unknown): void {
    this.nsp.server.reportError(error);
  }

  /** @internal Errors from ack callbacks run by timers. */
  reportError(error: unknown): void {
    this.nsp.server.reportError(error);
  }

  /** @internal Encode and send one packet of this socket (nothing once disconnected). */
  _send(packet: Packet, flags: BroadcastFlags): boolean {
    if (this._state !== "connected" && packet.type !== PacketType.CONNECT) return false;
    return this.conn.send(this.client.codec!.encode(packet), sendOptionsOf(flags));
  }

  private onEvent(packet: Packet): void {
    if (!admitEvent(this, packet.data as unknown[])) return;
    const recovery = this.nsp.recovery;
    if (recovery !== undefined && packet.mid !== undefined) {
      this.onRetriedEvent(packet, packet.mid, recovery.stores.dedup);
      return;
    }
    const data = packet.data as unknown[];
    const ack = packet.id === undefined ? undefined : ackResponder(this, packet.id, NO_FLAGS);
    this.deliverEvent(data, ack);
  }

  /** @internal `rateLimit` exceeded past `disconnectAfter`: a namespace disconnect, the connection stays. */
  _rateLimited(): void {
    this._send({ type: PacketType.DISCONNECT, nsp: this.nsp.name }, NO_FLAGS);
    this._onclose("rate limited");
  }

  /** An emit the client may retransmit (it carries a message id): its listeners run once per id, across retries. */
  private onRetriedEvent(packet: Packet, mid: string, window: Parameters<typeof runOnce>[0]): void {
    const data = packet.data as unknown[];
    const id = packet.id;
    runOnce(window, dedupWindowOf(this.nsp.name, mid, this.pid ?? this.id), mid, id !== undefined, {
      dispatch: (ack) => this.deliverEvent(data, ack),
      sendAck: (reply) => this._send({ type: PacketType.ACK, nsp: this.nsp.name, id: id!, data: [...reply] }, NO_FLAGS),
      reportError: (error) => this.nsp.server.reportError(error),
    });
  }

  private deliverEvent(data: unknown[], ack: ((...args: unknown[]) => void) | undefined): void {
    if (this._fns === undefined) {
      this.dispatchEvent(data, ack);
      return;
    }
    // Packet middlewares see the ack as the last element, as in Socket.IO.
    if (ack !== undefined) data.push(ack);
    this.runPacketMiddlewares(data);
  }

  private runPacketMiddlewares(data: unknown[]): void {
    runChain(
      this._fns!,
      data as [string, ...unknown[]],
      (err, how) => {
        // This may run from a timer (async middleware): keep listener errors inside the server.
        try {
          if (err === undefined) this.dispatchEvent(data);
          // `next(err)` is the app's decision (its "error" listener); a throw or rejection is a bug.
          else if (how === "next" && this.hasListeners("error")) this.dispatch("error", [err]);
          else this.nsp.server.reportError(err);
        } catch (error) {
          this.nsp.server.reportError(error);
        }
      },
      this,
      () => this._state === "connected",
    );
  }

  /** The socket went away: every pending ack learns it, even when an earlier callback throws. */
  private failAcks(acks: Map<number, AckEntry>): void {
    for (const entry of acks.values()) {
      try {
        entry.gone();
      } catch (error) {
        this.nsp.server.reportError(error);
      }
    }
  }

  private onAck(packet: Packet): void {
    const id = packet.id!;
    const entry = this._acks?.get(id);
    if (entry === undefined) return; // unknown, late (timed out) or duplicate: ignored
    this.deleteAck(id);
    entry.reply(packet.data as unknown[]);
  }
}
