import { type Frame, type HandshakeData, type Packet, type PacketDecoder, ProtocolError } from "@cometa/protocol";
import type { TimerHandle } from "./clock.js";
import { Emitter } from "./emitter.js";
import type { ClientEngine, EngineCloseDetail, EngineCloseReason } from "./engine/engine-contract.js";
import { ConnectionError } from "./errors.js";
import type {
  ManagerEvents,
  ManagerOptions,
  ManagerState,
  ManagerStateReason,
} from "./manager-types.js";
import { reportError } from "./report-error.js";
import { RetryTimer } from "./retry-timer.js";
import { Socket } from "./socket.js";
import type { NamespaceLink, SocketOptions } from "./socket-types.js";

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
export class Manager {
  /** Resolved options. */
  readonly options: ManagerOptions;
  #state: ManagerState = "closed";
  #engine: ClientEngine | undefined;
  #decoder: PacketDecoder | undefined;
  #connectTimer: TimerHandle | undefined;
  /** False after close(): no reconnection until the next open(). */
  #wanted = false;
  #epoch = 0;
  readonly #events = new Emitter<ManagerEvents>();
  readonly #retry: RetryTimer;
  readonly #sockets = new Map<string, Socket>();
  readonly #links = new Map<string, NamespaceLink>();

  constructor(options: ManagerOptions) {
    this.options = options;
    this.#retry = new RetryTimer(options.clock, options.backoff, options.random, () => this.#onRetryDue());
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
    return this.#retry.attempts > 0 && this.#state !== "open" && this.#state !== "closed";
  }

  /**
   * Increases every time a connection opens. Sockets use it to ignore an async
   * `auth` result that arrives after the connection it was meant for.
   */
  get epoch(): number {
    return this.#epoch;
  }

  /** Add a listener. */
  on<E extends keyof ManagerEvents>(event: E, listener: ManagerEvents[E]): this {
    this.#events.on(event, listener);
    return this;
  }

  /** Add a one-shot listener. */
  once<E extends keyof ManagerEvents>(event: E, listener: ManagerEvents[E]): this {
    this.#events.once(event, listener);
    return this;
  }

  /** Remove a listener (or all listeners of an event, or all). */
  off<E extends keyof ManagerEvents>(event?: E, listener?: ManagerEvents[E]): this {
    this.#events.off(event, listener);
    return this;
  }

  /**
   * The socket for namespace `nsp` on this connection, created on first use.
   * A socket that was disconnected is reconnected when `autoConnect` is on.
   */
  // biome-ignore lint/suspicious/noExplicitAny: untyped by default, typed by the caller
  socket<L extends Record<string, any> = any, E extends Record<string, any> = L>(
    nsp: string,
    options: Partial<SocketOptions> = {},
  ): Socket<L, E> {
    const existing = this.#sockets.get(nsp);
    if (existing !== undefined) {
      if (this.options.autoConnect && !existing.active) existing.connect();
      return existing as unknown as Socket<L, E>;
    }
    const socket = new Socket<L, E>(this, nsp, options);
    this.#sockets.set(nsp, socket as unknown as Socket);
    if (this.options.autoConnect) socket.connect();
    return socket;
  }

  /** Whether a socket for namespace `nsp` was created on this manager. */
  hasSocket(nsp: string): boolean {
    return this.#sockets.has(nsp);
  }

  /** Start connecting (no-op while connecting, connected or waiting to reconnect). */
  open(): this {
    this.#wanted = true;
    if (this.#state !== "closed") return this;
    this.#startAttempt("open-requested");
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
    if (from === "open") {
      this.#events.emit("close", "forced close");
      for (const link of this.#linkList()) link.onClose("forced close", undefined);
    }
    for (const link of this.#linkList()) link.onStop();
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
  send(packet: Packet, volatile = false): boolean {
    const engine = this.#engine;
    if (this.#state !== "open" || engine === undefined) return false;
    const frames = this.options.codec.encode(packet);
    return engine.send(frames, volatile ? { volatile: true } : undefined);
  }

  /** @internal A socket registers how the manager reaches it. */
  attach(nsp: string, link: NamespaceLink): void {
    this.#links.set(nsp, link);
  }

  /** @internal A socket went inactive: close the connection when no socket is active any more. */
  release(): void {
    for (const link of this.#links.values()) if (link.isActive()) return;
    this.close();
  }

  #startAttempt(reason: ManagerStateReason): void {
    const engine = this.options.createEngine({ ...this.options.engine, clock: this.options.clock });
    this.#engine = engine;
    // Every handler checks it still belongs to the current engine: a closed
    // engine may call back late, and must not disturb its successor.
    engine.onOpen = (handshake) => {
      if (this.#engine === engine) this.#onEngineOpen(handshake);
    };
    engine.onMessage = (frame) => {
      if (this.#engine === engine) this.#onEngineMessage(frame);
    };
    engine.onClose = (why, detail) => {
      if (this.#engine === engine) this.#onEngineClose(why, detail);
    };
    engine.onTransport = (name) => {
      if (this.#engine === engine) this.#events.emit("transport", name);
    };
    this.#setState("opening", reason);
    const timeout = this.options.timeout;
    if (timeout > 0 && Number.isFinite(timeout)) {
      this.#connectTimer = this.options.clock.setTimeout(() => this.#onConnectTimeout(), timeout);
    }
    engine.open();
  }

  #onEngineOpen(_handshake: HandshakeData): void {
    if (this.#state !== "opening") return;
    this.#clearConnectTimer();
    this.#decoder = this.options.codec.createDecoder();
    const attempts = this.#retry.attempts;
    this.#retry.reset();
    this.#epoch++;
    this.#setState("open", "handshake");
    this.#events.emit("open");
    for (const link of this.#linkList()) link.onOpen();
    if (attempts > 0) this.#events.emit("reconnect", attempts);
  }

  #onEngineMessage(frame: Frame): void {
    const decoder = this.#decoder;
    if (decoder === undefined) return;
    const result = decoder.add(frame);
    if (result === undefined) return;
    if (result instanceof ProtocolError) {
      this.#dropEngine();
      this.#onConnectionLost("parse error", { error: result }, "parse-error");
      return;
    }
    const link = this.#links.get(result.nsp);
    if (link === undefined) return; // packets for namespaces we never joined are ignored, as in socket.io-client
    try {
      link.onPacket(result);
    } catch (err) {
      // A throwing application listener must not tear down the engine's read
      // loop; surface it as an uncaught error instead, like socket.io-client does.
      reportError(err);
    }
  }

  #onEngineClose(reason: EngineCloseReason, detail: EngineCloseDetail | undefined): void {
    const from = this.#state;
    this.#engine = undefined;
    this.#decoder = undefined;
    this.#clearConnectTimer();
    if (from === "opening") this.#onAttemptFailed(new ConnectionError(reason, detail), "connect-failed");
    else if (from === "open") this.#onConnectionLost(reason, detail, "connection-lost");
  }

  #onConnectTimeout(): void {
    this.#connectTimer = undefined;
    if (this.#state !== "opening") return;
    this.#dropEngine();
    this.#onAttemptFailed(new ConnectionError("timeout"), "connect-timeout");
  }

  /** A connection attempt ended before the handshake. */
  #onAttemptFailed(error: ConnectionError, reason: ManagerStateReason): void {
    const reconnecting = this.#retry.attempts > 0;
    this.#events.emit("error", error);
    for (const link of this.#linkList()) link.onError(error);
    if (reconnecting) this.#events.emit("reconnect_error", error);
    // A listener may have called close() meanwhile.
    if (this.#state !== "opening") return;
    this.#scheduleRetry(reason, error.detail?.retryAfterMs);
  }

  /** An open connection ended. */
  #onConnectionLost(reason: EngineCloseReason, detail: EngineCloseDetail | undefined, why: ManagerStateReason): void {
    this.#events.emit("close", reason, detail);
    for (const link of this.#linkList()) link.onClose(reason, detail);
    if (this.#state !== "open") return;
    this.#scheduleRetry(why, detail?.retryAfterMs);
  }

  #scheduleRetry(why: ManagerStateReason, retryAfterMs: number | undefined): void {
    if (!this.options.reconnection || !this.#wanted) {
      this.#setState("closed", "reconnection-disabled");
      this.#stopLinks();
      return;
    }
    if (this.#retry.attempts >= this.options.reconnectionAttempts) {
      this.#retry.reset();
      this.#setState("closed", "attempts-exhausted");
      this.#events.emit("reconnect_failed");
      this.#stopLinks();
      return;
    }
    this.#retry.schedule(retryAfterMs);
    this.#setState("waiting", why);
  }

  #onRetryDue(): void {
    if (this.#state !== "waiting") return;
    this.#events.emit("reconnect_attempt", this.#retry.attempts);
    // A reconnect_attempt listener may have called close().
    if (this.#state !== "waiting") return;
    this.#startAttempt("retry-due");
  }

  #stopLinks(): void {
    for (const link of this.#linkList()) link.onStop();
  }

  /** Detach from the current engine and close it without hearing its callbacks. */
  #dropEngine(): void {
    this.#clearConnectTimer();
    const engine = this.#engine;
    this.#engine = undefined;
    this.#decoder = undefined;
    engine?.close();
  }

  #clearConnectTimer(): void {
    if (this.#connectTimer === undefined) return;
    this.options.clock.clearTimeout(this.#connectTimer);
    this.#connectTimer = undefined;
  }

  /** A snapshot, since a link may detach or change while being notified. */
  #linkList(): NamespaceLink[] {
    return [...this.#links.values()];
  }

  #setState(next: ManagerState, reason: ManagerStateReason): void {
    const from = this.#state;
    if (from === next) return;
    this.#state = next;
    this.#events.emit("state", { from, to: next, reason });
  }
}
