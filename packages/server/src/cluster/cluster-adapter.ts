import { randomBytes } from "node:crypto";
import type { Packet } from "@cometa/protocol";
import type { TimerHandle } from "../clock.js";
import { reportRejection } from "../rejection.js";
import type {
  AdapterEvent,
  AdapterFactory,
  AdapterNamespace,
  BroadcastOptions,
  LocalSocket,
  Room,
  SocketDetails,
  SocketId,
} from "./adapter.js";
import type { Backplane, BackplaneStatus } from "./backplane.js";
import type {
  ClusterAdapterEvents,
  ClusterAdapterOptions,
  FetchSocketsResult,
  PartialResponseContext,
} from "./cluster-adapter-options.js";
import {
  type ClusterMessage,
  type ClusterMessageData,
  ClusterMessageType as T,
  fromWireOptions,
  toWireOptions,
} from "./cluster-message.js";
import { type CollectedAnswers, ClusterRequests } from "./cluster-requests.js";
import { InMemoryAdapter } from "./in-memory-adapter.js";
import { NodeRegistry } from "./node-registry.js";
import { OutageReporter } from "./outage-reporter.js";
import { markPartial } from "./partial-answer.js";
import { broadcastRoute, isRoutableRoom } from "./room-routing.js";

/**
 * An adapter that spans several nodes: every cluster-wide operation is done
 * locally (by the in-memory adapter it extends) and published to the other
 * nodes through a {@link Backplane}; messages from them are applied locally.
 *
 * - Nodes learn about each other through heartbeats; a request waits for the
 *   nodes alive when it was sent, and a dead or slow node yields a partial
 *   answer that says so (`missingNodes(answer)`, the `partial-response`
 *   event, `fetchSocketsDetailed`) instead of failing the call.
 * - With a room-routing backplane, a plain room broadcast goes only to the
 *   nodes that have members in the room, and this node subscribes to a room
 *   while it has local members.
 * - Backplane failures never throw into the caller: local delivery goes on,
 *   and the failure is reported once per outage.
 *
 * Transport-agnostic: it builds {@link ClusterMessage}s and asks the backplane
 * to publish them, nothing more (STYLE.md #6).
 *
 * @example
 * ```ts
 * const io = createServer({ adapter: createClusterAdapter(redisBackplane) });
 * io.of("/").adapter.on("partial-response", (ctx) => log.warn("no answer from", ctx.missing));
 * ```
 */
export class ClusterAdapter extends InMemoryAdapter {
  /** This node's id in the cluster (16 hex characters). */
  readonly uid = randomBytes(8).toString("hex");
  private readonly nodes: NodeRegistry;
  private readonly requests: ClusterRequests;
  private readonly heartbeatInterval: number;
  private readonly requestsTimeout: number;
  private heartbeatTimer: TimerHandle | undefined;
  private unsubscribe: (() => void | Promise<void>) | undefined;
  private unwatch: (() => void) | undefined;
  private nextRequest = 0;
  private closed = false;
  private readonly outages: OutageReporter;
  /** Shared by every publish, so a failing publish allocates no closure. */
  private readonly onPublishError = (error: unknown): void => this.outages.failed(error);

  constructor(
    nsp: AdapterNamespace,
    /** The transport this adapter publishes through. */
    readonly backplane: Backplane,
    options: ClusterAdapterOptions = {},
  ) {
    super(nsp);
    this.heartbeatInterval = options.heartbeatInterval ?? 5000;
    this.requestsTimeout = options.requestsTimeout ?? 5000;
    this.nodes = new NodeRegistry(nsp.clock, options.heartbeatTimeout ?? 2 * this.heartbeatInterval);
    this.requests = new ClusterRequests(nsp.clock);
    this.outages = new OutageReporter((error) => nsp.reportError(error));
  }

  override init(): void {
    this.unsubscribe = this.backplane.subscribe(this.nsp.name, this.uid, (message) => this.onMessage(message));
    this.unwatch = this.backplane.watch?.((status) => this.onBackplaneStatus(status));
    // A backplane still connecting announces us when it becomes healthy.
    if (!this.outages.isConnecting) this.publish(T.INITIAL_HEARTBEAT, undefined);
    this.scheduleHeartbeat();
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.heartbeatTimer !== undefined) this.nsp.clock.clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    this.publish(T.ADAPTER_CLOSE, undefined);
    this.requests.closeAll();
    this.unwatch?.();
    await this.unsubscribe?.();
  }

  /** Number of live nodes, this one included. */
  override serverCount(): Promise<number> {
    return Promise.resolve(this.nodes.alive().length + 1);
  }

  /** Ids of the other live nodes. */
  remoteNodes(): string[] {
    return this.nodes.alive();
  }

  /** Requests waiting for other nodes (0 when idle: a leak check). */
  get pendingRequests(): number {
    return this.requests.size;
  }

  override broadcast(packet: Packet, opts: BroadcastOptions): void {
    if (opts.flags.local !== true) {
      const message = this.message(T.BROADCAST, { opts: toWireOptions(opts), packet });
      const rooms = this.backplane.publishToRooms === undefined ? undefined : broadcastRoute(opts);
      this.send(message, undefined, rooms);
    }
    super.broadcast(packet, opts);
  }

  override broadcastWithAck(
    packet: Packet,
    opts: BroadcastOptions,
    onClientCount: (count: number) => void,
    onAck: (response: unknown) => void,
  ): void {
    if (opts.flags.local !== true) {
      const requestId = this.requestId();
      // Acked broadcasts go to every node: each must report its client count.
      const timeout = opts.flags.timeout;
      this.requests.broadcast(requestId, this.nodes.alive(), timeout ?? this.requestsTimeout, onClientCount, onAck, timeout === undefined);
      this.publish(T.BROADCAST, { opts: toWireOptions(opts), packet, requestId });
    }
    super.broadcastWithAck(packet, opts, onClientCount, onAck);
  }

  /** Every matching socket cluster-wide; when nodes did not answer, `missingNodes(result)` names them. */
  override async fetchSockets(opts: BroadcastOptions): Promise<(LocalSocket | SocketDetails)[]> {
    const { sockets, missing } = await this.fetchSocketsDetailed(opts);
    return missing.length === 0 ? sockets : markPartial(sockets, missing);
  }

  /**
   * `fetchSockets` that also says which nodes did not answer. A dead or slow
   * node never fails the call: its sockets are just missing from the result.
   */
  async fetchSocketsDetailed(opts: BroadcastOptions): Promise<FetchSocketsResult> {
    const local = await super.fetchSockets(opts);
    if (opts.flags.local === true) return { sockets: local, missing: [] };
    const requestId = this.requestId();
    const answers = await new Promise<CollectedAnswers<SocketDetails>>((resolve) => {
      this.requests.collect<SocketDetails>(requestId, this.nodes.alive(), this.requestsTimeout, resolve);
      this.publish(T.FETCH_SOCKETS, { opts: toWireOptions(opts), requestId }, undefined, () => this.requests.abort(requestId));
    });
    this.reportPartial("fetchSockets", requestId, answers);
    return { sockets: [...local, ...answers.results], missing: answers.missing };
  }

  override addSockets(opts: BroadcastOptions, rooms: readonly Room[]): void {
    if (opts.flags.local !== true) this.publish(T.SOCKETS_JOIN, { opts: toWireOptions(opts), rooms: [...rooms] });
    super.addSockets(opts, rooms);
  }

  override delSockets(opts: BroadcastOptions, rooms: readonly Room[]): void {
    if (opts.flags.local !== true) this.publish(T.SOCKETS_LEAVE, { opts: toWireOptions(opts), rooms: [...rooms] });
    super.delSockets(opts, rooms);
  }

  override disconnectSockets(opts: BroadcastOptions, close: boolean): void {
    if (opts.flags.local !== true) this.publish(T.DISCONNECT_SOCKETS, { opts: toWireOptions(opts), close });
    super.disconnectSockets(opts, close);
  }

  /**
   * Send to the other nodes' listeners. With `onResponse`, it waits for the
   * nodes alive now and calls `(null, responses)` with what arrived: when a
   * node died or was too slow, `missingNodes(responses)` names it and a
   * `partial-response` event is emitted; the call itself never fails.
   */
  override serverSideEmit(
    args: readonly unknown[],
    onResponse?: (err: Error | null, responses: unknown[]) => void,
    timeout = this.requestsTimeout,
  ): void {
    if (onResponse === undefined) {
      this.publish(T.SERVER_SIDE_EMIT, { packet: [...args] });
      return;
    }
    const requestId = this.requestId();
    this.requests.collect<unknown>(requestId, this.nodes.alive(), timeout, (answers) => {
      this.reportPartial("serverSideEmit", requestId, answers);
      const responses = answers.missing.length === 0 ? answers.results : markPartial(answers.results, answers.missing);
      try {
        reportRejection(onResponse(null, responses), this.nsp);
      } catch (error) {
        this.nsp.reportError(error); // may run from a timer: no caller to throw to
      }
    });
    this.publish(T.SERVER_SIDE_EMIT, { packet: [...args], requestId }, undefined, () => this.requests.abort(requestId));
  }

  override on(event: AdapterEvent, listener: (room: Room, id?: SocketId) => void): this;
  override on<E extends keyof ClusterAdapterEvents>(event: E, listener: ClusterAdapterEvents[E]): this;
  // biome-ignore lint/suspicious/noExplicitAny: implementation signature of the overloads
  override on(event: string, listener: (...args: any[]) => void): this {
    return super.on(event as AdapterEvent, listener);
  }

  // ── room subscriptions ───────────────────────────────────────────────────

  protected override onRoomCreated(room: Room): void {
    if (!this.closed && isRoutableRoom(room)) this.backplane.joinRoom?.(this.nsp.name, this.uid, room);
  }

  protected override onRoomDeleted(room: Room): void {
    if (!this.closed && isRoutableRoom(room)) this.backplane.leaveRoom?.(this.nsp.name, this.uid, room);
  }

  // ── incoming ─────────────────────────────────────────────────────────────

  private onMessage(message: ClusterMessage): void {
    if (message.uid === this.uid || message.nsp !== this.nsp.name || this.closed) return; // echo suppression
    const change = this.nodes.observe(message);
    if (change === "up") this.emitEvent("node-up", message.uid);
    else if (change === "down") this.nodeDown(message.uid);
    try {
      this.apply(message);
    } catch (error) {
      this.nsp.reportError(error);
    }
  }

  private apply(message: ClusterMessage): void {
    const from = message.uid;
    switch (message.type) {
      case T.INITIAL_HEARTBEAT:
        this.publish(T.HEARTBEAT, undefined, from); // let the newcomer know about us now
        return;
      case T.HEARTBEAT:
      case T.ADAPTER_CLOSE:
        return;
      case T.BROADCAST: {
        const { opts, packet, requestId } = message.data;
        if (requestId === undefined) {
          super.broadcast(packet, fromWireOptions(opts));
          return;
        }
        const count = this.nsp.localBroadcastWithAck(
          packet,
          fromWireOptions(opts),
          (response) => this.publish(T.BROADCAST_ACK, { requestId, packet: response }, from),
          () => this.publish(T.BROADCAST_CLIENT_COUNT, { requestId, clientCount: -1 }, from),
        );
        this.publish(T.BROADCAST_CLIENT_COUNT, { requestId, clientCount: count }, from);
        return;
      }
      case T.SOCKETS_JOIN:
        super.addSockets(fromWireOptions(message.data.opts), message.data.rooms);
        return;
      case T.SOCKETS_LEAVE:
        super.delSockets(fromWireOptions(message.data.opts), message.data.rooms);
        return;
      case T.DISCONNECT_SOCKETS:
        super.disconnectSockets(fromWireOptions(message.data.opts), message.data.close);
        return;
      case T.FETCH_SOCKETS: {
        const sockets = this.nsp.localSockets(fromWireOptions(message.data.opts)).map(toDetails);
        this.publish(T.FETCH_SOCKETS_RESPONSE, { requestId: message.data.requestId, sockets }, from);
        return;
      }
      case T.SERVER_SIDE_EMIT: {
        const { packet, requestId } = message.data;
        if (requestId === undefined) {
          this.nsp.localServerSideEmit(packet);
          return;
        }
        let answered = false;
        this.nsp.localServerSideEmit(packet, (response) => {
          if (answered) return;
          answered = true;
          this.publish(T.SERVER_SIDE_EMIT_RESPONSE, { requestId, packet: response }, from);
        });
        return;
      }
      case T.FETCH_SOCKETS_RESPONSE:
        this.requests.answer(message.data.requestId, from, message.data.sockets, true);
        return;
      case T.SERVER_SIDE_EMIT_RESPONSE:
        this.requests.answer(message.data.requestId, from, message.data.packet);
        return;
      case T.BROADCAST_CLIENT_COUNT:
        this.requests.clientCount(message.data.requestId, from, message.data.clientCount);
        return;
      case T.BROADCAST_ACK:
        this.requests.ack(message.data.requestId, from, message.data.packet);
        return;
    }
  }

  // ── plumbing ─────────────────────────────────────────────────────────────

  private message<K extends ClusterMessage["type"]>(type: K, data: ClusterMessageData[K]): ClusterMessage {
    return { uid: this.uid, nsp: this.nsp.name, type, data } as ClusterMessage;
  }

  private publish<K extends ClusterMessage["type"]>(
    type: K,
    data: ClusterMessageData[K],
    target?: string,
    onFailed?: () => void,
  ): void {
    this.send(this.message(type, data), target, undefined, onFailed);
  }

  /** Publish without ever throwing: a failure is reported once per outage; `onFailed` ends a request early. */
  private send(message: ClusterMessage, target?: string, rooms?: readonly Room[], onFailed?: () => void): void {
    try {
      const sent =
        rooms === undefined ? this.backplane.publish(message, target) : this.backplane.publishToRooms!(message, rooms);
      if (sent instanceof Promise) {
        if (onFailed === undefined) sent.catch(this.onPublishError);
        else
          sent.catch((error: unknown) => {
            this.outages.failed(error);
            onFailed();
          });
      }
    } catch (error) {
      this.outages.failed(error);
      onFailed?.();
    }
  }

  /** Health reports (a backplane with `watch` calls this at once with its current status). */
  private onBackplaneStatus(status: BackplaneStatus): void {
    this.emitEvent("backplane", status);
    // Back (or connected at last): tell the others we are here now, rather than at the next heartbeat.
    if (this.outages.status(status) && !this.closed) this.publish(T.INITIAL_HEARTBEAT, undefined);
  }

  private scheduleHeartbeat(): void {
    this.heartbeatTimer = this.nsp.clock.setTimeout(() => {
      for (const uid of this.nodes.expire()) this.nodeDown(uid);
      // Without health reports, re-arm failure reporting once per interval (a new outage is reported again).
      if (this.backplane.watch === undefined) this.outages.rearm();
      this.publish(T.HEARTBEAT, undefined);
      this.scheduleHeartbeat();
    }, this.heartbeatInterval);
  }

  private nodeDown(uid: string): void {
    this.requests.nodeGone(uid);
    this.emitEvent("node-down", uid);
  }

  private reportPartial(operation: PartialResponseContext["operation"], requestId: string, answers: CollectedAnswers<unknown>): void {
    if (answers.missing.length === 0 || answers.reason === "complete") return;
    this.emitEvent("partial-response", {
      operation,
      requestId,
      missing: answers.missing,
      received: answers.results.length,
      reason: answers.reason,
    });
  }

  private emitEvent(event: keyof ClusterAdapterEvents, payload: unknown): void {
    if (this.hasListeners(event)) this.dispatch(event, [payload]);
  }

  private requestId(): string {
    return `${this.uid}-${this.nextRequest++}`;
  }
}

/** Describe a local socket for another node. */
function toDetails(socket: LocalSocket): SocketDetails {
  return { id: socket.id, handshake: socket.handshake, rooms: [...socket.rooms], data: socket.data };
}

/**
 * The `adapter` option for a cluster over `backplane`.
 *
 * @example
 * ```ts
 * const bus = createMemoryBackplane();
 * const io = createServer({ adapter: createClusterAdapter(bus, { requestsTimeout: 2000 }) });
 * ```
 */
export function createClusterAdapter(backplane: Backplane, options?: ClusterAdapterOptions): AdapterFactory {
  return (nsp) => new ClusterAdapter(nsp, backplane, options);
}
