import { performance } from "node:perf_hooks";
import { FaultNode } from "../../src/faults/fault-node.js";
import { RedisProcess } from "../../src/faults/redis-process.js";
import { requireTools } from "../../src/faults/system-tools.js";
import { SeqPublisher } from "../../src/faults/seq-publisher.js";
import { StreamClient } from "../../src/faults/stream-client.js";
import { TcpBalancer } from "../../src/faults/tcp-balancer.js";
import { withDeadline } from "../../src/faults/fault-deadline.js";

/** Heartbeats of the cluster faults: small, so each fault finishes in seconds. */
export const TIMING = { pingInterval: 500, pingTimeout: 500, heartbeatInterval: 250 } as const;

/** Redis + nodes `a` and `b` behind a round-robin balancer + `clients` stream clients in room `stream`. */
export class TwoNodeCluster {
  private constructor(
    readonly redis: RedisProcess,
    readonly a: FaultNode,
    readonly b: FaultNode,
    readonly balancer: TcpBalancer,
    readonly publisher: SeqPublisher,
    readonly clients: StreamClient[],
  ) {}

  static async start(clientCount: number): Promise<TwoNodeCluster> {
    requireTools("redis-server", "redis-cli");
    const redis = await RedisProcess.start();
    const nodes = await Promise.allSettled(["a", "b"].map((name) => FaultNode.start({ name, redisUrl: redis.url, ...TIMING })));
    const [a, b] = nodes.map((n) => (n.status === "fulfilled" ? n.value : undefined));
    if (a === undefined || b === undefined) {
      // Nothing may outlive a failed start: the caller has no handle to close.
      await Promise.all([a?.dispose(), b?.dispose()]);
      await redis.stop();
      throw (nodes.find((n) => n.status === "rejected") as PromiseRejectedResult).reason;
    }
    const balancer = await TcpBalancer.start([a.port, b.port]);
    const publisher = SeqPublisher.overRedis(redis.url, "stream");
    const clients = Array.from(
      { length: clientCount },
      (_, i) => new StreamClient({ url: balancer.url, clientId: `c${i}`, room: "stream" }),
    );
    const cluster = new TwoNodeCluster(redis, a, b, balancer, publisher, clients);
    try {
      await withDeadline(Promise.all(clients.map((c) => c.connected$())), 10_000, "clients connect");
    } catch (error) {
      await cluster.close();
      throw error;
    }
    return cluster;
  }

  /** Start the stream and resolve once every client has received a number published after it joined. */
  async warmUp(): Promise<void> {
    this.publisher.start();
    // A number published after every client is in (and its node subscribed) reaches all of them.
    const marker = this.publisher.sent + 30;
    await withDeadline(Promise.all(this.clients.map((c) => c.received(marker))), 10_000, "stream reaches every client");
  }

  /** Resolve once every client is connected again, with the time that took from `since`. */
  async allBack(since: number): Promise<number> {
    await withDeadline(
      Promise.all(this.clients.map((c) => (c.connected && c.outages.every((o) => o.until !== undefined) ? undefined : c.connected$(true)))),
      15_000,
      "every client reconnected",
    );
    return performance.now() - since;
  }

  /**
   * The last number counted: set by {@link drain}. Numbers after it may still be in flight when the
   * publisher stops, so they are not counted as lost.
   */
  last = 0;

  /** Publish a little more, stop, and resolve once every client has the last counted number. */
  async drain(extra = 30): Promise<void> {
    const last = this.publisher.sent + extra;
    await withDeadline(Promise.all(this.clients.map((c) => c.received(last))), 10_000, "stream resumes at every client");
    this.publisher.stop();
    this.last = last;
  }

  /** Longest client outage, ms. */
  longestOutage(): number {
    return Math.max(0, ...this.clients.flatMap((c) => c.outages.map((o) => (o.until ?? performance.now()) - o.from)));
  }

  async close(): Promise<void> {
    for (const client of this.clients) client.close();
    await this.publisher.close();
    await this.balancer.close();
    await Promise.all([this.a.dispose(), this.b.dispose()]);
    await this.redis.stop();
  }
}
