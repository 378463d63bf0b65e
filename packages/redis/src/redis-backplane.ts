import { randomBytes } from "node:crypto";
import type { Clock } from "@cometa/server";
import type { Backplane, BackplaneStatus, ClusterMessage, Room } from "@cometa/server/cluster";
import type { SubscriberHealth } from "./channel-subscriber.js";
import { ChannelNames, type ChannelRoute } from "./channel-names.js";
import { systemClock } from "./clock.js";
import { encodeBody, FLAG_MULTI_ROOM, wrapBody } from "./envelope.js";
import { RedisAdapterError } from "./errors.js";
import { Listeners } from "./listeners.js";
import type { ConnectionStateChange, HealthCheckOptions } from "./monitored-connection.js";
import { ClusterPublisher, type Publisher, StandalonePublisher } from "./publisher.js";
import { isCluster, type ReconnectOptions, type RedisClient } from "./redis-clients.js";
import { createMetrics, type RedisMetrics } from "./redis-metrics.js";
import { type GapContext, type Handler, Inbound, type RoomSubscription } from "./inbound.js";
import { SequenceCounter } from "./sequence.js";
import { ShardedSubscriptions, SingleSubscriptions, type Subscriptions } from "./subscriptions.js";

/** Options of {@link RedisBackplane}. */
export interface RedisBackplaneOptions extends HealthCheckOptions, ReconnectOptions {
  /** Channel prefix; clusters sharing one Redis need different prefixes. Default `"cometa"`. */
  readonly prefix?: string;
  /**
   * Sharded pub/sub (SPUBLISH/SSUBSCRIBE, Redis ≥ 7). It follows the client:
   * on for a `Cluster`, off for a standalone `Redis`; a contradicting value
   * throws `INVALID_ARGUMENT`.
   */
  readonly sharded?: boolean;
  /** Most publishes awaiting Redis at once; beyond, a publish is dropped and counted. Default 4096. */
  readonly maxPendingPublishes?: number;
}

export type { GapContext } from "./inbound.js";

/** Events of a {@link RedisBackplane}. */
export type RedisBackplaneEvents = {
  /** Health changed (both the publishing and the subscribing side count). */
  status: (status: BackplaneStatus) => void;
  /** Messages were lost: Centrifugo-style consumers mark `room` as needing recovery. */
  gap: (gap: GapContext) => void;
};

/**
 * The Redis transport of a Cometa cluster ({@link Backplane}): one
 * publishing and one subscribing connection per process (one per master for
 * sharded pub/sub), both fail-fast and health-checked, whatever the number of
 * namespaces.
 *
 * - Channels per namespace, per node and per room (`ChannelNames`); a node
 *   subscribes to a room channel while it has local members in the room.
 * - Every message carries a per-publisher, per-channel sequence number: gaps,
 *   duplicates and reorderings are counted (`metrics`) and gaps reported
 *   (`gap` event); duplicates and late copies are dropped.
 * - Redis down: publishes fail at once (counted, rejected to the adapter),
 *   subscriptions come back by themselves, `status` events say when.
 * - Redis unavailable at start: the backplane starts degraded and connects
 *   when Redis appears.
 *
 * @example
 * ```ts
 * const backplane = new RedisBackplane(new Redis(process.env.REDIS_URL));
 * const io = createServer({ adapter: createClusterAdapter(backplane) });
 * backplane.on("status", (s) => log.info("redis", s.healthy ? "up" : "down", s.reason));
 * ```
 */
export class RedisBackplane implements Backplane {
  /** This process' publisher id (scope of the sequence numbers it stamps). */
  readonly publisherId = randomBytes(8).toString("hex");
  readonly metrics: RedisMetrics = createMetrics();
  readonly names: ChannelNames;
  private readonly events = new Listeners<RedisBackplaneEvents>();
  private readonly watchers = new Set<(status: BackplaneStatus) => void>();
  private readonly clock: Clock;
  private readonly sharded: boolean;
  private readonly maxPending: number;
  private readonly counter = new SequenceCounter();
  private readonly inbound: Inbound;
  /** nsp → uid → handler. */
  private readonly handlers: Map<string, Map<string, Handler>>;
  /** Every subscribed channel and what it carries. */
  private readonly routes: Map<string, ChannelRoute>;
  /** Room channel → the local nodes that joined it. */
  private readonly rooms: Map<string, RoomSubscription>;
  private publisher: Publisher | undefined;
  private subscriptions: Subscriptions | undefined;
  private publisherReady = false;
  private subscriberHealth: SubscriberHealth = { healthy: false, reason: "connecting" };
  private health: HealthState = "connecting";
  private nextBid = 0;

  constructor(
    private readonly client: RedisClient,
    private readonly options: RedisBackplaneOptions = {},
  ) {
    this.names = new ChannelNames(options.prefix);
    this.clock = options.clock ?? systemClock;
    this.sharded = options.sharded ?? isCluster(client);
    this.maxPending = options.maxPendingPublishes ?? 4096;
    this.inbound = new Inbound(this.names, this.metrics, (gap) => {
      if (this.events.has("gap")) this.events.emit("gap", gap);
    });
    ({ handlers: this.handlers, routes: this.routes, rooms: this.rooms } = this.inbound);
    if (this.sharded !== isCluster(client)) {
      throw new RedisAdapterError(
        "INVALID_ARGUMENT",
        this.sharded ? "sharded pub/sub needs an ioredis Cluster client" : "a Cluster client uses sharded pub/sub",
      );
    }
  }

  /** Whether cross-node traffic flows (publisher ready and every subscription in place). */
  get isHealthy(): boolean {
    return this.health === "healthy";
  }

  /** When subscriptions were last fully restored (clock ms), e.g. to measure recovery after an outage. */
  get resubscribedAt(): number | undefined {
    return this.subscriptions?.resubscribedAt;
  }

  /**
   * Resolves once every SUBSCRIBE/UNSUBSCRIBE sent so far is confirmed by
   * Redis: from then on, broadcasts to the rooms joined before reach this node.
   */
  async subscribed(): Promise<void> {
    await this.subscriptions?.idle();
  }

  /** Listen to `status` and `gap` events; returns the function that stops listening. */
  on<E extends keyof RedisBackplaneEvents>(event: E, listener: RedisBackplaneEvents[E]): () => void {
    return this.events.on(event, listener);
  }

  // ── Backplane ────────────────────────────────────────────────────────────

  publish(message: ClusterMessage, target?: string): Promise<void> {
    const channel = target === undefined ? this.names.namespace(message.nsp) : this.names.node(message.nsp, target);
    return this.send([channel], message, 0);
  }

  publishToRooms(message: ClusterMessage, rooms: readonly Room[]): Promise<void> {
    const channels = rooms.map((room) => this.names.room(message.nsp, room));
    return this.send(channels, message, channels.length > 1 ? FLAG_MULTI_ROOM : 0);
  }

  subscribe(nsp: string, uid: string, handler: Handler): () => Promise<void> {
    this.start();
    let nodes = this.handlers.get(nsp);
    if (nodes === undefined) {
      nodes = new Map();
      this.handlers.set(nsp, nodes);
      this.want(this.names.namespace(nsp), { kind: "namespace", nsp });
    }
    nodes.set(uid, handler);
    this.want(this.names.node(nsp, uid), { kind: "node", nsp, uid });
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      await this.unsubscribeNode(nsp, uid);
    };
  }

  joinRoom(nsp: string, uid: string, room: Room): void {
    const channel = this.names.room(nsp, room);
    let subscription = this.rooms.get(channel);
    if (subscription === undefined) {
      subscription = { nsp, room, uids: new Set() };
      this.rooms.set(channel, subscription);
      this.want(channel, { kind: "room", nsp, room });
    }
    subscription.uids.add(uid);
  }

  leaveRoom(nsp: string, uid: string, room: Room): void {
    const channel = this.names.room(nsp, room);
    const subscription = this.rooms.get(channel);
    if (subscription === undefined || !subscription.uids.delete(uid)) return;
    if (subscription.uids.size > 0) return;
    this.rooms.delete(channel);
    this.unwant(channel);
  }

  /** Calls `listener` at once with the current status, then on every change. */
  watch(listener: (status: BackplaneStatus) => void): () => void {
    this.watchers.add(listener);
    listener(this.status(this.health === "healthy" ? "ready" : "connecting"));
    return () => {
      this.watchers.delete(listener);
    };
  }

  /** Close both connections now (also happens when the last adapter unsubscribes). */
  async close(): Promise<void> {
    const publisher = this.publisher;
    const subscriptions = this.subscriptions;
    this.publisher = undefined;
    this.subscriptions = undefined;
    this.publisherReady = false;
    this.subscriberHealth = { healthy: false, reason: "closed" };
    this.health = "connecting";
    this.routes.clear();
    this.rooms.clear();
    this.handlers.clear();
    this.metrics.subscriptions = 0;
    publisher?.close();
    await subscriptions?.close();
  }

  // ── publishing ───────────────────────────────────────────────────────────

  private send(channels: readonly string[], message: ClusterMessage, flags: number): Promise<void> {
    const publisher = this.publisher;
    if (publisher === undefined || !this.publisherReady) {
      this.metrics.publishFailed += channels.length;
      return Promise.reject(new RedisAdapterError("REDIS_UNAVAILABLE", "redis is not connected: message not sent"));
    }
    if (this.metrics.pendingPublishes + channels.length > this.maxPending) {
      this.metrics.publishOverflow += channels.length;
      return Promise.reject(
        new RedisAdapterError("PUBLISH_OVERFLOW", `more than ${this.maxPending} publishes awaiting redis: message dropped`),
      );
    }
    const body = encodeBody(message); // once, whatever the number of channels
    const bid = ++this.nextBid;
    if (channels.length === 1) return this.sendOne(publisher, channels[0]!, body, flags, message.uid, bid);
    return Promise.all(channels.map((channel) => this.sendOne(publisher, channel, body, flags, message.uid, bid))).then(
      () => undefined,
    );
  }

  private sendOne(publisher: Publisher, channel: string, body: Uint8Array, flags: number, sender: string, bid: number) {
    const data = wrapBody(body, flags, this.publisherId, sender, this.counter.take(channel), bid);
    this.metrics.pendingPublishes++;
    this.metrics.published++;
    return publisher.publish(channel, data).then(this.onPublished, this.onPublishFailed);
  }

  // Shared by every publish: no closure per message.
  private readonly onPublished = (): void => {
    this.metrics.pendingPublishes--;
  };

  private readonly onPublishFailed = (error: unknown): never => {
    this.metrics.pendingPublishes--;
    this.metrics.publishFailed++;
    throw new RedisAdapterError("PUBLISH_FAILED", "redis publish failed", { cause: error });
  };

  // ── receiving ────────────────────────────────────────────────────────────

  // ── subscriptions and health ─────────────────────────────────────────────

  private start(): void {
    if (this.publisher !== undefined) return;
    const health: HealthCheckOptions = { ...this.options, clock: this.clock };
    const onPublisher = (change: ConnectionStateChange) => this.onPublisherState(change);
    const context = {
      onMessage: (channel: string, data: Buffer) => this.inbound.dispatch(channel, data),
      onHealth: (next: SubscriberHealth) => this.onSubscriberHealth(next),
      clock: this.clock,
      health,
      reconnect: this.options,
    };
    if (isCluster(this.client)) {
      const publisher = new ClusterPublisher(this.client, this.clock, health, this.options, onPublisher);
      this.publisher = publisher;
      this.subscriptions = new ShardedSubscriptions(publisher.cluster, context);
    } else {
      this.publisher = new StandalonePublisher(this.client, this.clock, health, this.options, onPublisher);
      this.subscriptions = new SingleSubscriptions(this.client, context);
    }
    this.publisherReady = this.publisher.ready;
  }

  private want(channel: string, route: ChannelRoute): void {
    if (this.routes.has(channel)) return;
    this.routes.set(channel, route);
    this.metrics.subscriptions = this.routes.size;
    this.subscriptions?.add(channel);
  }

  private unwant(channel: string): void {
    if (!this.routes.delete(channel)) return;
    this.metrics.subscriptions = this.routes.size;
    this.inbound.forget(channel);
    this.subscriptions?.remove(channel);
  }

  private async unsubscribeNode(nsp: string, uid: string): Promise<void> {
    const nodes = this.handlers.get(nsp);
    if (nodes === undefined || !nodes.delete(uid)) return;
    this.unwant(this.names.node(nsp, uid));
    for (const [channel, subscription] of this.rooms) {
      if (subscription.nsp !== nsp || !subscription.uids.delete(uid) || subscription.uids.size > 0) continue;
      this.rooms.delete(channel);
      this.unwant(channel);
    }
    if (nodes.size === 0) {
      this.handlers.delete(nsp);
      this.unwant(this.names.namespace(nsp));
    }
    if (this.handlers.size === 0) await this.close();
  }

  private onPublisherState(change: ConnectionStateChange): void {
    if (this.publisher === undefined) return; // closing
    this.publisherReady = change.to === "ready";
    this.countDisconnect(change.to === "down" ? change.reason : undefined);
    this.updateHealth(change.reason);
  }

  private onSubscriberHealth(next: SubscriberHealth): void {
    if (this.subscriptions === undefined) return; // closing
    this.subscriberHealth = next;
    if (!next.healthy) this.countDisconnect(next.reason);
    this.updateHealth(next.reason, next.error);
  }

  private countDisconnect(reason: string | undefined): void {
    if (reason === undefined) return;
    this.metrics.disconnects++;
    if (reason === "ping-timeout" || reason === "handshake-timeout") this.metrics.healthCheckFailures++;
  }

  /**
   * The health funnel: `connecting` until the first full connection, then
   * `healthy` or `degraded`. Only transitions are reported.
   */
  private updateHealth(reason: string, error?: unknown): void {
    const ready = this.publisherReady && this.subscriberHealth.healthy;
    const next: HealthState = ready ? "healthy" : this.health === "connecting" && !isFailure(reason) ? "connecting" : "degraded";
    if (next === this.health) return;
    this.health = next;
    const status = this.status(reason, error);
    this.events.emit("status", status);
    for (const watcher of this.watchers) watcher(status);
  }

  private status(reason: string, error?: unknown): BackplaneStatus {
    if (this.health === "healthy") return { healthy: true, reason };
    if (this.health === "connecting") return { healthy: false, reason: "connecting" };
    return {
      healthy: false,
      reason,
      error: error ?? new RedisAdapterError("REDIS_UNAVAILABLE", `redis connection lost (${reason})`),
    };
  }
}

/** Health of the backplane as a whole. */
type HealthState = "connecting" | "healthy" | "degraded";

/** Whether a state-change reason means something failed (as opposed to progress while connecting). */
function isFailure(reason: string): boolean {
  return reason !== "ready" && reason !== "resubscribed" && reason !== "connecting";
}
