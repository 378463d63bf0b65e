import type {
  AllButLast,
  Codec,
  DecorateAcknowledgementsWithMultipleResponses,
  DefaultEventsMap,
  EventNames,
  EventNamesWithAck,
  EventParams,
  EventsMap,
  FirstAckArg,
  Frame,
  ReservedOrUserEventNames,
  ReservedOrUserListener,
} from "@cometa/protocol";
import type { BroadcastOperator } from "./broadcast-operator.js";
import { Client } from "./client.js";
import type { Clock } from "./clock.js";
import type { Room } from "./cluster/adapter.js";
import { ClusterAdapter } from "./cluster/cluster-adapter.js";
import type { RemoteSocket } from "./cluster/remote-socket.js";
import { ConnectDeadlines } from "./connect-deadlines.js";
import type { Listener } from "./emitter.js";
import type { EngineConnection, EngineServer } from "./engine/engine-connection.js";
import { ServerError } from "./errors.js";
import type { Middleware, Namespace } from "./namespace.js";
import { NamespaceRegistry } from "./namespace-registry.js";
import type { NamespaceMatcher, ParentNamespace } from "./parent-namespace.js";
import { isThenable } from "./rejection.js";
import type { ServerReservedEvents } from "./reserved-events.js";
import { createRecovery, type Recovery } from "./recovery/recovery.js";
import { detectCodec, type ResolvedServerOptions, resolveServerOptions, type ServerOptions } from "./server-options.js";
import type { Socket } from "./socket.js";
import { createTopicPrefix } from "./topic.js";
import { createUwsApp, listen, mountEngine, type UwsApp } from "./uws/index.js";

/** Lifecycle of a server: created, bound to an engine, closed. */
type ServerState = "idle" | "bound" | "closed";

/**
 * The Socket.IO server: namespaces, middlewares and broadcasting on top of an
 * Engine.IO server. The methods of the main namespace (`/`) are available on
 * the server itself, as in Socket.IO.
 *
 * Type parameters, as in Socket.IO: events the clients send, events the server
 * sends, events between servers of a cluster, and the type of `socket.data`.
 *
 * @example
 * ```ts
 * interface ClientToServer { chat(text: string, ack: (ok: boolean) => void): void }
 * interface ServerToClient { chat(from: string, text: string): void }
 * const io = createServer<ClientToServer, ServerToClient>({ codec: "auto" });
 * io.on("connection", (socket) => {
 *   socket.on("chat", (text, ack) => { io.emit("chat", socket.id, text); ack(true); });
 * });
 * await io.listen(3000);
 * ```
 */
export class Server<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = ListenEvents,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  // biome-ignore lint/suspicious/noExplicitAny: untyped by default, like Socket.IO
  SocketData = any,
> {
  /** The main namespace, `/`. */
  readonly sockets: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  /** Options of the Socket.IO layer, defaults applied. */
  readonly options: ResolvedServerOptions;
  /** @internal Connection state recovery, when enabled. */
  readonly recovery: Recovery | undefined;
  /** The options as given (the engine reads its own from them). */
  readonly rawOptions: ServerOptions;
  /** @internal Prefix of this server's engine topics. */
  readonly topicPrefix = createTopicPrefix();
  /** The Engine.IO server, once bound. */
  engine: EngineServer | undefined = undefined;
  /** @internal The `connectTimeout` of every connection, on one timer. */
  readonly _connectDeadlines: ConnectDeadlines;
  private state: ServerState = "idle";
  private readonly registry: NamespaceRegistry<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  /** Engine-level resources to release on close (listen socket, …). */
  private readonly closers: (() => void | Promise<void>)[] = [];

  constructor(options: ServerOptions = {}) {
    this.rawOptions = options;
    this.options = resolveServerOptions(options);
    this.recovery = createRecovery(options.connectionStateRecovery, this.options.clock, (error) => this.reportError(error));
    this._connectDeadlines = new ConnectDeadlines(this.options.clock, this.options.connectTimeout);
    this.registry = new NamespaceRegistry(this, (nsp) => {
      // The main namespace announces the others (it does not exist yet while "/" itself is created).
      if (nsp.name !== "/") this.sockets._notify("new_namespace", [nsp]);
    });
    this.sockets = this.of("/");
    if (this.recovery !== undefined && this.recovery.stores.feed === undefined && this.sockets.adapter instanceof ClusterAdapter) {
      // Memory stores keep one log per process: offsets from another instance mean nothing here, and its events
      // could not be replayed. Refuse the combination instead of recovering half of the traffic.
      void this.sockets.adapter.close();
      throw new ServerError(
        "INVALID_ARGUMENT",
        "connectionStateRecovery with the default memory stores works on one instance only: with a cluster adapter, pass stores: redisRecoveryStores(redis) (from @cometa/redis)",
      );
    }
  }

  /** @internal */
  get clock(): Clock {
    return this.options.clock;
  }

  /** @internal The codec of every connection, or undefined with `codec: "auto"`. */
  get fixedCodec(): Codec | undefined {
    return this.options.codec === "auto" ? undefined : this.options.codec;
  }

  /** @internal The codec of an `auto` connection, from its first frame. */
  detectCodec(frame: Frame): Codec {
    return detectCodec(frame);
  }

  /**
   * Get or create a namespace. A RegExp or a function creates a parent of
   * dynamic namespaces instead: matching names are created on their first
   * CONNECT. `fn`, if given, is added as a `connection` listener.
   *
   * @throws ServerError `INVALID_NAMESPACE_NAME` for a name with control characters or over 256 characters.
   */
  of(
    name: RegExp | NamespaceMatcher,
    fn?: (socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) => void,
  ): ParentNamespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  of(
    name: string,
    fn?: (socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) => void,
  ): Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  of(
    name: string | RegExp | NamespaceMatcher,
    fn?: (socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) => void,
  ): Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
    const nsp = typeof name === "string" ? this.registry.get(name) : this.registry.addParent(name);
    if (fn !== undefined) nsp.on("connection", fn);
    return nsp;
  }

  /** Add a connection middleware to the main namespace. */
  use(fn: Middleware<Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>): this {
    this.sockets.use(fn);
    return this;
  }

  /** Listen on the main namespace (`connection`, server-side events) or to `new_namespace`. */
  on<
    Ev extends ReservedOrUserEventNames<
      ServerReservedEvents<
        Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
        Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>
      >,
      ServerSideEvents
    >,
  >(
    event: Ev,
    listener: ReservedOrUserListener<
      ServerReservedEvents<
        Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
        Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>
      >,
      ServerSideEvents,
      Ev
    >,
  ): this {
    (this.sockets.on as (event: string, listener: Listener) => unknown)(event, listener as Listener);
    return this;
  }

  /** Remove a listener of the main namespace. */
  off(event?: string, listener?: Listener): this {
    (this.sockets.off as (event?: string, listener?: Listener) => unknown)(event, listener);
    return this;
  }

  // ── broadcasting on the main namespace ──────────────────────────────────

  /** Target a room (or several) of `/`. */
  to(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.sockets.to(room);
  }

  /** Alias of {@link to}. */
  in(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.sockets.to(room);
  }

  /** Exclude a room (or several) of `/`. */
  except(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.sockets.except(room);
  }

  /** Send an event to every socket of `/`. */
  emit<Ev extends EventNames<EmitEvents>>(
    event: Ev,
    ...args: EventParams<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, Ev>
  ): boolean {
    return this.sockets.emit(event, ...args);
  }

  /** Send an event to every socket of `/` and resolve with their acks. */
  emitWithAck<Ev extends EventNamesWithAck<EmitEvents>>(
    event: Ev,
    ...args: AllButLast<EventParams<EmitEvents, Ev>>
  ): Promise<FirstAckArg<EmitEvents, Ev>[]> {
    return this.sockets.emitWithAck(event, ...args);
  }

  /** Emit a `message` event to every socket of `/`. */
  send(...args: unknown[]): this {
    this.sockets.send(...args);
    return this;
  }

  /** Alias of {@link send}. */
  write(...args: unknown[]): this {
    return this.send(...args);
  }

  /** Per-message deflate hint. */
  compress(compress: boolean): BroadcastOperator<EmitEvents, SocketData> {
    return this.sockets.compress(compress);
  }

  /** Drop for sockets that cannot take the message right now. */
  get volatile(): BroadcastOperator<EmitEvents, SocketData> {
    return this.sockets.volatile;
  }

  /** This node only. */
  get local(): BroadcastOperator<EmitEvents, SocketData> {
    return this.sockets.local;
  }

  /** Wait at most `ms` for the acks of the next broadcast. */
  timeout(ms: number): BroadcastOperator<EmitEvents, SocketData> {
    return this.sockets.timeout(ms);
  }

  /** Every socket of `/`, cluster-wide. */
  fetchSockets(): Promise<RemoteSocket<SocketData>[]> {
    return this.sockets.fetchSockets();
  }

  /** Make every socket of `/` join `room`. */
  socketsJoin(room: Room | readonly Room[]): void {
    this.sockets.socketsJoin(room);
  }

  /** Make every socket of `/` leave `room`. */
  socketsLeave(room: Room | readonly Room[]): void {
    this.sockets.socketsLeave(room);
  }

  /** Disconnect every socket of `/`. */
  disconnectSockets(close = false): void {
    this.sockets.disconnectSockets(close);
  }

  /** Send an event to the other servers of the cluster (see `Namespace.serverSideEmit`). */
  serverSideEmit<Ev extends EventNames<ServerSideEvents>>(
    event: Ev,
    ...args: EventParams<DecorateAcknowledgementsWithMultipleResponses<ServerSideEvents>, Ev>
  ): boolean {
    return this.sockets.serverSideEmit(event, ...args);
  }

  /** Like {@link serverSideEmit}, resolving with every other server's reply. */
  serverSideEmitWithAck<Ev extends EventNamesWithAck<ServerSideEvents>>(
    event: Ev,
    ...args: AllButLast<EventParams<ServerSideEvents, Ev>>
  ): Promise<FirstAckArg<ServerSideEvents, Ev>[]> {
    return this.sockets.serverSideEmitWithAck(event, ...args);
  }

  // ── engine wiring and lifecycle ──────────────────────────────────────────

  /**
   * Drive this server from an Engine.IO server (any implementation of the
   * engine contract). `listen()` and `attach()` call it for you.
   *
   * @throws ServerError `SERVER_CLOSED` after `close()` or when already bound.
   */
  bind(engine: EngineServer): this {
    this.assertIdle();
    this.state = "bound";
    this.engine = engine;
    engine.onConnection = (conn) => this.onConnection(conn);
    return this;
  }

  /**
   * Mount the Engine.IO endpoint (at `path`, default `/socket.io/`) on your own
   * uWS app: your other routes keep working on the same port. You then call
   * `app.listen` yourself; `close()` still closes every session.
   *
   * @example
   * ```ts
   * const app = uWS.App().get("/health", (res) => res.end("ok"));
   * const io = createServer().attach(app);
   * app.listen(3000, () => {});
   * ```
   */
  attach(app: UwsApp): this {
    this.assertIdle();
    return this.bind(mountEngine(app, this.rawOptions));
  }

  /**
   * Serve on a uWS app of our own, on `port` (0 picks a free port) and `host`
   * (default: every interface). Resolves with the bound port.
   *
   * @throws CometaError `UWS_NATIVE_MISSING` when the native uWebSockets.js build cannot load.
   */
  async listen(port: number, host?: string): Promise<{ readonly port: number }> {
    this.assertIdle();
    const app = createUwsApp();
    this.attach(app);
    const handle = await listen(app, port, host);
    this._onClose(() => handle.close());
    return { port: handle.port };
  }

  /** @internal Release `closer` when the server closes (listen sockets, apps). */
  _onClose(closer: () => void | Promise<void>): void {
    this.closers.push(closer);
  }

  /**
   * Close the server: stop accepting, disconnect every socket with reason
   * `server shutting down`, close the adapters and free the port.
   */
  async close(): Promise<void> {
    if (this.state === "closed") return;
    this.state = "closed";
    await this.engine?.close();
    this._connectDeadlines.clear();
    const adapters = this.registry.all().map((nsp) => nsp.adapter.close());
    await Promise.all(adapters);
    for (const closer of this.closers.splice(0)) await closer();
    await this.recovery?.close();
  }

  /** @internal Report an error thrown by user code without letting it escape. */
  reportError(error: unknown): void {
    try {
      const result: unknown = this.options.onError(error);
      if (isThenable(result)) result.then(undefined, ignore);
    } catch {
      // An onError that throws (or rejects, above) has nowhere left to report to.
    }
  }

  /** @internal The namespace registered under exactly `name`, if any (the synchronous CONNECT path). */
  _namespace(name: string): Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> | undefined {
    return this.registry.lookup(name);
  }

  /** @internal Find the namespace for a CONNECT (see `NamespaceRegistry.resolve`). */
  _resolveNamespace(
    name: string,
    auth: Record<string, unknown>,
    done: (nsp: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> | undefined) => void,
  ): void {
    this.registry.resolve(name, auth, done);
  }

  /** @internal A namespace lost its last socket: drop it if it is a dynamic child and cleanup is on. */
  _onNamespaceEmpty(nsp: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): void {
    if (!this.options.cleanupEmptyChildNamespaces || !this.registry.removeChild(nsp)) return;
    const closing = nsp.adapter.close();
    if (closing instanceof Promise) closing.catch((error: unknown) => this.reportError(error));
  }

  private assertIdle(): void {
    if (this.state === "idle") return;
    throw new ServerError("SERVER_CLOSED", this.state === "closed" ? "server is closed" : "server is already bound");
  }

  private onConnection(conn: EngineConnection): void {
    if (this.state === "closed") {
      conn.close("server shutting down");
      return;
    }
    new Client(this, conn);
  }
}

/** Swallows the rejection of an async `onError` (there is nowhere left to report it). */
function ignore(): void {}
