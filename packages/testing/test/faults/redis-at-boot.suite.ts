/**
 * F17 (RELIABILITY.md §4(b)): the server starts while its Redis is down. The
 * documented choice (`packages/redis/README.md`, "Redis unavailable at boot"):
 * start degraded, serve local clients, connect when Redis appears. Never an
 * unhandled rejection (the node exits with 70 and reports one if so).
 */
import { performance } from "node:perf_hooks";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { withDeadline } from "../../src/faults/fault-deadline.js";
import { formatFaultLine } from "../../src/faults/fault-line.js";
import { FaultNode } from "../../src/faults/fault-node.js";
import { freePort } from "../../src/faults/free-port.js";
import { RedisProcess } from "../../src/faults/redis-process.js";
import { requireTools } from "../../src/faults/system-tools.js";
import { SeqPublisher } from "../../src/faults/seq-publisher.js";
import { sumCounts } from "../../src/faults/seq-tally.js";
import { StreamClient } from "../../src/faults/stream-client.js";

const TIMING = { pingInterval: 500, pingTimeout: 500, heartbeatInterval: 250 } as const;
/** How long the node runs without Redis: several of the adapter's reconnect attempts. */
const DOWN_MS = 1500;

let nodes: FaultNode[] = [];
let clients: StreamClient[] = [];
let publisher: SeqPublisher | undefined;
let redis: RedisProcess | undefined;

/** Registered by `faults.test.ts`, which runs every fault suite one after another. */
export function redisAtBootSuite(): void {
  describe("F17 Redis unavailable at boot", () => {
    beforeAll(() => requireTools("redis-server", "redis-cli"));

    afterEach(async () => {
      publisher?.stop();
      for (const client of clients) client.close();
      clients = [];
      await Promise.all(nodes.map((n) => n.dispose()));
      nodes = [];
      await redis?.stop();
      redis = undefined;
    });

    describe("F17 Redis unavailable at boot", () => {
      it("starts degraded, serves local clients without loss, joins the cluster once Redis appears", { timeout: 40_000 }, async () => {
        const port = await freePort();
        const url = `redis://127.0.0.1:${port}`;
        const a = await FaultNode.start({ name: "a", redisUrl: url, ...TIMING });
        nodes.push(a);
        const local = Array.from({ length: 5 }, (_, i) => new StreamClient({ url: a.url, clientId: `a${i}`, room: "stream" }));
        clients.push(...local);
        await withDeadline(Promise.all(local.map((c) => c.connected$())), 10_000, "local clients connect without Redis");
        const stream = new SeqPublisher((n, stamp) => {
          a.call({ cmd: "emit", room: "stream", event: "seq", args: [n, stamp] }).catch(() => {});
        });
        publisher = stream;
        stream.start();
        // The outage itself: a fault duration, not a synchronisation.
        await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
        const degraded = a.facts.some((f) => f.type === "backplane" && !f.healthy);

        const healthy = a.waitFor((f) => f.type === "backplane" && f.healthy);
        const redisStarted = performance.now();
        redis = await RedisProcess.start({ port });
        await withDeadline(healthy, 10_000, "backplane healthy after Redis appeared");
        const healthyMs = performance.now() - redisStarted;

        // Cross-node delivery now works: a client of a second node gets node a's room broadcasts.
        const b = await FaultNode.start({ name: "b", redisUrl: url, ...TIMING });
        nodes.push(b);
        const remote = new StreamClient({ url: b.url, clientId: "b0", room: "stream" });
        clients.push(remote);
        await withDeadline(remote.connected$(), 10_000, "remote client connects");
        const firstSeen = stream.sent;
        const last = stream.sent + 100;
        await withDeadline(Promise.all(clients.map((c) => c.received(last))), 10_000, "stream reaches local and remote clients");
        stream.stop();

        const counts = sumCounts(local.map((c) => c.tally.counts(last)));
        const remoteLost = remote.tally.missing(firstSeen + 30, last).length;
        console.log(
          formatFaultLine({
            id: "F17",
            name: "Redis down at boot, up after 1.5 s",
            outageMs: DOWN_MS,
            recoverMs: healthyMs,
            counts,
            alive: a.running,
            extra: {
              "reported degraded": degraded ? "yes" : "no",
              "remote client lost after join": remoteLost,
              errors: a.facts.filter((f) => f.type === "error").length,
            },
          }),
        );
        expect(a.facts.filter((f) => f.type === "unhandled")).toEqual([]);
        expect(a.running).toBe(true);
        expect(degraded).toBe(true);
        expect(counts).toMatchObject({ lost: 0, duplicated: 0, reordered: 0 });
        expect(remoteLost).toBe(0);
        // Resubscribed within the liveness promise (§3.5: Redis link problems detected within 3 s).
        expect(healthyMs).toBeLessThan(3000);
      });
    });
  });
}
