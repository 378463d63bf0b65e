/**
 * F5 graceful shutdown and F4 kill -9 of one of two nodes behind a balancer
 * (RELIABILITY.md §4(b)). Cluster faults use a round-robin TCP balancer
 * (`src/faults/tcp-balancer.ts`; haproxy is not installed here) that skips
 * backends refusing connections, WebSocket-only clients (no stickiness
 * needed), and a `@cometa/redis` emitter in the test process as the stream's
 * publisher, so killing a node never stops the stream. Delivery is
 * at-most-once without recovery: a client may lose what was published while
 * it was away, never anything while connected, and never sees a duplicate or
 * a reordering.
 */
import { performance } from "node:perf_hooks";
import { afterEach, describe, expect, it } from "vitest";
import { formatFaultLine } from "../../src/faults/fault-line.js";
import { sumCounts } from "../../src/faults/seq-tally.js";
import { TIMING, TwoNodeCluster } from "./two-node-cluster.js";

const CLIENTS = 20;
/** A client counts as away this long around its outage (disconnect event latency, resubscribe). */
const GRACE_MS = 300;

let cluster: TwoNodeCluster | undefined;

/** Registered by `faults.test.ts`, which runs every fault suite one after another. */
export function nodeFaultsSuite(): void {
  describe("cluster node faults (F4, F5)", () => {
    afterEach(async () => {
      await cluster?.close();
      cluster = undefined;
    });

    function expectAtMostOnceInOrder(current: TwoNodeCluster): void {
      for (const client of current.clients) {
        const counts = client.tally.counts(current.last);
        expect({ id: client.options.clientId, duplicated: counts.duplicated, reordered: counts.reordered }).toEqual({
          id: client.options.clientId,
          duplicated: 0,
          reordered: 0,
        });
        // Loss only while away: nothing published while this client was connected may be missing.
        expect(client.lostWhileConnected(current.publisher.sentAt.slice(0, current.last), GRACE_MS)).toEqual([]);
      }
    }

    describe("F5 graceful shutdown (SIGTERM) of one of two nodes", () => {
      it("exits cleanly, its clients move to the other node and lose only what was published while they moved", { timeout: 60_000 }, async () => {
        const current = await TwoNodeCluster.start(CLIENTS);
        cluster = current;
        await current.warmUp();
        const onA = current.a.live.size;
        const injected = performance.now();
        const exit = await current.a.terminate();
        const exitedMs = performance.now() - injected;
        const recoverMs = await current.allBack(injected);
        await current.drain();

        const moved = current.clients.filter((c) => c.outages.length > 0);
        const counts = sumCounts(current.clients.map((c) => c.tally.counts(current.last)));
        const reasons = [...new Set(moved.flatMap((c) => c.outages.map((o) => o.reason)))].join("/");
        console.log(
          formatFaultLine({
            id: "F5",
            name: "SIGTERM one of 2 nodes",
            outageMs: current.longestOutage(),
            recoverMs,
            counts,
            alive: current.b.running,
            extra: { "clients on the node": onA, moved: moved.length, "exit ms": exitedMs.toFixed(0), reasons, sent: current.last },
          }),
        );
        expect(exit).toEqual({ code: 0, signal: null });
        expect(exitedMs).toBeLessThan(3000);
        expect(onA).toBeGreaterThan(0);
        expect(moved.length).toBe(onA);
        // Clients are told (engine close), they do not discover it by a ping timeout.
        expect(reasons).not.toContain("ping timeout");
        expect(current.b.live.size).toBe(CLIENTS);
        expect(current.b.running).toBe(true);
        expectAtMostOnceInOrder(current);
      });
    });

    describe("F4 one of two nodes killed (kill -9)", () => {
      it("its clients reconnect to the survivor, which purges the dead node's sockets within two heartbeat timeouts", { timeout: 60_000 }, async () => {
        const current = await TwoNodeCluster.start(CLIENTS);
        cluster = current;
        await current.warmUp();
        const deadIds = new Set([...current.a.live.values()].flatMap((ids) => [...ids]));
        const before = (await current.b.call<string[]>({ cmd: "sockets", cluster: true })).length;
        const injected = performance.now();
        await current.a.kill();

        // Cluster-wide view from the survivor: how long until no dead node's socket is listed.
        let purgedMs = Number.NaN;
        const purgeDeadline = injected + 10_000;
        while (performance.now() < purgeDeadline) {
          const ids = await current.b.call<string[]>({ cmd: "sockets", cluster: true });
          if (!ids.some((id) => deadIds.has(id))) {
            purgedMs = performance.now() - injected;
            break;
          }
        }
        const recoverMs = await current.allBack(injected);
        await current.drain();

        const moved = current.clients.filter((c) => c.outages.length > 0);
        const counts = sumCounts(current.clients.map((c) => c.tally.counts(current.last)));
        const probe = await current.b.probe();
        console.log(
          formatFaultLine({
            id: "F4",
            name: "kill -9 one of 2 nodes",
            outageMs: current.longestOutage(),
            recoverMs,
            counts,
            alive: current.b.running,
            extra: {
              "clients on the node": deadIds.size,
              "cluster sockets before": before,
              "dead sockets purged ms": purgedMs.toFixed(0),
              "survivor errors": probe.errors,
              sent: current.last,
            },
          }),
        );
        expect(deadIds.size).toBeGreaterThan(0);
        expect(before).toBe(CLIENTS);
        expect(moved.length).toBe(deadIds.size);
        // heartbeatTimeout is 2 × heartbeatInterval; allow one more interval for the fetch itself.
        expect(purgedMs).toBeLessThanOrEqual(3 * TIMING.heartbeatInterval * 2);
        expect(current.b.live.size).toBe(CLIENTS);
        expect(await current.b.call<string[]>({ cmd: "sockets", cluster: true })).toHaveLength(CLIENTS);
        expectAtMostOnceInOrder(current);
      });
    });
  });
}
