import type { Clock } from "@cometa/server";
import { keySlot } from "./key-slot.js";
import { type ConnectionStateChange, type HealthCheckOptions, MonitoredConnection } from "./monitored-connection.js";
import type { SubscriberClient } from "./redis-clients.js";

/** Plain or sharded pub/sub. */
export type SubscribeMode = "subscribe" | "ssubscribe";

/** Subscription health, as the backplane aggregates it. */
export interface SubscriberHealth {
  /** Connected and every wanted channel subscribed. */
  readonly healthy: boolean;
  readonly reason: string;
  readonly error?: unknown;
}

// SUBSCRIBE takes any number of channels; batches keep each command small.
const BATCH = 500;

/**
 * One subscriber connection and the channels it should hold. It owns the
 * wanted set, not ioredis: on every `ready` (first connect and each reconnect)
 * it subscribes the whole set again (ioredis' own autoResubscribe is off), so
 * it knows when the subscriptions are back and can say so.
 */
export class ChannelSubscriber {
  private readonly channels = new Set<string>();
  readonly connection: MonitoredConnection;
  /** When the last full resubscription was confirmed (clock ms), for recovery figures. */
  resubscribedAt: number | undefined;
  private readonly unsubscribeCommand: "unsubscribe" | "sunsubscribe";
  /** (Un)subscribe commands awaiting Redis' confirmation. */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Connected and the whole set subscribed on this connection. */
  private synced = false;
  private readonly syncWaiters: (() => void)[] = [];
  private readonly onMessageEvent = (channel: Buffer, data: Buffer) => this.onMessage(channel.toString(), data);

  constructor(
    readonly client: SubscriberClient,
    private readonly mode: SubscribeMode,
    private readonly onMessage: (channel: string, data: Buffer) => void,
    private readonly onHealth: (health: SubscriberHealth) => void,
    private readonly clock: Clock,
    health: HealthCheckOptions,
  ) {
    this.unsubscribeCommand = mode === "subscribe" ? "unsubscribe" : "sunsubscribe";
    client.on(mode === "subscribe" ? "messageBuffer" : "smessageBuffer", this.onMessageEvent);
    this.connection = new MonitoredConnection(client, { ...health, clock }, (change) => this.onState(change));
    if (this.connection.state === "ready") this.resubscribe();
  }

  /** Number of channels held. */
  get size(): number {
    return this.channels.size;
  }

  /** Whether `channel` is wanted. */
  has(channel: string): boolean {
    return this.channels.has(channel);
  }

  /** Subscribe to `channel` (now if connected, otherwise on the next ready). */
  add(channel: string): void {
    if (this.channels.has(channel)) return;
    this.channels.add(channel);
    if (this.connection.state !== "ready") return;
    this.track(this.client[this.mode](channel).catch((error: unknown) => this.failed(error)));
  }

  /** Unsubscribe from `channel`. */
  remove(channel: string): void {
    if (!this.channels.delete(channel)) return;
    if (this.connection.state !== "ready") return;
    // A failure means the connection dropped; the next ready subscribes only what is wanted.
    this.track(this.client[this.unsubscribeCommand](channel).catch(() => {}));
  }

  /**
   * Resolves once the connection is up with every wanted channel subscribed
   * and every (un)subscribe sent so far confirmed. Waits for Redis if it is
   * down (tests and orderly start-ups use it, not the message path).
   */
  async idle(): Promise<void> {
    for (;;) {
      if (!this.synced) await new Promise<void>((resolve) => this.syncWaiters.push(resolve));
      else if (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
      else return;
    }
  }

  private setSynced(synced: boolean): void {
    this.synced = synced;
    if (synced) for (const resolve of this.syncWaiters.splice(0)) resolve();
  }

  private track(command: Promise<unknown>): void {
    this.inFlight.add(command);
    command.finally(() => this.inFlight.delete(command));
  }

  /** Every channel held (to move them elsewhere). */
  list(): string[] {
    return [...this.channels];
  }

  /** Stop: unsubscribe nothing (the connection is closed by the caller). */
  close(): void {
    this.connection.close();
    this.client.off(this.mode === "subscribe" ? "messageBuffer" : "smessageBuffer", this.onMessageEvent);
    this.channels.clear();
    this.inFlight.clear();
    this.setSynced(true); // nothing left to wait for
  }

  private onState(change: ConnectionStateChange): void {
    this.setSynced(false);
    if (change.to === "ready") {
      this.resubscribe();
    } else if (change.to === "down") {
      this.onHealth({ healthy: false, reason: change.reason });
    }
  }

  private resubscribe(): void {
    const all = [...this.channels];
    if (all.length === 0) {
      this.resubscribedAt = this.clock.now();
      this.setSynced(true);
      this.onHealth({ healthy: true, reason: "ready" });
      return;
    }
    const batches: Promise<unknown>[] = [];
    for (const batch of this.batches(all)) batches.push(this.client[this.mode](...batch));
    const restored = Promise.all(batches);
    this.track(restored.catch(() => {}));
    restored.then(
      () => {
        if (this.connection.state !== "ready") return;
        this.resubscribedAt = this.clock.now();
        this.setSynced(true);
        this.onHealth({ healthy: true, reason: "resubscribed" });
      },
      (error: unknown) => this.failed(error),
    );
  }

  /**
   * SUBSCRIBE takes any channels; SSUBSCRIBE only channels of one hash slot
   * (CROSSSLOT otherwise), so sharded channels are grouped by slot.
   */
  private batches(channels: readonly string[]): string[][] {
    if (this.mode === "subscribe") {
      const out: string[][] = [];
      for (let i = 0; i < channels.length; i += BATCH) out.push(channels.slice(i, i + BATCH));
      return out;
    }
    const bySlot = new Map<number, string[]>();
    for (const channel of channels) {
      const slot = keySlot(channel);
      const group = bySlot.get(slot);
      if (group === undefined) bySlot.set(slot, [channel]);
      else group.push(channel);
    }
    return [...bySlot.values()];
  }

  private failed(error: unknown): void {
    // A SUBSCRIBE that fails on a live connection leaves us deaf to a channel:
    // reconnect so the next ready subscribes everything again.
    this.onHealth({ healthy: false, reason: "subscribe-failed", error });
    if (this.connection.state === "ready") this.client.stream?.destroy();
  }
}
