/**
 * F14 (RELIABILITY.md §4(b)): Redis refuses writes. Both nodes run with
 * connection state recovery on Redis, so every broadcast is written to the
 * packet log (a Redis Stream) before it is delivered. Then `CONFIG SET
 * maxmemory-policy noeviction` + `CONFIG SET maxmemory 1mb`: every XADD
 * fails with OOM (PUBLISH is not refused). For `F14_MS` (default 4 s) the
 * seq stream keeps running; then `CONFIG SET maxmemory 0`.
 *
 * Promise: the refusals surface through the server's `onError`, once per
 * outage and node (`RECOVERY_STORE_FAILED`; the rest are counted, not logged),
 * no crash, no unhandled rejection; delivery continues, local and cross-node
 * (a broadcast the log refuses goes out without an offset); after the heal
 * the log is written again and the errors stop.
 */
import { performance } from "node:perf_hooks";
import { afterEach, describe, expect, it } from "vitest";
import { withDeadline } from "../../src/faults/fault-deadline.js";
import { formatFaultLine } from "../../src/faults/fault-line.js";
import { sumCounts } from "../../src/faults/seq-tally.js";
import { RedisPair } from "./redis-pair.js";

const FAULT_MS = Number(process.env.F14_MS ?? 4000);
const LOG_KEY = "cometa:log:{/}";

let pair: RedisPair | undefined;

/** Registered by `faults.test.ts`, which runs every fault suite one after another. */
export function redisOomSuite(): void {
  describe("F14 Redis rejects writes", () => {
    afterEach(async () => {
      await pair?.close();
      pair = undefined;
    });

    it("maxmemory 1mb + noeviction: errors counted, no crash, delivery continues; recovers after maxmemory 0", { timeout: 60_000 }, async () => {
      const current = await RedisPair.start({ recovery: true });
      pair = current;
      const redis = current.redis;
      const xlen = (): number => Number(redis.cli("XLEN", LOG_KEY));
      const oom: string[] = [];
      for (const node of [current.a, current.b]) {
        node.onFact((f) => {
          if (f.type === "error" && /OOM/i.test(f.message)) oom.push(f.message);
        });
      }
      const logBefore = xlen();
      const before = await current.probe();

      redis.cli("CONFIG", "SET", "maxmemory-policy", "noeviction");
      redis.cli("CONFIG", "SET", "maxmemory", "1mb");
      const injected = performance.now();
      const firstError = current.a.waitFor((f) => f.type === "error" && /OOM/i.test(f.message));
      await withDeadline(firstError, 10_000, "the first refused write is reported");
      const detectedMs = performance.now() - injected;
      const logDuring = xlen();
      // The fault's duration, not a synchronisation.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, FAULT_MS - detectedMs)));
      const logAtHeal = xlen();
      const mid = await current.probe();

      redis.cli("CONFIG", "SET", "maxmemory", "0");
      const healed = performance.now();
      // Writes work again once a broadcast lands in the log.
      await withDeadline(
        (async () => {
          // No event says "Redis accepts writes again": poll the log length.
          while (xlen() <= logAtHeal) await new Promise((resolve) => setTimeout(resolve, 20));
        })(),
        10_000,
        "the packet log is written again",
      );
      const recoverMs = performance.now() - healed;
      const errorsAtRecovery = oom.length;
      const last = await current.drain(100);
      const after = await current.probe();

      const local = sumCounts(current.local.map((c) => c.tally.counts(last)));
      const remote = sumCounts(current.remote.map((c) => c.tally.counts(last)));
      const errorsDuring = mid.a.errors - before.a.errors + (mid.b.errors - before.b.errors);
      const disconnects = current.disconnects();
      console.log(
        formatFaultLine({
          id: "F14",
          name: `Redis rejects writes (maxmemory 1mb, noeviction) ${FAULT_MS} ms`,
          outageMs: 0,
          recoverMs,
          counts: sumCounts([local, remote]),
          alive: current.a.running && current.b.running,
          extra: {
            "first error after ms": detectedMs.toFixed(0),
            "local lost/dup/reordered": `${local.lost}/${local.duplicated}/${local.reordered}`,
            "remote lost/dup/reordered": `${remote.lost}/${remote.duplicated}/${remote.reordered}`,
            "errors reported during": errorsDuring,
            "OOM errors after the heal": oom.length - errorsAtRecovery,
            "log entries before/at first error/at heal/end": `${logBefore}/${logDuring}/${logAtHeal}/${xlen()}`,
            "published sent/failed": `${after.a.redis?.published ?? 0}/${after.a.redis?.publishFailed ?? 0}`,
            "client disconnects": disconnects,
          },
        }),
      );
      expect(current.a.running && current.b.running).toBe(true);
      expect(current.a.facts.concat(current.b.facts).filter((f) => f.type === "unhandled")).toEqual([]);
      // Surfaced, not swallowed: the refusals reached onError while the fault lasted.
      expect(errorsDuring).toBeGreaterThan(0);
      // …once per outage, not once per refused broadcast (it was 374 reports in 4 s): at most one per node,
      // with slack for one flap of the store.
      expect(errorsDuring).toBeLessThanOrEqual(4);
      expect(oom.length).toBeGreaterThan(0);
      // The log really refused: it grew by little (writes in flight) during the fault.
      expect(logAtHeal - logDuring).toBeLessThan(20);
      // Delivery went on, on both nodes, and no client was dropped.
      expect(local).toMatchObject({ lost: 0, duplicated: 0, reordered: 0 });
      expect(remote).toMatchObject({ lost: 0, duplicated: 0, reordered: 0 });
      expect(disconnects).toBe(0);
      // Recovered: the log grows again and the refusals stopped (a few may have been in flight at the heal).
      expect(xlen()).toBeGreaterThan(logAtHeal);
      expect(oom.length - errorsAtRecovery).toBeLessThanOrEqual(5);
    });
  });
}
