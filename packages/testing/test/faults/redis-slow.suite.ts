/**
 * F13 (RELIABILITY.md §4(b)): Redis answers slowly. Two nodes share Redis;
 * node `a` emits the seq stream (~100 msg/s), its own clients get it locally
 * and node `b`'s through Redis. Two faults, one after the other:
 *
 * - `DEBUG SLEEP 2`: Redis does nothing for 2 s (every connection).
 * - `CLIENT PAUSE 3000 WRITE`: writes (PUBLISH among them) wait 3 s.
 *
 * Promise: `a`'s event loop is not blocked (publishes are asynchronous and
 * bounded: `maxPendingPublishes` 100 here, under 2 s of the stream, past it a publish is dropped and
 * counted in `publishOverflow`); cross-node latency rises during the fault and
 * comes back after it; local delivery is untouched; no client misses a
 * heartbeat; every message a remote client misses is counted in a metric
 * (overflow, failed publish or detected gap), never silent.
 */
import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { formatFaultLine } from "../../src/faults/fault-line.js";
import type { NodeProbe } from "../../src/faults/fault-node-protocol.js";
import { percentile } from "../../src/faults/percentile.js";
import { sumCounts } from "../../src/faults/seq-tally.js";
import { RedisPair } from "./redis-pair.js";

const MAX_PENDING = 100;
/** Event-loop stall bound on the publishing node (the loaded 2-core machine's noise is ~50 ms). */
const LOOP_BOUND_MS = 250;

let pair: RedisPair | undefined;
let admin: Redis | undefined;

/** Arrival time and latency of every `seq` a client received. */
interface Arrival {
  readonly at: number;
  readonly latency: number;
}

/** Registered by `faults.test.ts`, which runs every fault suite one after another. */
export function redisSlowSuite(): void {
  describe("F13 Redis slow", () => {
    afterEach(async () => {
      admin?.disconnect();
      admin = undefined;
      await pair?.close();
      pair = undefined;
    });

    // `delayed`: the fault is shorter than the publisher's PING deadline (2 s), so queued publishes arrive late.
    // A 3 s write pause outlasts it: the PING waits behind a paused PUBLISH, the health check recycles the
    // connection, and the queued publishes fail (counted) instead of arriving late.
    const cases = [
      { fault: "DEBUG SLEEP 2", command: ["DEBUG", "SLEEP", "2"], durationMs: 2000, delayed: true },
      { fault: "CLIENT PAUSE 3000 WRITE", command: ["CLIENT", "PAUSE", "3000", "WRITE"], durationMs: 3000, delayed: false },
    ] as const;

    describe.each(cases)("F13 $fault", ({ fault, command, durationMs, delayed }) => {
      it(
        "loop not blocked, remote latency rises then recovers, queue bounded and counted, local delivery and heartbeats unaffected",
        { timeout: 60_000 },
        async () => {
          const current = await RedisPair.start({ redisArgs: ["--enable-debug-command", "local"], maxPendingPublishes: MAX_PENDING });
          pair = current;
          const connection = new Redis(current.redis.url);
          admin = connection;
          const arrivals = new Map<string, Arrival[]>();
          for (const c of current.clients) {
            const list: Arrival[] = [];
            arrivals.set(c.options.clientId, list);
            c.socket.on("seq", (_n: number, stamp: number) => list.push({ at: performance.now(), latency: Date.now() - stamp }));
          }
          const before = await current.probe();
          // Sample `a` while the fault lasts: the peak of pending publishes and the worst event-loop stall.
          const samples: NodeProbe[] = [];
          let sampling = true;
          const sampler = (async () => {
            while (sampling) {
              samples.push(await current.a.probe());
              // A sampling period, not a synchronisation.
              await new Promise((resolve) => setTimeout(resolve, 100));
            }
          })();

          const injected = performance.now();
          const done = connection.call(...(command as unknown as [string, ...string[]])).catch((error: unknown) => error);
          // DEBUG SLEEP answers when Redis wakes; CLIENT PAUSE at once, and the pause runs on.
          await done;
          const faultEnd = injected + durationMs;
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, faultEnd - performance.now())));
          const last = await current.drain(100);
          sampling = false;
          await sampler;
          const after = await current.probe();

          const latencyIn = (ids: readonly string[], from: number, to: number): number[] =>
            ids.flatMap((id) => (arrivals.get(id) ?? []).filter((a) => a.at >= from && a.at < to).map((a) => a.latency));
          const remoteIds = current.remote.map((c) => c.options.clientId);
          const localIds = current.local.map((c) => c.options.clientId);
          const remoteDuring = latencyIn(remoteIds, injected, faultEnd + 500);
          const localDuring = latencyIn(localIds, injected, faultEnd + 500);
          // Recovered: the first moment after the fault from which every remote arrival is fast again.
          const slowAfter = remoteIds.flatMap((id) => (arrivals.get(id) ?? []).filter((a) => a.at >= faultEnd && a.latency >= 100).map((a) => a.at));
          const recoveredAt = Math.max(faultEnd, ...slowAfter);
          const remoteAfter = latencyIn(remoteIds, recoveredAt, Number.POSITIVE_INFINITY);

          const local = sumCounts(current.local.map((c) => c.tally.counts(last)));
          const remoteCounts = current.remote.map((c) => c.tally.counts(last));
          const remote = sumCounts(remoteCounts);
          const ra = (p: { a: NodeProbe; b: NodeProbe }, key: string) => p.a.redis?.[key] ?? 0;
          const rb = (p: { a: NodeProbe; b: NodeProbe }, key: string) => p.b.redis?.[key] ?? 0;
          const overflow = ra(after, "publishOverflow") - ra(before, "publishOverflow");
          const failed = ra(after, "publishFailed") - ra(before, "publishFailed");
          const gapLost = rb(after, "lost") - rb(before, "lost");
          const healthChecks = ra(after, "healthCheckFailures") - ra(before, "healthCheckFailures");
          const peakPending = Math.max(0, ...samples.map((s) => s.redis?.pendingPublishes ?? 0));
          const loopMax = Math.max(0, ...samples.map((s) => s.loopDelayMaxMs), after.a.loopDelayMaxMs);
          const disconnects = current.disconnects();
          console.log(
            formatFaultLine({
              id: "F13",
              name: `Redis slow: ${fault}`,
              outageMs: 0,
              recoverMs: recoveredAt - faultEnd,
              counts: sumCounts([local, remote]),
              alive: current.a.running && current.b.running,
              extra: {
                "local lost/dup/reordered": `${local.lost}/${local.duplicated}/${local.reordered}`,
                "remote lost/dup/reordered": `${remote.lost}/${remote.duplicated}/${remote.reordered}`,
                "counted overflow/failed/gap-lost": `${overflow}/${failed}/${gapLost}`,
                "publisher health-check failures": healthChecks,
                "peak pending publishes": `${peakPending} (bound ${MAX_PENDING})`,
                "remote latency p50/max during ms": `${percentile(remoteDuring, 50).toFixed(0)}/${Math.max(0, ...remoteDuring).toFixed(0)}`,
                "remote latency p50 after ms": percentile(remoteAfter, 50).toFixed(0),
                "local latency p99 during ms": percentile(localDuring, 99).toFixed(0),
                "loop delay max ms": loopMax.toFixed(0),
                "errors reported a/b": `${after.a.errors - before.a.errors}/${after.b.errors - before.b.errors}`,
                "client disconnects": disconnects,
              },
            }),
          );
          expect(current.a.running && current.b.running).toBe(true);
          expect(loopMax).toBeLessThan(LOOP_BOUND_MS);
          expect(disconnects).toBe(0);
          // Local delivery does not wait for Redis.
          expect(local).toMatchObject({ lost: 0, duplicated: 0, reordered: 0 });
          expect(percentile(localDuring, 99)).toBeLessThan(500);
          // Cross-node: slower during (or cut by the health check), fast again after, never duplicated or reordered.
          if (delayed) expect(Math.max(0, ...remoteDuring)).toBeGreaterThanOrEqual(durationMs / 2);
          else expect(healthChecks).toBeGreaterThan(0);
          expect(percentile(remoteAfter, 50)).toBeLessThan(100);
          expect(remote).toMatchObject({ duplicated: 0, reordered: 0 });
          // The queue stays bounded and overflows into its counter; `a`'s counters explain every miss.
          expect(peakPending).toBeLessThanOrEqual(MAX_PENDING);
          expect(overflow).toBeGreaterThan(0);
          for (const counts of remoteCounts) expect(counts.lost).toBeLessThanOrEqual(overflow + failed);
        },
      );
    });
  });
}
