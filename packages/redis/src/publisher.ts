import type { Clock } from "@cometa/server";
import type { Cluster, Redis } from "ioredis";
import { type ConnectionStateChange, type HealthCheckOptions, MonitoredConnection } from "./monitored-connection.js";
import { duplicateCluster, duplicateStandalone, type ReconnectOptions } from "./redis-clients.js";

/** The publishing side of a backplane: one fail-fast, health-checked connection. */
export interface Publisher {
  /** Whether a publish can be attempted now (otherwise it fails fast). */
  readonly ready: boolean;
  publish(channel: string, data: Buffer): Promise<unknown>;
  close(): void;
}

/** PUBLISH on a dedicated standalone connection. */
export class StandalonePublisher implements Publisher {
  private readonly client: Redis;
  private readonly connection: MonitoredConnection;

  constructor(
    template: Redis,
    clock: Clock,
    health: HealthCheckOptions,
    reconnect: ReconnectOptions,
    onChange: (change: ConnectionStateChange) => void,
  ) {
    this.client = duplicateStandalone(template, reconnect);
    this.client.on("error", () => {}); // failures surface as state changes and rejected publishes
    this.connection = new MonitoredConnection(this.client, { ...health, clock }, onChange);
  }

  get ready(): boolean {
    return this.connection.state === "ready";
  }

  publish(channel: string, data: Buffer): Promise<unknown> {
    return this.client.publish(channel, data);
  }

  close(): void {
    this.connection.close();
    this.client.disconnect();
  }
}

/** SPUBLISH through a cluster client (routed to the master owning the channel's slot). */
export class ClusterPublisher implements Publisher {
  /** The cluster client; its slot map also places sharded subscriptions. */
  readonly cluster: Cluster;
  private readonly connection: MonitoredConnection;

  constructor(
    template: Cluster,
    clock: Clock,
    health: HealthCheckOptions,
    reconnect: ReconnectOptions,
    onChange: (change: ConnectionStateChange) => void,
  ) {
    this.cluster = duplicateCluster(template, reconnect);
    this.cluster.on("error", () => {});
    this.cluster.on("node error", () => {});
    this.connection = new MonitoredConnection(this.cluster, { ...health, clock }, onChange);
  }

  get ready(): boolean {
    return this.connection.state === "ready";
  }

  publish(channel: string, data: Buffer): Promise<unknown> {
    return this.cluster.spublish(channel, data);
  }

  close(): void {
    this.connection.close();
    this.cluster.disconnect();
  }
}
