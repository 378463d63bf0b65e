import {
  type DefaultEventsMap,
  type EventNames,
  type EventParams,
  type EventsMap,
  type Packet,
  PacketType,
  RESERVED_EVENTS,
} from "@cometa/protocol";
import { resolveAuth } from "./auth.js";
import { normalizeBinary } from "./binary.js";
import { EmitOperator, type EmitFlags, NO_FLAGS } from "./emit-operator.js";
import { Emitter } from "./emitter.js";
import type { EngineCloseDetail } from "./engine/engine-contract.js";
import { ClientError, ConnectError, type ConnectionError } from "./errors.js";
import type { Manager, ManagerCloseReason } from "./manager.js";
import { OfflineBuffer } from "./offline-buffer.js";
import { Outbox } from "./outbox.js";
import { SocketListeners } from "./socket-listeners.js";
import type {
  AckEmitArgs,
  AckEventNames,
  AckResult,
  AuthData,
  DecorateAcknowledgements,
  DisconnectReason,
  SocketOptions,
  SocketState,
  SocketStateChange,
  SocketStateReason,
} from "./socket-types.js";

/** Default `offlineBufferSize`. */
export const DEFAULT_OFFLINE_BUFFER_SIZE = 1000;

/**
 * A namespace socket: the object applications talk to. It joins one
 * namespace over its manager's connection, and rejoins after every
 * reconnection until it is disconnected deliberately or by the server.
 *
 * `Listen` is the map of events the server sends, `Emit` the map of events
 * this client sends (the same maps as the server's, swapped).
 *
 * @example
 * ```ts
 * const socket = connect<ServerToClient, ClientToServer>("https://example.com/chat", { auth: { token } });
 * socket.on("message", (text, at) => render(text, at));
 * const stored = await socket.timeout(5000).emitWithAck("send", "hello");
 * ```
 */
export class Socket<
  Listen extends EventsMap = DefaultEventsMap,
  Emit extends EventsMap = Listen,
> extends SocketListeners<Listen> {
  /** The manager (connection) this socket runs on. */
  readonly io: Manager;
  /** The namespace, e.g. `/` or `/admin`. */
  readonly nsp: string;
  /** Sent with each CONNECT; may be changed between reconnections. */
  auth: SocketOptions["auth"];
  /** Whether the last connection restored the previous session (connection state recovery). */
  recovered = false;

  #state: SocketState = "inactive";
  #id: string | undefined;
  #pid: string | undefined;
  #lastOffset: string | undefined;
  /** Manager epoch for which a CONNECT was sent; -1 when none is pending. */
  #connectEpoch = -1;
  readonly #options: SocketOptions;
  readonly #stateListeners = new Emitter<{ change: (change: SocketStateChange) => void }>();
  readonly #outbox: Outbox;
  readonly #receiveBuffer: OfflineBuffer<unknown[]>;

  /** Created by `connect()` or `manager.socket(nsp)`; not meant to be constructed directly. */
  constructor(io: Manager, nsp: string, options: Partial<SocketOptions> = {}) {
    super();
    this.io = io;
    this.nsp = nsp;
    this.#options = {
      auth: options.auth,
      ackTimeout: options.ackTimeout,
      retries: options.retries ?? 0,
      offlineBufferSize: options.offlineBufferSize ?? DEFAULT_OFFLINE_BUFFER_SIZE,
    };
    this.auth = this.#options.auth;
    this.#receiveBuffer = new OfflineBuffer(this.#options.offlineBufferSize);
    this.#outbox = new Outbox(
      {
        nsp,
        isConnected: () => this.#state === "connected",
        transmit: (packet, volatile) => this.#transmit(packet, volatile),
      },
      this.#options,
      io.options.clock,
      io.options.random,
    );
    io.attach(nsp, {
      isActive: () => this.#state !== "inactive",
      onOpen: () => this.#onOpen(),
      onPacket: (packet) => this.#onPacket(packet),
      onError: (err) => this.#onError(err),
      onClose: (reason, detail) => this.#onConnectionLost(reason, detail),
      onStop: () => this.#onStop(),
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
    return this.#state !== "connected";
  }

  /** Connected or trying to (re)connect: false after a deliberate, server or final disconnect. */
  get active(): boolean {
    return this.#state !== "inactive";
  }

  /** Emits queued while disconnected (including `retries` emits not yet acknowledged). */
  get bufferedCount(): number {
    return this.#outbox.size;
  }

  /** Observe state transitions (a separate channel, so no event name is taken from the application). Returns an unsubscribe function. */
  onStateChange(listener: (change: SocketStateChange) => void): () => void {
    this.#stateListeners.on("change", listener);
    return () => this.#stateListeners.off("change", listener);
  }

  /** Join the namespace (opening the connection if needed). */
  connect(): this {
    if (this.#state === "connected") return this;
    if (this.#state === "inactive") this.#setState("connecting", "connect-called");
    if (this.io.state === "open") this.#sendConnect();
    else this.io.open();
    return this;
  }

  /** Alias of {@link Socket.connect}. */
  open(): this {
    return this.connect();
  }

  /** Leave the namespace; no reconnection follows. The connection closes when no socket uses it. */
  disconnect(): this {
    const wasConnected = this.#state === "connected";
    if (wasConnected) this.io.send({ type: PacketType.DISCONNECT, nsp: this.nsp });
    if (this.#state === "inactive") return this;
    this.#setState("inactive", "client-disconnect");
    if (wasConnected) this.#onDisconnected("io client disconnect", undefined);
    this.io.release();
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
    this.#flaggedEmit(event, args, NO_FLAGS, false);
    return this;
  }

  /** `emit("message", ...args)`. */
  send(...args: EventParams<Emit, "message">): this {
    this.#flaggedEmit("message", args, NO_FLAGS, false);
    return this;
  }

  /** Send an event and resolve with the first ack argument. */
  emitWithAck<Ev extends AckEventNames<Emit>>(event: Ev, ...args: AckEmitArgs<Emit, Ev>): Promise<AckResult<Emit, Ev>> {
    return new EmitOperator<Emit>(this.#flaggedEmit, NO_FLAGS).emitWithAck(event, ...args);
  }

  /** Emit with an ack timeout: ack callbacks get an `Error` first (`ACK_TIMEOUT` on expiry). */
  timeout(ms: number): EmitOperator<Emit, DecorateAcknowledgements<Emit>> {
    return new EmitOperator(this.#flaggedEmit, { ...NO_FLAGS, timeout: ms });
  }

  /** Emit without buffering: dropped unless the socket is connected and the transport writable. */
  get volatile(): EmitOperator<Emit> {
    return new EmitOperator(this.#flaggedEmit, { ...NO_FLAGS, volatile: true });
  }

  /** Emit with the compression hint set or cleared. */
  compress(compress: boolean): EmitOperator<Emit> {
    return new EmitOperator(this.#flaggedEmit, { ...NO_FLAGS, compress });
  }

  readonly #flaggedEmit = (event: string, args: unknown[], flags: EmitFlags, errorFirst: boolean): void => {
    if (RESERVED_EVENTS.has(event)) throw new ClientError("RESERVED_EVENT", `"${event}" is a reserved event name`);
    this.#outbox.emit(event, args, flags, errorFirst);
  };

  /** Send now; false when the manager could not. */
  #transmit(packet: Packet, volatile: boolean): boolean {
    const sent = this.io.send(packet, volatile);
    if (sent) this.notifyOutgoing(packet.data as unknown[]);
    return sent;
  }

  // ----- connection lifecycle ------------------------------------------------

  #onOpen(): void {
    if (this.#state === "connecting") this.#sendConnect();
  }

  #sendConnect(): void {
    const epoch = this.io.epoch;
    // One CONNECT per namespace per connection: a second one makes the server drop the whole connection.
    if (this.#connectEpoch === epoch) return;
    this.#connectEpoch = epoch;
    // Both callbacks check that the connection they were meant for is still the current one.
    const current = () => this.io.epoch === epoch && this.#connectEpoch === epoch && this.#state === "connecting";
    resolveAuth(
      this.auth,
      (data) => {
        if (current()) this.#writeConnect(data);
      },
      (cause) => {
        if (!current()) return;
        this.#connectEpoch = -1;
        this.#setState("inactive", "connect-refused");
        this.emitReserved("connect_error", new ClientError("AUTH_FAILED", "the auth function failed", { cause }));
        this.io.release();
      },
    );
  }

  #writeConnect(auth: AuthData | undefined): void {
    // With connection state recovery, the server expects the session id and the last offset seen.
    const data = this.#pid === undefined ? auth : { pid: this.#pid, offset: this.#lastOffset, ...auth };
    const packet: Packet = { type: PacketType.CONNECT, nsp: this.nsp };
    if (data !== undefined) packet.data = data;
    this.io.send(packet);
  }

  #onPacket(packet: Packet): void {
    switch (packet.type) {
      case PacketType.CONNECT:
        this.#onConnectReply(packet.data);
        break;
      case PacketType.EVENT:
      case PacketType.BINARY_EVENT:
        this.#onEvent(packet);
        break;
      case PacketType.ACK:
      case PacketType.BINARY_ACK:
        if (packet.id !== undefined && Array.isArray(packet.data)) this.#outbox.resolveAck(packet.id, packet.data);
        break;
      case PacketType.DISCONNECT:
        this.#onServerDisconnect();
        break;
      case PacketType.CONNECT_ERROR:
        this.#onConnectError(packet.data);
        break;
    }
  }

  #onConnectReply(data: unknown): void {
    if (this.#state !== "connecting") return;
    const reply = (typeof data === "object" && data !== null ? data : {}) as { sid?: unknown; pid?: unknown };
    if (typeof reply.sid !== "string") {
      const message = "the server speaks Socket.IO v2, which this client does not support";
      this.emitReserved("connect_error", new ConnectError(message, undefined, "UNSUPPORTED_SERVER"));
      return;
    }
    const pid = typeof reply.pid === "string" ? reply.pid : undefined;
    this.#id = reply.sid;
    this.recovered = pid !== undefined && pid === this.#pid;
    this.#pid = pid;
    this.#connectEpoch = -1;
    this.#setState("connected", "connect-accepted");
    for (const args of this.#receiveBuffer.drain()) this.#dispatch(args);
    this.#outbox.onConnected();
    this.emitReserved("connect");
  }

  #onConnectError(data: unknown): void {
    if (this.#state !== "connecting") return;
    const body = (typeof data === "object" && data !== null ? data : { message: data }) as {
      message?: unknown;
      data?: unknown;
    };
    const message = typeof body.message === "string" ? body.message : "connection refused";
    this.#connectEpoch = -1;
    this.#setState("inactive", "connect-refused");
    this.emitReserved("connect_error", new ConnectError(message, body.data));
    this.io.release();
  }

  #onServerDisconnect(): void {
    const wasConnected = this.#state === "connected";
    if (this.#state === "inactive") return;
    this.#connectEpoch = -1;
    this.#setState("inactive", "server-disconnect");
    if (wasConnected) this.#onDisconnected("io server disconnect", undefined);
    this.io.release();
  }

  #onError(err: ConnectionError): void {
    if (this.#state === "connecting") this.emitReserved("connect_error", err);
  }

  #onConnectionLost(reason: ManagerCloseReason, detail: EngineCloseDetail | undefined): void {
    this.#connectEpoch = -1;
    if (this.#state !== "connected") return;
    this.#setState("connecting", "connection-lost");
    this.#onDisconnected(reason, detail);
  }

  #onStop(): void {
    this.#connectEpoch = -1;
    if (this.#state === "connected") {
      // Not expected (the manager reports the lost connection first), but never leave a socket "connected".
      this.#setState("inactive", "manager-stopped");
      this.#onDisconnected("forced close", undefined);
      return;
    }
    if (this.#state === "connecting") this.#setState("inactive", "manager-stopped");
  }

  /** Shared tail of every disconnection of a connected socket. */
  #onDisconnected(reason: DisconnectReason, detail: EngineCloseDetail | undefined): void {
    this.#id = undefined;
    this.emitReserved("disconnect", reason, detail);
    this.#outbox.onDisconnected();
  }

  // ----- incoming events -----------------------------------------------------

  #onEvent(packet: Packet): void {
    if (this.#state === "inactive") return;
    const data = packet.data;
    if (!Array.isArray(data) || data.length === 0) return;
    const name = data[0];
    if ((typeof name !== "string" && typeof name !== "number") || RESERVED_EVENTS.has(String(name))) return;
    const args = data.slice();
    if (packet.id !== undefined) args.push(this.#ackFunction(packet.id));
    if (this.#state === "connected") this.#dispatch(args);
    else this.#receiveBuffer.push(args); // before CONNECT (recovery replay); overflow is dropped
  }

  #dispatch(args: unknown[]): void {
    this.dispatchEvent(args);
    // Connection state recovery appends the offset as the last argument (PROTOCOL.md §4.7).
    const last = args[args.length - 1];
    if (this.#pid !== undefined && typeof last === "string") this.#lastOffset = last;
  }

  #ackFunction(id: number): (...reply: unknown[]) => void {
    let sent = false;
    return (...reply: unknown[]) => {
      if (sent) return; // at most one ACK per id
      sent = true;
      this.io.send({ type: PacketType.ACK, nsp: this.nsp, id, data: normalizeBinary(reply) });
    };
  }

  #setState(next: SocketState, reason: SocketStateReason): void {
    const from = this.#state;
    if (from === next) return;
    this.#state = next;
    this.#stateListeners.emit("change", { from, to: next, reason });
  }
}
