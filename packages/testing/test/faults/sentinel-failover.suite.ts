/**
 * F2 (RELIABILITY.md §4(b)): Sentinel failover under a 2-node cluster. Primary
 * + replica + 3 sentinels (`redis-server --sentinel`, quorum 2,
 * `down-after-milliseconds 1000`, `failover-timeout 5000`) on loopback; nodes
 * and the stream's emitter use ioredis in sentinel mode. `kill -9` the
 * primary mid-stream: the cluster must follow the new master within 3 s of
 * the promotion, never duplicate or reorder, and lose only around the outage.
 */
import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { withDeadline } from "../../src/faults/fault-deadline.js";
import { formatFaultLine } from "../../src/faults/fault-line.js";
import { FaultNode } from "../../src/faults/fault-node.js";
import { RedisProcess } from "../../src/faults/redis-process.js";
import { requireTools } from "../../src/faults/system-tools.js";
import { SeqPublisher } from "../../src/faults/seq-publisher.js";
import { sumCounts } from "../../src/faults/seq-tally.js";
import { StreamClient } from "../../src/faults/stream-client.js";
import { TcpBalancer } from "../../src/faults/tcp-balancer.js";

const MASTER = "cometa";
const TIMING = { pingInterval: 500, pingTimeout: 500, heartbeatInterval: 250 } as const;
const CLIENTS = 10;
/** Promise §3.5 / F2: the cluster follows the new master within this long after the promotion. */
const FOLLOW_MS = 3000;

let processes: RedisProcess[] = [];
let nodes: FaultNode[] = [];
let clients: StreamClient[] = [];
let balancer: TcpBalancer | undefined;
let publisher: SeqPublisher | undefined;

/** Registered by `faults.test.ts`, which runs every fault suite one after another. */
export function sentinelFailoverSuite(): void {
  describe("F2 Sentinel failover", () => {
    beforeAll(() => requireTools("redis-server", "redis-cli"));

    afterEach(async () => {
      for (const client of clients) client.close();
      clients = [];
      await publisher?.close();
      publisher = undefined;
      await balancer?.close();
      balancer = undefined;
      await Promise.all(nodes.map((n) => n.dispose()));
      nodes = [];
      await Promise.all(processes.map((p) => p.stop()));
      processes = [];
    });

    /** Poll `probe` until it returns true (a condition on external processes: there is no event to await). */
    async function until(probe: () => boolean, ms: number, step: string): Promise<void> {
      const deadline = performance.now() + ms;
      while (!probe()) {
        if (performance.now() > deadline) throw new Error(`${step}: not within ${ms} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    function masterPort(sentinel: RedisProcess): number {
      try {
        return Number(sentinel.cli("SENTINEL", "get-master-addr-by-name", MASTER).split("\n")[1]);
      } catch {
        return 0;
      }
    }

    describe("F2 Sentinel failover", () => {
      it("follows the promoted replica within 3 s of the promotion, with no duplicate or reordering", { timeout: 60_000 }, async () => {
        const primary = await RedisProcess.start();
        processes.push(primary);
        const replica = await RedisProcess.start({ args: ["--replicaof", "127.0.0.1", String(primary.port), "--repl-diskless-sync-delay", "0"] });
        processes.push(replica);
        const sentinelConfig =
          `sentinel monitor ${MASTER} 127.0.0.1 ${primary.port} 2\n` +
          `sentinel down-after-milliseconds ${MASTER} 1000\nsentinel failover-timeout ${MASTER} 5000\n`;
        const sentinels = await Promise.all([0, 1, 2].map(() => RedisProcess.start({ sentinelConfig })));
        processes.push(...sentinels);
        await until(() => replica.cli("INFO", "replication").includes("master_link_status:up"), 10_000, "replica in sync");
        await until(
          () => sentinels.every((s) => s.cli("SENTINEL", "sentinels", MASTER).split("\n").filter((l) => l === "name").length === 2),
          15_000,
          "sentinels know each other",
        );
        await until(() => sentinels.every((s) => s.cli("SENTINEL", "replicas", MASTER).includes(String(replica.port))), 15_000, "sentinels know the replica");

        const sentinel = { sentinels: sentinels.map((s) => ({ host: "127.0.0.1", port: s.port })), name: MASTER };
        const [a, b] = await Promise.all(["a", "b"].map((name) => FaultNode.start({ name, sentinel, ...TIMING })));
        nodes.push(a!, b!);
        balancer = await TcpBalancer.start([a!.port, b!.port]);
        const lb = balancer;
        clients = Array.from({ length: CLIENTS }, (_, i) => new StreamClient({ url: lb.url, clientId: `c${i}`, room: "stream" }));
        await withDeadline(Promise.all(clients.map((c) => c.connected$())), 10_000, "clients connect");
        const stream = SeqPublisher.overRedis(new Redis({ sentinels: sentinel.sentinels, name: MASTER }), "stream");
        publisher = stream;
        stream.start();
        const warm = stream.sent + 30;
        await withDeadline(Promise.all(clients.map((c) => c.received(warm))), 10_000, "stream reaches every client");

        const injected = performance.now();
        await primary.kill();
        await until(() => masterPort(sentinels[0]!) === replica.port, 15_000, "sentinels promote the replica");
        const promoted = performance.now();
        const promotedAt = stream.sent;
        // Every number published from FOLLOW_MS after the promotion on must reach every client.
        await until(() => performance.now() - promoted >= FOLLOW_MS, FOLLOW_MS + 1000, "follow window");
        const from = stream.sent + 1;
        const last = stream.sent + 50;
        await withDeadline(Promise.all(clients.map((c) => c.received(last))), 10_000, "stream resumes after the failover");
        stream.stop();
        // First number after the promotion that every client got: when the cluster was following again.
        let resumed = promotedAt + 1;
        while (resumed <= last && !clients.every((c) => c.tally.has(resumed))) resumed += 1;
        const followMs = (stream.sentAt[resumed - 1] ?? promoted) - promoted;

        const counts = sumCounts(clients.map((c) => c.tally.counts(last)));
        const lateLost = clients.reduce((sum, c) => sum + c.tally.missing(from, last).length, 0);
        const probes = await Promise.all([a!.probe(), b!.probe()]);
        console.log(
          formatFaultLine({
            id: "F2",
            name: "Sentinel failover (kill -9 primary)",
            outageMs: promoted - injected + Math.max(0, followMs),
            recoverMs: promoted - injected + Math.max(0, followMs),
            counts,
            alive: a!.running && b!.running,
            extra: {
              "promotion ms": (promoted - injected).toFixed(0),
              "following again ms after promotion": followMs.toFixed(0),
              "client disconnects": clients.reduce((s, c) => s + c.outages.length, 0),
              "node errors": probes.map((p) => p.errors).join("/"),
              sent: stream.sent,
            },
          }),
        );
        expect(a!.running && b!.running).toBe(true);
        expect(a!.facts.concat(b!.facts).filter((f) => f.type === "unhandled")).toEqual([]);
        expect(counts).toMatchObject({ duplicated: 0, reordered: 0 });
        expect(lateLost).toBe(0);
        expect(followMs).toBeLessThanOrEqual(FOLLOW_MS);
        // Clients never notice a Redis failover: their connections to the nodes stay up.
        expect(clients.every((c) => c.outages.length === 0)).toBe(true);
      });
    });
  });
}
