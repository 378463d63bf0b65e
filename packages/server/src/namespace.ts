import type {
  AllButLast,
  DecorateAcknowledgementsWithMultipleResponses,
  DefaultEventsMap,
  EventNames,
  EventNamesWithAck,
  EventParams,
  EventsMap,
  FirstAckArg,
  Packet,
  ReservedOrUserEventNames,
  ReservedOrUserListener,
} from "@cometa/protocol";
import { BroadcastOperator } from "./broadcast-operator.js";
import type { Client } from "./client.js";
import type { Clock } from "./clock.js";
import { type CodecSlot, CodecSlots } from "./codec-slots.js";
import type {
  Adapter,
  AdapterFactory,
  AdapterNamespace,
  BroadcastOptions,
  LocalSocket,
  Room,
} from "./cluster/adapter.js";
import type { RemoteSocket } from "./cluster/remote-socket.js";
import { Emitter, type Listener } from "./emitter.js";
import type { EngineServer } from "./engine/engine-connection.js";
import { ServerError } from "./errors.js";
import { type ChainStep, runChain } from "./middleware-chain.js";
import { type FanOutScope, localBroadcast, localBroadcastWithAck, selectRecipients } from "./fan-out.js";
import type { Recovery } from "./recovery/recovery.js";
import { INSUFFICIENT_STATE } from "./recovery/recovery-options.js";
import type { RestoredSession } from "./recovery/session-restore.js";
import type { NamespaceReservedEvents } from "./reserved-events.js";
import type { Server } from "./server.js";
import { Socket } from "./socket.js";
import { joinRooms } from "./socket-rooms.js";

/** A connection middleware (`io.use`, `nsp.use`): call `next()` to accept, `next(err)` to refuse. */
export type Middleware<S> = ChainStep<S>;

/** Names a server-side event can never take. */
const NAMESPACE_RESERVED = new Set(["connect", "connection", "new_namespace"]);
const MAX_ACK_ID = 0x7fffffff;

/**
 * A namespace: a named group of sockets with its own middlewares, rooms
 * (through its adapter) and ack id counter. `io.of("/chat")` creates or
 * returns one; the server's own methods act on `/`.
 *
 * @example
 * ```ts
 * const admin = io.of("/admin");
 * admin.use((socket, next) => (isAdmin(socket.handshake.auth) ? next() : next(new Error("forbidden"))));
 * admin.on("connection", (socket) => socket.join("ops"));
 * admin.to("ops").emit("alert", "disk full");
 * ```
 */
export class Namespace<
    ListenEvents extends EventsMap = DefaultEventsMap,
    EmitEvents extends EventsMap = ListenEvents,
    ServerSideEvents extends EventsMap = DefaultEventsMap,
    // biome-ignore lint/suspicious/noExplicitAny: untyped by default, like Socket.IO
    SocketData = any,
  >
  extends Emitter
  implements AdapterNamespace, FanOutScope
{
  /** Connected sockets by id. */
  readonly sockets = new Map<string, Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>();
  readonly adapter: Adapter;
  /** @internal How many connected sockets have `onAnyOutgoing` listeners. */
  outgoingListeners = 0;
  /** @internal Codecs of the connected sockets, with their namespace topics. */
  readonly codecs: CodecSlots;
  private readonly fns: Middleware<Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>[] = [];
  private ids = 0;
  private readonly root: BroadcastOperator<EmitEvents, SocketData>;

  /** @internal Created by `server.of()`. */
  constructor(
    readonly server: Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    readonly name: string,
    createAdapter: AdapterFactory,
  ) {
    super();
    this.codecs = new CodecSlots(server.topicPrefix, name);
    this.adapter = createAdapter(this);
    this.root = new BroadcastOperator(this);
    // Every instance delivers the shared log's entries of this namespace from now on (recovery with a feed).
    server.recovery?.watch(this);
    const ready = this.adapter.init();
    if (ready instanceof Promise) ready.catch((error: unknown) => server.reportError(error));
  }

  /** @internal */
  get engine(): EngineServer | undefined {
    return this.server.engine;
  }

  /** @internal */
  get codecSlots(): readonly CodecSlot[] {
    return this.codecs.list;
  }

  /** @internal The server's `maxPendingAcks` (fan-out reads it for broadcasts with ack). */
  get maxPendingAcks(): number {
    return this.server.options.maxPendingAcks;
  }

  /** @internal */
  get clock(): Clock {
    return this.server.clock;
  }

  /** @internal Connection state recovery of the server, when enabled. */
  get recovery(): Recovery | undefined {
    return this.server.recovery;
  }

  /** Add a connection middleware. They run in order for every CONNECT, before `connection`. */
  use(fn: Middleware<Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>): this {
    this.fns.push(fn);
    return this;
  }

  override on<
    Ev extends ReservedOrUserEventNames<
      NamespaceReservedEvents<Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>,
      ServerSideEvents
    >,
  >(
    event: Ev,
    listener: ReservedOrUserListener<
      NamespaceReservedEvents<Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>,
      ServerSideEvents,
      Ev
    >,
  ): this {
    return super.on(event, listener as Listener);
  }

  override once<
    Ev extends ReservedOrUserEventNames<
      NamespaceReservedEvents<Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>,
      ServerSideEvents
    >,
  >(
    event: Ev,
    listener: ReservedOrUserListener<
      NamespaceReservedEvents<Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>,
      ServerSideEvents,
      Ev
    >,
  ): this {
    return super.once(event, listener as Listener);
  }

  // ── broadcasting (all delegate to the shared, immutable root operator) ──

  /** Target a room (or several). */
  to(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.root.to(room);
  }

  /** Alias of {@link to}. */
  in(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.root.to(room);
  }

  /** Exclude a room (or several). */
  except(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.root.except(room);
  }

  /** Send an event to every socket of the namespace (a trailing callback collects one ack per socket). */
  emit<Ev extends EventNames<EmitEvents>>(
    event: Ev,
    ...args: EventParams<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, Ev>
  ): boolean {
    return this.root.emit(event, ...args);
  }

  /** Send an event to every socket and resolve with their acks. */
  emitWithAck<Ev extends EventNamesWithAck<EmitEvents>>(
    event: Ev,
    ...args: AllButLast<EventParams<EmitEvents, Ev>>
  ): Promise<FirstAckArg<EmitEvents, Ev>[]> {
    return this.root.emitWithAck(event, ...args);
  }

  /** Emit a `message` event to every socket. */
  send(...args: unknown[]): this {
    (this.root.emit as (...a: unknown[]) => boolean)("message", ...args);
    return this;
  }

  /** Alias of {@link send}. */
  write(...args: unknown[]): this {
    return this.send(...args);
  }

  /** Per-message deflate hint. */
  compress(compress: boolean): BroadcastOperator<EmitEvents, SocketData> {
    return this.root.compress(compress);
  }

  /** Drop for sockets that cannot take the message right now. */
  get volatile(): BroadcastOperator<EmitEvents, SocketData> {
    return this.root.volatile;
  }

  /** This node only. */
  get local(): BroadcastOperator<EmitEvents, SocketData> {
    return this.root.local;
  }

  /** Wait at most `ms` for the acks of the next broadcast. */
  timeout(ms: number): BroadcastOperator<EmitEvents, SocketData> {
    return this.root.timeout(ms);
  }

  /** Every socket of the namespace, cluster-wide. */
  fetchSockets(): Promise<RemoteSocket<SocketData>[]> {
    return this.root.fetchSockets();
  }

  /** Make every socket join `room`. */
  socketsJoin(room: Room | readonly Room[]): void {
    this.root.socketsJoin(room);
  }

  /** Make every socket leave `room`. */
  socketsLeave(room: Room | readonly Room[]): void {
    this.root.socketsLeave(room);
  }

  /** Disconnect every socket. */
  disconnectSockets(close = false): void {
    this.root.disconnectSockets(close);
  }

  /**
   * Send an event to this namespace on the *other* nodes of the cluster (their
   * `nsp.on(event)` listeners run). A trailing callback collects one reply per
   * node as `(err, responses)`. A single process has no other node.
   */
  serverSideEmit<Ev extends EventNames<ServerSideEvents>>(
    event: Ev,
    ...args: EventParams<DecorateAcknowledgementsWithMultipleResponses<ServerSideEvents>, Ev>
  ): boolean {
    if (NAMESPACE_RESERVED.has(event)) throw new ServerError("RESERVED_EVENT", `"${event}" is a reserved event name`);
    const data: unknown[] = [event, ...args];
    const last = data[data.length - 1];
    if (typeof last === "function") {
      data.pop();
      this.adapter.serverSideEmit(data, last as (err: Error | null, responses: unknown[]) => void);
    } else {
      this.adapter.serverSideEmit(data);
    }
    return true;
  }

  /** Like {@link serverSideEmit} with a reply, as a promise of every other node's reply. */
  serverSideEmitWithAck<Ev extends EventNamesWithAck<ServerSideEvents>>(
    event: Ev,
    ...args: AllButLast<EventParams<ServerSideEvents, Ev>>
  ): Promise<FirstAckArg<ServerSideEvents, Ev>[]> {
    return new Promise((resolve, reject) => {
      (this.serverSideEmit as (...a: unknown[]) => boolean)(event, ...args, (err: Error | null, responses: unknown[]) =>
        err === null ? resolve(responses as FirstAckArg<ServerSideEvents, Ev>[]) : reject(err),
      );
    });
  }

  // ── AdapterNamespace / FanOutScope ───────────────────────────────────────

  /** @internal */
  localBroadcast(packet: Packet, opts: BroadcastOptions): void {
    // With recovery, every ack-less event carries an offset, logged or not (see Recovery.stampUnlogged).
    this.server.recovery?.stampUnlogged(this.name, packet);
    localBroadcast(this, packet, opts);
  }

  /** @internal */
  localBroadcastWithAck(
    packet: Packet,
    opts: BroadcastOptions,
    onAck: (response: unknown) => void,
    onGone: () => void,
  ): number {
    return localBroadcastWithAck(this, packet, opts, onAck, onGone);
  }

  /** @internal */
  localSockets(opts: BroadcastOptions): LocalSocket[] {
    return selectRecipients<Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>(this, opts);
  }

  /** @internal */
  localServerSideEmit(args: readonly unknown[], ack?: (response: unknown) => void): void {
    const [event, ...rest] = args;
    if (typeof event !== "string" || NAMESPACE_RESERVED.has(event)) return;
    if (ack !== undefined) rest.push(ack);
    this.dispatch(event, rest);
  }

  /** @internal */
  reportError(error: unknown): void {
    this.server.reportError(error);
  }

  /**
   * @internal Recovery: this instance missed logged broadcasts it cannot read
   * back. Every local socket is disconnected with reason `insufficient state`
   * (its session is kept, the reason is recoverable) and its connection
   * closed, so its client reconnects with its last offset and is replayed what
   * it missed from the log, or gets `recovered = false` and resyncs. Better than
   * a silent hole in the stream.
   */
  dropForRecovery(): void {
    for (const socket of [...this.sockets.values()]) {
      socket._onclose(INSUFFICIENT_STATE);
      socket.client.close("forced server close");
    }
  }

  /** @internal The next ack id: one counter per namespace, wrapping at 2^31−1. */
  nextAckId(): number {
    const id = this.ids;
    this.ids = id === MAX_ACK_ID ? 0 : id + 1;
    return id;
  }

  // ── connection lifecycle ─────────────────────────────────────────────────

  /**
   * @internal A client sent CONNECT for this namespace: create the socket, run
   * the middlewares, then accept (CONNECT reply, `connection`) or refuse
   * (CONNECT_ERROR). Without middlewares the socket is accepted right away:
   * no chain, no closure.
   */
  _add(client: Client, auth: Record<string, unknown> | undefined, attempt?: RestoredSession | null): void {
    const recovery = this.server.recovery;
    // `attempt`: undefined = no restore tried yet, null = tried and failed (go on as a fresh socket).
    if (attempt === undefined && recovery !== undefined && auth?.pid !== undefined) {
      this.restore(client, auth, recovery);
      return;
    }
    const restored = attempt ?? undefined;
    const socket = new Socket(this, client, auth, restored?.session);
    const missed = restored?.missed;
    if (restored !== undefined) {
      socket.data = restored.session.data as SocketData;
      // Checked when first joined: a restore must not fail on a limit lowered since (or a store's copy).
      joinRooms(socket, restored.session.rooms);
    }
    if (this.fns.length === 0 || (restored !== undefined && recovery!.options.skipMiddlewares)) {
      this.accept(socket, missed);
      return;
    }
    client._pend(this.name);
    runChain(
      this.fns.slice(),
      socket,
      (failure, how) => {
        client._unpend(this.name);
        // A synchronous throw is a bug: report it, and refuse without leaking its message. A
        // rejected async middleware refuses like `next(err)` (`throw` is how async code says no).
        const thrown = failure !== undefined && how === "thrown";
        if (thrown) this.server.reportError(failure);
        const err = thrown ? new Error("server error") : failure;
        if (client.closed || err !== undefined) {
          socket._discard(); // also leaves the rooms a middleware may have joined
          if (err !== undefined && !client.closed) client.refuse(this.name, err);
          return;
        }
        this.accept(socket, missed);
      },
      this,
    );
  }

  /**
   * A CONNECT with `{pid, offset}`: look the session up (possibly on another
   * instance's behalf, through shared stores), then go on with the restored
   * identity or, when it cannot be restored, as a fresh socket.
   */
  private restore(client: Client, auth: Record<string, unknown>, recovery: Recovery): void {
    client._pend(this.name);
    recovery.restore(this.name, auth.pid, auth.offset).then((result) => {
      client._unpend(this.name);
      if (client.closed) return;
      // Rejoining rooms and sending the replay happen in this same callback: no live delivery can slip in between.
      this._add(client, auth, result.ok ? result.restored : null);
    }, (error: unknown) => this.server.reportError(error));
  }

  /** @internal */
  _remove(socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): void {
    if (!this.sockets.delete(socket.id)) return;
    this.codecs.release(socket.client.codec!);
    if (this.sockets.size === 0) this.server._onNamespaceEmpty(this);
  }

  /** @internal Emit a framework event (`new_namespace`) to this namespace's listeners. */
  _notify(event: string, args: readonly unknown[]): void {
    this.dispatch(event, args);
  }

  /** @internal Copy this namespace's middlewares and connection listeners to a dynamic child. */
  _inheritInto(child: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): void {
    for (const fn of this.fns) child.use(fn);
    for (const event of ["connect", "connection"] as const) {
      for (const listener of this.listeners(event)) child.on(event, listener as never);
    }
  }

  protected override listenerFailed(error: unknown): void {
    this.server.reportError(error);
  }

  /** Accept `socket`: register it, send the CONNECT reply, then announce it (`connect`, `connection`). */
  private accept(socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, missed?: readonly unknown[][]): void {
    const client = socket.client;
    this.sockets.set(socket.id, socket);
    socket._onconnect(this.codecs.acquire(client.codec!), missed);
    client._accepted(socket);
    if (!this.hasListeners("connect") && !this.hasListeners("connection")) return;
    const args = [socket];
    // This may run from a timer (async middleware): keep listener errors inside the server.
    try {
      this.dispatch("connect", args);
      this.dispatch("connection", args);
    } catch (error) {
      this.server.reportError(error);
    }
  }
}

/** The CONNECT_ERROR payload for a refusal: `{message, data?}`. */
export function connectErrorData(err: Error): { message: string; data?: unknown } {
  const data = (err as { data?: unknown }).data;
  return data === undefined ? { message: err.message } : { message: err.message, data };
}
