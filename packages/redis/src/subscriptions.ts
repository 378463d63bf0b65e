import type { Clock } from "@cometa/server";
import type { Cluster, Redis } from "ioredis";
import { ChannelSubscriber, type SubscriberHealth } from "./channel-subscriber.js";
import { keySlot } from "./key-slot.js";
import type { HealthCheckOptions } from "./monitored-connection.js";
import { connectToNode, duplicateStandalone, type ReconnectOptions } from "./redis-clients.js";

/**
 * The channels a backplane listens to, over one connection (plain pub/sub)
 * or one connection per master (sharded pub/sub on Redis Cluster).
 */
export interface Subscriptions {
  add(channel: string): void;
  remove(channel: string): void;
  /** When subscriptions were last fully restored (clock ms). */
  readonly resubscribedAt: number | undefined;
  /** Resolves once every (un)subscribe sent so far is confirmed. */
  idle(): Promise<void>;
  /** Close every connection it owns. */
  close(): Promise<void>;
}

/** What both kinds need. */
export interface SubscriptionsContext {
  readonly onMessage: (channel: string, data: Buffer) => void;
  readonly onHealth: (health: SubscriberHealth) => void;
  readonly clock: Clock;
  readonly health: HealthCheckOptions;
  readonly reconnect: ReconnectOptions;
}

/** Plain SUBSCRIBE on one dedicated connection (a fail-fast duplicate of `template`). */
export class SingleSubscriptions implements Subscriptions {
  private readonly subscriber: ChannelSubscriber;
  private readonly client: Redis;

  constructor(template: Redis, context: SubscriptionsContext) {
    this.client = duplicateStandalone(template, context.reconnect);
    this.client.on("error", () => {}); // reported through health changes, not as unhandled 'error' events
    this.subscriber = new ChannelSubscriber(
      this.client,
      "subscribe",
      context.onMessage,
      context.onHealth,
      context.clock,
      context.health,
    );
  }

  get resubscribedAt(): number | undefined {
    return this.subscriber.resubscribedAt;
  }

  add(channel: string): void {
    this.subscriber.add(channel);
  }

  remove(channel: string): void {
    this.subscriber.remove(channel);
  }

  idle(): Promise<void> {
    return this.subscriber.idle();
  }

  async close(): Promise<void> {
    this.subscriber.close();
    this.client.disconnect();
  }
}

/**
 * Sharded SSUBSCRIBE on Redis Cluster: a channel lives on the master owning
 * its hash slot, so there is one subscriber connection per master, each
 * health-checked on its own. Channels move when the slot map changes.
 */
export class ShardedSubscriptions implements Subscriptions {
  private readonly shards = new Map<string, { client: Redis; subscriber: ChannelSubscriber; healthy: boolean }>();
  private readonly wanted = new Set<string>();
  /** Channel → node key ("host:port") it is subscribed on. */
  private readonly placed = new Map<string, string>();
  private readonly onTopology = () => this.rebalance();
  private healthy = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly context: SubscriptionsContext,
  ) {
    cluster.on("ready", this.onTopology);
    cluster.on("refresh", this.onTopology);
  }

  get resubscribedAt(): number | undefined {
    let latest: number | undefined;
    for (const shard of this.shards.values()) {
      const at = shard.subscriber.resubscribedAt;
      if (at !== undefined && (latest === undefined || at > latest)) latest = at;
    }
    return latest;
  }

  add(channel: string): void {
    this.wanted.add(channel);
    this.place(channel);
  }

  remove(channel: string): void {
    this.wanted.delete(channel);
    const key = this.placed.get(channel);
    this.placed.delete(channel);
    if (key !== undefined) this.shards.get(key)?.subscriber.remove(channel);
  }

  async idle(): Promise<void> {
    await Promise.all([...this.shards.values()].map((shard) => shard.subscriber.idle()));
  }

  async close(): Promise<void> {
    this.cluster.off("ready", this.onTopology);
    this.cluster.off("refresh", this.onTopology);
    for (const shard of this.shards.values()) {
      shard.subscriber.close();
      shard.client.disconnect();
    }
    this.shards.clear();
  }

  /** Subscribe `channel` on the master owning its slot (later, if the slot map is not known yet). */
  private place(channel: string): void {
    const key = this.cluster.slots[keySlot(channel)]?.[0];
    if (key === undefined) return; // slot map not loaded: the next "ready"/"refresh" places it
    const current = this.placed.get(channel);
    if (current === key) return;
    if (current !== undefined) this.shards.get(current)?.subscriber.remove(channel);
    this.shard(key).subscriber.add(channel);
    this.placed.set(channel, key);
  }

  private rebalance(): void {
    for (const channel of this.wanted) this.place(channel);
  }

  private shard(key: string) {
    let shard = this.shards.get(key);
    if (shard !== undefined) return shard;
    const at = key.lastIndexOf(":");
    const client = connectToNode(this.cluster, key.slice(0, at), Number(key.slice(at + 1)), this.context.reconnect);
    client.on("error", () => {}); // reported through health changes
    const entry = { client, subscriber: undefined as unknown as ChannelSubscriber, healthy: false };
    entry.subscriber = new ChannelSubscriber(
      client,
      "ssubscribe",
      this.context.onMessage,
      (health) => {
        entry.healthy = health.healthy;
        this.aggregate(health);
      },
      this.context.clock,
      this.context.health,
    );
    shard = entry;
    this.shards.set(key, shard);
    return shard;
  }

  /** Healthy when every shard is; report only changes. */
  private aggregate(last: SubscriberHealth): void {
    let all = true;
    for (const shard of this.shards.values()) all &&= shard.healthy;
    if (all === this.healthy) return;
    this.healthy = all;
    this.context.onHealth(all ? { healthy: true, reason: last.reason } : last);
  }
}
