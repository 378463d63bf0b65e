import type { NodeProbe } from "../../src/faults/fault-node-protocol.js";
import { withDeadline } from "../../src/faults/fault-deadline.js";
import { FaultNode } from "../../src/faults/fault-node.js";
import { RedisProcess } from "../../src/faults/redis-process.js";
import { SeqPublisher } from "../../src/faults/seq-publisher.js";
import { StreamClient } from "../../src/faults/stream-client.js";
import { requireTools } from "../../src/faults/system-tools.js";

/** Options of {@link RedisPair.start}. */
export interface RedisPairOptions {
  /** Extra `redis-server` arguments (e.g. `--enable-debug-command local`). */
  readonly redisArgs?: readonly string[];
  /** Node `a`'s bound on publishes awaiting Redis. */
  readonly maxPendingPublishes?: number;
  /** Connection state recovery on Redis (packet log on Streams) on both nodes. */
  readonly recovery?: boolean;
  /** Clients on each node. Default 2. */
  readonly clientsPerNode?: number;
}

/** Heartbeats of the Redis faults: small, so a false timeout would show within the fault. */
export const PAIR_TIMING = { pingInterval: 1000, pingTimeout: 1000, heartbeatInterval: 500 } as const;

/**
 * Redis + nodes `a` and `b`, each with its own stream clients in room
 * `stream`. The seq stream is emitted on `a` (through its `emit` command), so
 * `a`'s clients get it locally and `b`'s only through Redis: a Redis fault
 * shows as the difference between the two groups.
 */
export class RedisPair {
  private constructor(
    readonly redis: RedisProcess,
    readonly a: FaultNode,
    readonly b: FaultNode,
    readonly publisher: SeqPublisher,
    readonly local: StreamClient[],
    readonly remote: StreamClient[],
  ) {}

  static async start(options: RedisPairOptions = {}): Promise<RedisPair> {
    requireTools("redis-server", "redis-cli");
    const redis = await RedisProcess.start({ args: options.redisArgs ?? [] });
    const started = await Promise.allSettled(
      ["a", "b"].map((name) =>
        FaultNode.start({
          name,
          redisUrl: redis.url,
          ...PAIR_TIMING,
          ...(options.recovery === true ? { recovery: true } : {}),
          ...(name === "a" && options.maxPendingPublishes !== undefined ? { maxPendingPublishes: options.maxPendingPublishes } : {}),
        }),
      ),
    );
    const [a, b] = started.map((n) => (n.status === "fulfilled" ? n.value : undefined));
    if (a === undefined || b === undefined) {
      // Nothing may outlive a failed start: the caller has no handle to close.
      await Promise.all([a?.dispose(), b?.dispose()]);
      await redis.stop();
      throw (started.find((n) => n.status === "rejected") as PromiseRejectedResult).reason;
    }
    const publisher = new SeqPublisher((n, stamp) => {
      a.call({ cmd: "emit", room: "stream", event: "seq", args: [n, stamp] }).catch(() => {});
    });
    const count = options.clientsPerNode ?? 2;
    const make = (node: FaultNode, prefix: string): StreamClient[] =>
      Array.from({ length: count }, (_, i) => new StreamClient({ url: node.url, clientId: `${prefix}${i}`, room: "stream" }));
    const pair = new RedisPair(redis, a, b, publisher, make(a, "local"), make(b, "remote"));
    try {
      await withDeadline(Promise.all(pair.clients.map((c) => c.connected$())), 10_000, "clients connect");
      publisher.start();
      // A number published once every client is in (and `b` subscribed to the room) reaches all of them.
      const marker = publisher.sent + 30;
      await withDeadline(Promise.all(pair.clients.map((c) => c.received(marker))), 10_000, "stream reaches every client");
    } catch (error) {
      await pair.close();
      throw error;
    }
    return pair;
  }

  get clients(): StreamClient[] {
    return [...this.local, ...this.remote];
  }

  /** Probe both nodes (this also resets each node's event-loop delay maximum). */
  async probe(): Promise<{ a: NodeProbe; b: NodeProbe }> {
    const [a, b] = await Promise.all([this.a.probe(), this.b.probe()]);
    return { a, b };
  }

  /** Client disconnects so far (heartbeat timeouts included). */
  disconnects(): number {
    return this.clients.reduce((sum, c) => sum + c.outages.length, 0);
  }

  /** Publish a little more, stop, and resolve once every client has the last number; returns it. */
  async drain(extra = 30): Promise<number> {
    const last = this.publisher.sent + extra;
    await withDeadline(Promise.all(this.clients.map((c) => c.received(last))), 15_000, "stream reaches every client after the fault");
    this.publisher.stop();
    return last;
  }

  async close(): Promise<void> {
    for (const client of this.clients) client.close();
    await this.publisher.close();
    await Promise.all([this.a.dispose(), this.b.dispose()]);
    await this.redis.stop();
  }
}
