import { randomBytes } from "node:crypto";
import type { Packet } from "@cometa/protocol";
import type { TimerHandle } from "../clock.js";
import { ServerError } from "../errors.js";
import type { AdapterFactory, AdapterNamespace, BroadcastOptions, LocalSocket, Room, SocketDetails } from "./adapter.js";
import type { Backplane } from "./backplane.js";
import {
  type ClusterMessage,
  type ClusterMessageData,
  ClusterMessageType as T,
  fromWireOptions,
  toWireOptions,
} from "./cluster-message.js";
import { InMemoryAdapter } from "./in-memory-adapter.js";

/** Options of {@link ClusterAdapter}. */
export interface ClusterAdapterOptions {
  /** How often a node announces itself, ms. Default 5000. */
  readonly heartbeatInterval?: number;
  /** A node silent for this long is considered gone, ms. Default 10000. */
  readonly heartbeatTimeout?: number;
  /** How long `fetchSockets` / `serverSideEmit` replies and unanswered broadcast acks are awaited, ms. Default 5000. */
  readonly requestsTimeout?: number;
}

/** A request waiting for other nodes' replies. */
type PendingRequest =
  | { kind: "broadcast"; onClientCount: (n: number) => void; onAck: (r: unknown) => void; timer: TimerHandle }
  | { kind: "fetch"; expected: number; sockets: SocketDetails[]; done: (err: Error | null) => void; timer: TimerHandle }
  | { kind: "emit"; expected: number; responses: unknown[]; done: (err: Error | null) => void; timer: TimerHandle };

/**
 * An adapter that spans several nodes: every cluster-wide operation is done
 * locally (by the in-memory adapter it extends) and published to the other
 * nodes through a {@link Backplane}; messages from them are applied locally.
 * Nodes learn about each other through heartbeats, which give `serverCount()`
 * (how many replies a request waits for).
 *
 * Transport-agnostic: it builds {@link ClusterMessage}s and asks the backplane
 * to publish them, nothing more (STYLE.md #6).
 *
 * @example
 * ```ts
 * const io = createServer({ adapter: createClusterAdapter(redisBackplane) });
 * ```
 */
export class ClusterAdapter extends InMemoryAdapter {
  /** This node's id in the cluster (16 hex characters). */
  readonly uid = randomBytes(8).toString("hex");
  private readonly nodes = new Map<string, number>();
  private readonly pending = new Map<string, PendingRequest>();
  private readonly heartbeatInterval: number;
  private readonly heartbeatTimeout: number;
  private readonly requestsTimeout: number;
  private heartbeatTimer: TimerHandle | undefined;
  private unsubscribe: (() => void | Promise<void>) | undefined;
  private nextRequest = 0;

  constructor(
    nsp: AdapterNamespace,
    private readonly backplane: Backplane,
    options: ClusterAdapterOptions = {},
  ) {
    super(nsp);
    this.heartbeatInterval = options.heartbeatInterval ?? 5000;
    this.heartbeatTimeout = options.heartbeatTimeout ?? 10_000;
    this.requestsTimeout = options.requestsTimeout ?? 5000;
  }

  override init(): void {
    this.unsubscribe = this.backplane.subscribe(this.nsp.name, this.uid, (message) => this.onMessage(message));
    this.publish(T.INITIAL_HEARTBEAT, undefined);
    this.scheduleHeartbeat();
  }

  override async close(): Promise<void> {
    if (this.heartbeatTimer !== undefined) this.nsp.clock.clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    this.publish(T.ADAPTER_CLOSE, undefined);
    for (const [id, request] of this.pending) this.finishRequest(id, request, new ServerError("SERVER_CLOSED", "adapter closed"));
    await this.unsubscribe?.();
  }

  /** Number of nodes, this one included. */
  override serverCount(): Promise<number> {
    return Promise.resolve(this.nodes.size + 1);
  }

  override broadcast(packet: Packet, opts: BroadcastOptions): void {
    if (opts.flags.local !== true) this.publish(T.BROADCAST, { opts: toWireOptions(opts), packet });
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
      const timer = this.expireAfter(requestId, opts.flags.timeout ?? this.requestsTimeout);
      this.pending.set(requestId, { kind: "broadcast", onClientCount, onAck, timer });
      this.publish(T.BROADCAST, { opts: toWireOptions(opts), packet, requestId });
    }
    super.broadcastWithAck(packet, opts, onClientCount, onAck);
  }

  override async fetchSockets(opts: BroadcastOptions): Promise<(LocalSocket | SocketDetails)[]> {
    const local = await super.fetchSockets(opts);
    if (opts.flags.local === true || this.nodes.size === 0) return local;
    const requestId = this.requestId();
    const remote = await new Promise<SocketDetails[]>((resolve, reject) => {
      const sockets: SocketDetails[] = [];
      const done = (err: Error | null) => (err === null ? resolve(sockets) : reject(err));
      const timer = this.expireAfter(requestId, this.requestsTimeout);
      this.pending.set(requestId, { kind: "fetch", expected: this.nodes.size, sockets, done, timer });
      this.publish(T.FETCH_SOCKETS, { opts: toWireOptions(opts), requestId });
    });
    return [...local, ...remote];
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

  override serverSideEmit(
    args: readonly unknown[],
    onResponse?: (err: Error | null, responses: unknown[]) => void,
    timeout = this.requestsTimeout,
  ): void {
    if (onResponse === undefined) {
      this.publish(T.SERVER_SIDE_EMIT, { packet: [...args] });
      return;
    }
    if (this.nodes.size === 0) {
      onResponse(null, []);
      return;
    }
    const requestId = this.requestId();
    const responses: unknown[] = [];
    const done = (err: Error | null) => onResponse(err, responses);
    const timer = this.expireAfter(requestId, timeout);
    this.pending.set(requestId, { kind: "emit", expected: this.nodes.size, responses, done, timer });
    this.publish(T.SERVER_SIDE_EMIT, { packet: [...args], requestId });
  }

  // ── incoming ─────────────────────────────────────────────────────────────

  private onMessage(message: ClusterMessage): void {
    if (message.uid === this.uid || message.nsp !== this.nsp.name) return; // echo suppression
    if (message.type !== T.ADAPTER_CLOSE) this.nodes.set(message.uid, this.nsp.clock.now());
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
        return;
      case T.ADAPTER_CLOSE:
        this.nodes.delete(from);
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
      default:
        this.onResponse(message);
    }
  }

  private onResponse(message: ClusterMessage): void {
    const data = message.data as { requestId?: string } | undefined;
    const requestId = data?.requestId;
    const request = requestId === undefined ? undefined : this.pending.get(requestId);
    if (request === undefined) return; // unknown or expired: ignored
    if (message.type === T.BROADCAST_CLIENT_COUNT && request.kind === "broadcast") {
      request.onClientCount(message.data.clientCount);
    } else if (message.type === T.BROADCAST_ACK && request.kind === "broadcast") {
      request.onAck(message.data.packet);
    } else if (message.type === T.FETCH_SOCKETS_RESPONSE && request.kind === "fetch") {
      request.sockets.push(...message.data.sockets);
      if (--request.expected === 0) this.finishRequest(requestId!, request, null);
    } else if (message.type === T.SERVER_SIDE_EMIT_RESPONSE && request.kind === "emit") {
      request.responses.push(message.data.packet);
      if (--request.expected === 0) this.finishRequest(requestId!, request, null);
    }
  }

  // ── plumbing ─────────────────────────────────────────────────────────────

  private publish<K extends ClusterMessage["type"]>(type: K, data: ClusterMessageData[K], target?: string): void {
    const message = { uid: this.uid, nsp: this.nsp.name, type, data } as ClusterMessage;
    try {
      const sent = this.backplane.publish(message, target);
      if (sent instanceof Promise) sent.catch((error: unknown) => this.nsp.reportError(error));
    } catch (error) {
      this.nsp.reportError(error);
    }
  }

  private scheduleHeartbeat(): void {
    this.heartbeatTimer = this.nsp.clock.setTimeout(() => {
      const deadline = this.nsp.clock.now() - this.heartbeatTimeout;
      for (const [uid, seen] of this.nodes) if (seen < deadline) this.nodes.delete(uid);
      this.publish(T.HEARTBEAT, undefined);
      this.scheduleHeartbeat();
    }, this.heartbeatInterval);
  }

  private requestId(): string {
    return `${this.uid}-${this.nextRequest++}`;
  }

  /** When the timer fires, the request fails with what it has (broadcast acks just stop listening). */
  private expireAfter(requestId: string, ms: number): TimerHandle {
    return this.nsp.clock.setTimeout(() => {
      const request = this.pending.get(requestId);
      if (request !== undefined) {
        this.finishRequest(requestId, request, new ServerError("ACK_TIMEOUT", "timeout reached while waiting for other nodes"));
      }
    }, ms);
  }

  private finishRequest(requestId: string, request: PendingRequest, err: Error | null): void {
    this.pending.delete(requestId);
    this.nsp.clock.clearTimeout(request.timer);
    if (request.kind !== "broadcast") request.done(err);
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
