import {
  type DefaultEventsMap,
  type EventNames,
  type EventParams,
  type EventsMap,
  type Packet,
  PACKET_ACK,
  PACKET_CONNECT,
  PACKET_DISCONNECT,
  PACKET_EVENT,
  RESERVED_EVENTS,
} from "@cometa/protocol";
import { resolveAuth } from "./auth.js";
import { createEmitOperator, type EmitOperator } from "./emit-operator.js";
import type { EngineCloseDetail } from "./engine/engine-contract.js";
import { ClientError, ConnectError } from "./errors.js";
import type { Manager, ManagerCloseReason } from "./manager.js";
import { createOutbox, DEFAULT_OFFLINE_BUFFER_SIZE, type Outbox } from "./outbox.js";
import { SocketListeners } from "./socket-listeners.js";
import type {
  AckEmitArgs,
  AckEventNames,
  AckResult,
  AuthOption,
  DecorateAcknowledgements,
  DisconnectReason,
  SocketOptions,
  SocketState,
  SocketStateChange,
  SocketStateReason,
} from "./socket-types.js";

export { DEFAULT_OFFLINE_BUFFER_SIZE };

/** The state-change channel, in the emitter's map under a key no event name can equal. */
const STATE = Symbol() as unknown as string;

/**
 * Most replayed events kept before CONNECT: the servers' default `maxReplay` (a longer replay makes the server
 * answer `recovered = false` anyway). Past it, the socket reports `recovered = false` instead of losing silently.
 */
const REPLAY_LIMIT = 10_000;

/**
 * A namespace socket: the object applications talk to. It joins one
 * namespace over its manager's connection, and rejoins after every
 * reconnection until it is disconnected deliberately or by the server.
 *
 * `Listen` is the map of events the server sends, `Emit` the map of events
 * this client sends (the same maps as the server's, swapped).
 * Its states are {@link SocketState}.
 *
 * @example
 * ```ts
 * const socket = connect<ServerToClient, ClientToServer>("https://example.com/chat", { auth: { token } });
 * socket.on("message", (text, at) => render(text, at));
 * const stored = await socket.timeout(5000).emitWithAck("send", "hello");
 * ```
 */
export class Socket<Listen extends EventsMap = DefaultEventsMap, Emit extends EventsMap = Listen> extends SocketListeners<Listen> {
  /** The manager (connection) this socket runs on. */
  readonly io: Manager;
  /** The namespace, e.g. `/` or `/admin`. */
  readonly nsp: string;
  /** Sent with each CONNECT; may be changed between reconnections. */
  auth: AuthOption | undefined;
  /**
   * Whether the last connection restored the previous session (connection
   * state recovery): same id, rooms and data, and every missed event was
   * delivered before `connect`. False after a fresh session: resync.
   */
  recovered = false;

  #state: SocketState = "inactive";
  #id: string | undefined;
  #pid: string | undefined;
  #lastOffset: string | undefined;
  /** The engine (connection) a CONNECT was sent on and not answered yet. */
  #connectingOn: unknown;
  /** Events received before the CONNECT reply (connection-state recovery replays them first). */
  #early: [args: unknown[], offset: string | undefined][] = [];
  /** The replay before CONNECT did not fit in `#early`: the session cannot count as recovered. */
  #earlyOverflow = false;
  readonly #outbox: Outbox;
  readonly #emitter: EmitOperator<Emit>;

  /** Created by `connect()` or `manager.socket(nsp)`; not meant to be constructed directly. */
  constructor(io: Manager, nsp: string, options: SocketOptions = {}) {
    super();
    this.io = io;
    this.nsp = nsp;
    this.auth = options.auth;
    this.#outbox = createOutbox(
      {
        nsp,
        isConnected: () => this.#state === "connected",
        transmit: (packet, volatile) => {
          const sent = this.io.send(packet, volatile);
          if (sent) this.notifyOutgoing(packet.data as unknown[]);
          return sent;
        },
      },
      options,
      io.options.clock,
      io.options.random,
    );
    this.#emitter = createEmitOperator((event, args, flags, errorFirst) => {
      if (RESERVED_EVENTS.has(event)) throw new ClientError("RESERVED_EVENT", `${event} is reserved`);
      this.#outbox.emit(event, args, flags, errorFirst);
    });
  }

  // ----- state ---------------------------------------------------------------

  /** Socket id given by the server for this namespace; undefined while not connected. */
  get id(): string | undefined {
    return this.#id;
  }

  /** Current state. */
  get state(): SocketState {
    return this.#state;
  }

  /** Connected to the namespace. */
  get connected(): boolean {
    return this.#state === "connected";
  }

  /** Not connected to the namespace. */
  get disconnected(): boolean {
    return !this.connected;
  }

  /** Connected or trying to (re)connect: false after a deliberate, server or final disconnect. */
  get active(): boolean {
    return this.#state !== "inactive";
  }

  /**
   * The connection-state-recovery offset of the event being dispatched (read
   * it inside a listener) and, after it, of the last event dispatched: where
   * that event sits in the server's log. An event the server did not log
   * (volatile, `local`) carries the position already reached, which may
   * repeat an earlier offset; one asking for an ack carries none and leaves
   * it as it was. Undefined without recovery, and until the first logged event.
   *
   * Compare it with the offset a server hands back from
   * `io.to(room).emitWithOffset(…)` to recognise the echo of your own write
   * (read-your-writes, docs/guides/delivery-guarantees.md).
   *
   * @example
   * ```ts
   * socket.on("message", (message) => timeline.place(message, socket.offset));
   * ```
   */
  get offset(): string | undefined {
    return this.#lastOffset;
  }

  /** Emits queued while disconnected (including `retries` emits not yet acknowledged). */
  get bufferedCount(): number {
    return this.#outbox.size;
  }

  /** Observe state transitions (a separate channel, so no event name is taken from the application). Returns an unsubscribe function. */
  onStateChange(listener: (change: SocketStateChange) => void): () => void {
    this.on(STATE, listener as never);
    return () => this.off(STATE, listener as never);
  }

  /** Join the namespace (opening the connection if needed). */
  connect(): this {
    if (this.#state === "inactive") this.#setState("connecting", "connect-called");
    if (this.io.state === "open") this._onOpen();
    else this.io.open();
    return this;
  }

  /** Alias of {@link Socket.connect}. */
  open(): this {
    return this.connect();
  }

  /** Leave the namespace; no reconnection follows. The connection closes when no socket uses it. */
  disconnect(): this {
    if (this.connected) this.io.send({ type: PACKET_DISCONNECT, nsp: this.nsp });
    this.#stop("client-disconnect", "io client disconnect");
    return this;
  }

  /** Alias of {@link Socket.disconnect}. */
  close(): this {
    return this.disconnect();
  }

  // ----- emitting ------------------------------------------------------------

  /**
   * Send an event. A trailing function is the ack callback. While
   * disconnected the packet waits in the offline buffer. Throws
   * `RESERVED_EVENT` for `connect`, `disconnect`, …
   */
  emit<Ev extends EventNames<Emit>>(event: Ev, ...args: EventParams<Emit, Ev>): this {
    this.#emitter.emit(event, ...args);
    return this;
  }

  /** `emit("message", ...args)`. */
  send(...args: EventParams<Emit, "message">): this {
    return this.emit("message", ...(args as EventParams<Emit, EventNames<Emit>>));
  }

  /** Send an event and resolve with the first ack argument. */
  emitWithAck<Ev extends AckEventNames<Emit>>(event: Ev, ...args: AckEmitArgs<Emit, Ev>): Promise<AckResult<Emit, Ev>> {
    return this.#emitter.emitWithAck(event, ...args);
  }

  /** Emit with an ack timeout: ack callbacks get an `Error` first (`ACK_TIMEOUT` on expiry). */
  timeout(ms: number): EmitOperator<Emit, DecorateAcknowledgements<Emit>> {
    return this.#emitter.timeout(ms);
  }

  /** Emit without buffering: dropped unless the socket is connected and the transport writable. */
  get volatile(): EmitOperator<Emit> {
    return this.#emitter.volatile;
  }

  /** Emit with the compression hint set or cleared. */
  compress(compress: boolean): EmitOperator<Emit> {
    return this.#emitter.compress(compress);
  }

  // ----- from the manager ------------------------------------------------------

  /** @internal The connection is open: send CONNECT if this socket wants to join. */
  _onOpen(): void {
    const engine = this.io.engine;
    // One CONNECT per namespace per connection: a second one makes the server drop the whole connection.
    if (this.#state !== "connecting" || this.#connectingOn === engine) return;
    this.#connectingOn = engine;
    // Both callbacks check that the connection they were meant for is still the current one (auth may be async).
    const current = () => this.io.engine === engine && this.#connectingOn === engine && this.#state === "connecting";
    resolveAuth(
      this.auth,
      (auth) => {
        if (!current()) return;
        // With connection state recovery, the server expects the session id and the last offset seen.
        // (Codecs write no payload for `data: undefined`.)
        const data = this.#pid === undefined ? auth : { pid: this.#pid, offset: this.#lastOffset, ...auth };
        // A replay is per attempt: what an attempt that never got its CONNECT buffered is sent again from the same
        // offset, so keeping it would deliver it twice.
        this.#early = [];
        this.#earlyOverflow = false;
        this.io.send({ type: PACKET_CONNECT, nsp: this.nsp, data });
      },
      (cause) => {
        if (current()) this.#refuse(new ClientError("AUTH_FAILED", undefined, cause));
      },
    );
  }

  /** @internal A packet for this namespace arrived (codecs deliver BINARY_EVENT/BINARY_ACK as EVENT/ACK). */
  _onPacket({ type, data, id }: Packet): void {
    if (type === PACKET_EVENT) this.#onEvent(data as unknown[], id);
    else if (type === PACKET_ACK) this.#outbox.resolveAck(id!, data as unknown[]);
    else if (type === PACKET_DISCONNECT) this.#stop("server-disconnect", "io server disconnect");
    else if (this.#state !== "connecting") return;
    else if (type === PACKET_CONNECT) this.#onConnected(data as { sid?: unknown; pid?: unknown } | undefined);
    else {
      // CONNECT_ERROR: `{message, data}` from Socket.IO v4 servers, a bare message from older ones.
      const body = (typeof data === "string" ? { message: data } : data) as { message?: unknown; data?: unknown } | undefined;
      this.#refuse(new ConnectError(String(body?.message ?? "connection refused"), body?.data));
    }
  }

  /** @internal A connection attempt failed. */
  _onError(err: Error): void {
    if (this.#state === "connecting") this.emitReserved("connect_error", err);
  }

  /** @internal The open connection ended; the manager will reconnect (or stop). */
  _onClose(reason: ManagerCloseReason, detail: EngineCloseDetail | undefined): void {
    this.#connectingOn = undefined;
    if (this.connected) {
      this.#setState("connecting", "connection-lost");
      this.#onDisconnected(reason, detail);
    }
  }

  /** @internal The manager stopped for good (closed, or gave up reconnecting). */
  _onStop(): void {
    // Normally the manager reports the lost connection first, but never leave a socket "connected".
    this.#stop("manager-stopped", "forced close", false);
  }

  // ----- internals -------------------------------------------------------------

  #onConnected(data: { sid?: unknown; pid?: unknown } | undefined): void {
    const { sid, pid } = data ?? {};
    if (typeof sid !== "string") {
      // A Socket.IO v2 server replies without a sid.
      this.emitReserved("connect_error", new ClientError("UNSUPPORTED_SERVER"));
      return;
    }
    this.#id = sid;
    // A replay larger than the client keeps before CONNECT lost events: say so, and the app resyncs.
    this.recovered = typeof pid === "string" && pid === this.#pid && !this.#earlyOverflow;
    this.#pid = typeof pid === "string" ? pid : undefined;
    this.#connectingOn = undefined;
    this.#setState("connected", "connect-accepted");
    const early = this.#early;
    this.#early = [];
    for (const [args, offset] of early) this.#dispatch(args, offset);
    this.#outbox.onConnected();
    this.emitReserved("connect");
  }

  /** The namespace refused us (CONNECT_ERROR, failing auth): stop, and release the connection. */
  #refuse(error: Error): void {
    this.#stop("connect-refused");
    this.emitReserved("connect_error", error);
    this.io.release();
  }

  /**
   * Go inactive. A connected socket also disconnects (`disconnect` with
   * `reason`); `release` closes the connection when no other socket uses it.
   */
  #stop(why: SocketStateReason, reason?: DisconnectReason, release = reason !== undefined): void {
    const wasConnected = this.connected;
    this.#connectingOn = undefined;
    if (!this.active) return;
    this.#setState("inactive", why);
    if (wasConnected) this.#onDisconnected(reason!, undefined);
    if (release) this.io.release();
  }

  /** Shared tail of every disconnection of a connected socket. */
  #onDisconnected(reason: DisconnectReason, detail: EngineCloseDetail | undefined): void {
    this.#id = undefined;
    this.emitReserved("disconnect", reason, detail);
    this.#outbox.onDisconnected();
  }

  #onEvent(data: unknown[], id: number | undefined): void {
    // Codecs check the event name; a server must not trigger our lifecycle events either way.
    if (!this.active || RESERVED_EVENTS.has(data[0] as string)) return;
    const args = data.slice();
    // Connection state recovery appends the offset as one extra trailing string to every logged event (never to
    // events with an ack id; PROTOCOL.md §4.7). Unlike socket.io-client, listeners never see it: it is ours to keep.
    const offset = id === undefined && this.#pid !== undefined && typeof args[args.length - 1] === "string" ? (args.pop() as string) : undefined;
    if (id !== undefined) {
      let sent = false; // at most one ACK per id
      args.push((...reply: unknown[]) => {
        if (!sent) this.io.send({ type: PACKET_ACK, nsp: this.nsp, id, data: reply });
        sent = true;
      });
    }
    if (this.connected) this.#dispatch(args, offset);
    else if (this.#early.length < REPLAY_LIMIT) this.#early.push([args, offset]); // before CONNECT: a recovery replay
    else this.#earlyOverflow = true;
  }

  /** Note an incoming event's recovery offset, then dispatch it `[name, ...args]` (only once it is handed over). */
  #dispatch(args: unknown[], offset: string | undefined): void {
    // Set just before the listeners run, so they can read `socket.offset`. Safe: dispatching is synchronous and
    // nothing else is dispatched meanwhile; the event counts as delivered from here on (a listener that throws
    // does not make it undelivered, and replaying it would repeat it to the listeners that did run). Events still
    // waiting in #early have not moved it. An empty offset means "none yet" (a Cometa server with a shared log
    // that has logged nothing so far).
    if (offset) this.#lastOffset = offset;
    this.dispatchEvent(args);
  }

  #setState(next: SocketState, reason: SocketStateReason): void {
    const from = this.#state;
    if (from === next) return;
    this.#state = next;
    this.emitReserved(STATE, { from, to: next, reason });
  }
}
