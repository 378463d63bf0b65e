import { type Frame, type Packet, type PacketDecoder, ProtocolError } from "@cometa/protocol";
import { Emitter } from "./emitter.js";
import type { ClientEngine, EngineCloseDetail, EngineCloseReason } from "./engine/engine-contract.js";
import { ConnectionError } from "./errors.js";
import type { ManagerEvents, ManagerOptions, ManagerState, ManagerStateReason } from "./manager-types.js";
import { reportError } from "./report-error.js";
import { createRetryTimer, type RetryTimer } from "./retry-timer.js";
import { Socket } from "./socket.js";
import type { SocketOptions } from "./socket-types.js";

export type {
  EngineFactory,
  ManagerCloseReason,
  ManagerEvents,
  ManagerOptions,
  ManagerState,
  ManagerStateChange,
  ManagerStateReason,
} from "./manager-types.js";

/**
 * One connection to a Socket.IO server, shared by the sockets of every
 * namespace on that URL. Applications get it as `socket.io`.
 *
 * @example
 * ```ts
 * const socket = connect("https://example.com/chat");
 * socket.io.on("reconnect_attempt", (n) => console.log("attempt", n));
 * socket.io.on("state", ({ from, to, reason }) => console.debug(from, "→", to, reason));
 * ```
 */
export class Manager extends Emitter<ManagerEvents> {
  /** Resolved options. */
  readonly options: ManagerOptions;
  #state: ManagerState = "closed";
  #engine: ClientEngine | undefined;
  #decoder: PacketDecoder | undefined;
  /** False after close(): no reconnection until the next open(). */
  #wanted = false;
  readonly #retry: RetryTimer;
  readonly #sockets = new Map<string, Socket>();

  constructor(options: ManagerOptions) {
    super();
    this.options = options;
    this.#retry = createRetryTimer(options.clock, options, options.random, () => this.#onRetryDue());
  }

  /** Current state. */
  get state(): ManagerState {
    return this.#state;
  }

  /** The engine of the current connection attempt, if any. */
  get engine(): ClientEngine | undefined {
    return this.#engine;
  }

  /** Whether the reconnect loop is running (waiting, or opening after a failure). */
  get reconnecting(): boolean {
    return this.#retry.attempts > 0 && (this.#state === "waiting" || this.#state === "opening");
  }

  /**
   * The socket for namespace `nsp` on this connection, created on first use.
   * A socket that was disconnected is reconnected when `autoConnect` is on.
   */
  // biome-ignore lint/suspicious/noExplicitAny: untyped by default, typed by the caller
  socket<L extends Record<string, any> = any, E extends Record<string, any> = L>(nsp: string, options: SocketOptions = {}): Socket<L, E> {
    let socket = this.#sockets.get(nsp);
    if (socket === undefined) {
      socket = new Socket(this, nsp, options);
      this.#sockets.set(nsp, socket);
    }
    if (this.options.autoConnect && !socket.active) socket.connect();
    return socket as unknown as Socket<L, E>;
  }

  /** Whether a socket for namespace `nsp` was created on this manager. */
  hasSocket(nsp: string): boolean {
    return this.#sockets.has(nsp);
  }

  /** Start connecting (no-op while connecting, connected or waiting to reconnect). */
  open(): this {
    this.#wanted = true;
    if (this.#state === "closed") this.#startAttempt("open-requested");
    return this;
  }

  /**
   * Close the connection and stop reconnecting. Sockets see `disconnect`
   * with reason `"forced close"` and become inactive.
   */
  close(): this {
    this.#wanted = false;
    this.#retry.reset();
    const from = this.#state;
    if (from === "closed") return this;
    this.#dropEngine();
    this.#setState("closed", "client-close");
    if (from === "open") this.#onClosed("forced close");
    this.#stopSockets();
    return this;
  }

  /** Alias of {@link Manager.close}. */
  disconnect(): this {
    return this.close();
  }

  /**
   * @internal Encode and send a packet on the open connection. Returns false
   * when it was not sent (not open, or the engine dropped it).
   */
  send(packet: Packet, volatile?: boolean): boolean {
    // The engine is gone (but the state still "open") while sockets hear about a lost connection.
    return this.#state === "open" && this.#engine?.send(this.options.codec.encode(packet), { volatile }) === true;
  }

  /** @internal A socket went inactive: close the connection when no socket is active any more. */
  release(): void {
    if (!this.#socketList().some((socket) => socket.active)) this.close();
  }

  #startAttempt(reason: ManagerStateReason): void {
    const { options } = this;
    const engine = options.createEngine(options);
    this.#engine = engine;
    // Every handler checks it still belongs to the current engine: a dropped
    // engine may call back late, and must not disturb its successor.
    const current = () => this.#engine === engine;
    engine.onOpen = () => current() && this.#onEngineOpen();
    engine.onMessage = (frame) => current() && this.#onEngineMessage(frame);
    engine.onClose = (why, detail) => current() && this.#onEngineClose(why, detail);
    engine.onTransport = (name) => current() && this.emitReserved("transport", name);
    this.#setState("opening", reason);
    // The engine enforces the `timeout` option (its HANDSHAKE_TIMEOUT becomes CONNECT_TIMEOUT).
    engine.open();
  }

  #onEngineOpen(): void {
    this.#decoder = this.options.codec.createDecoder();
    const attempts = this.#retry.attempts;
    this.#retry.reset();
    this.#setState("open", "handshake");
    this.emitReserved("open");
    for (const socket of this.#socketList()) socket._onOpen();
    if (attempts > 0) this.emitReserved("reconnect", attempts);
  }

  #onEngineMessage(frame: Frame): void {
    const packet = this.#decoder?.add(frame);
    if (packet instanceof ProtocolError) {
      this.#dropEngine();
      this.#onEngineClose("parse error", { error: packet });
      return;
    }
    try {
      // Packets for namespaces we never joined are ignored, as in socket.io-client.
      if (packet !== undefined) this.#sockets.get(packet.nsp)?._onPacket(packet);
    } catch (err) {
      // A throwing application listener must not tear down the engine's read
      // loop; surface it as an uncaught error instead, like socket.io-client does.
      reportError(err);
    }
  }

  /** The engine closed (or was dropped): a failed attempt before the handshake, a lost connection after it. */
  #onEngineClose(reason: EngineCloseReason, detail: EngineCloseDetail | undefined): void {
    const from = this.#state;
    let why: ManagerStateReason = reason === "parse error" ? "parse-error" : "connection-lost";
    this.#engine = this.#decoder = undefined;
    if (from === "opening") {
      const error = new ConnectionError(reason, detail);
      const reconnecting = this.#retry.attempts > 0;
      why = error.reason === "timeout" ? "connect-timeout" : "connect-failed";
      this.emitReserved("error", error);
      for (const socket of this.#socketList()) socket._onError(error);
      if (reconnecting) this.emitReserved("reconnect_error", error);
    } else this.#onClosed(reason, detail);
    // A listener may have called close() meanwhile.
    if (this.#state === from) this.#scheduleRetry(why, detail);
  }

  #onClosed(reason: EngineCloseReason | "forced close", detail?: EngineCloseDetail): void {
    this.emitReserved("close", reason, detail);
    for (const socket of this.#socketList()) socket._onClose(reason, detail);
  }

  #scheduleRetry(why: ManagerStateReason, detail: EngineCloseDetail | undefined): void {
    const { options } = this;
    const wanted = options.reconnection && this.#wanted;
    if (wanted && this.#retry.attempts < options.reconnectionAttempts) {
      this.#retry.schedule(detail?.retryAfterMs);
      this.#setState("waiting", why);
      return;
    }
    this.#retry.reset();
    this.#setState("closed", wanted ? "attempts-exhausted" : "reconnection-disabled");
    if (wanted) this.emitReserved("reconnect_failed");
    this.#stopSockets();
  }

  #onRetryDue(): void {
    this.emitReserved("reconnect_attempt", this.#retry.attempts);
    // A reconnect_attempt listener may have called close().
    if (this.#state === "waiting") this.#startAttempt("retry-due");
  }

  #stopSockets(): void {
    for (const socket of this.#socketList()) socket._onStop();
  }

  /** Detach from the current engine and close it without hearing its callbacks. */
  #dropEngine(): void {
    const engine = this.#engine;
    this.#engine = this.#decoder = undefined;
    engine?.close();
  }

  /** A snapshot, since a socket may change while being notified. */
  #socketList(): Socket[] {
    return [...this.#sockets.values()];
  }

  #setState(next: ManagerState, reason: ManagerStateReason): void {
    const from = this.#state;
    if (from === next) return;
    this.#state = next;
    this.emitReserved("state", { from, to: next, reason });
  }
}
