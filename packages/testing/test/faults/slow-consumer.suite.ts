/**
 * F8 (RELIABILITY.md §4(b), promise §3.6): a member of a busy room stops
 * reading (raw WebSocket, TCP paused) while the room gets 1 000 msg/s × 1 KB.
 * Its send buffer must hit the hard limit and the server must cut it with
 * `slow consumer`, while the other members keep their latency and get every
 * message, and the server's memory stays bounded.
 */
import { afterEach, describe, expect, it } from "vitest";
import { withDeadline } from "../../src/faults/fault-deadline.js";
import { formatFaultLine } from "../../src/faults/fault-line.js";
import { FaultNode } from "../../src/faults/fault-node.js";
import { sumCounts } from "../../src/faults/seq-tally.js";
import { StalledReader } from "../../src/faults/stalled-reader.js";
import { StreamClient } from "../../src/faults/stream-client.js";

const CLIENTS = 10;
const RATE = 1000;
const BYTES = 1024;
/** Send-buffer limit of the node (the default is 2 MiB; smaller makes the cut come sooner). */
const HARD_LIMIT = 256 * 1024;
/** Messages of the slow phase: enough to fill the loopback kernel buffers (~4 MB) and the limit. */
const SLOW_PHASE = Number(process.env.F8_MESSAGES ?? 6000);
const RSS_BOUND = 64 * 1024 * 1024;

let node: FaultNode | undefined;
let clients: StreamClient[] = [];
let reader: StalledReader | undefined;

/** Registered by `faults.test.ts`, which runs every fault suite one after another. */
export function slowConsumerSuite(): void {
  describe("F8 slow consumer", () => {
    afterEach(async () => {
      reader?.destroy();
      reader = undefined;
      for (const client of clients) client.close();
      clients = [];
      await node?.dispose();
      node = undefined;
    });

    function p99(values: readonly number[]): number {
      const sorted = [...values].sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? Number.NaN;
    }

    describe("F8 slow consumer", () => {
      it("is cut with `slow consumer`; the other members lose nothing and keep their p99; RSS stays bounded", { timeout: SLOW_PHASE + 40_000 }, async () => {
        // A long pingTimeout: the stalled reader must be cut for its buffer, not for a missed pong.
        const current = await FaultNode.start({ name: "slow", pingInterval: 500, pingTimeout: 30_000, backpressureHardLimit: HARD_LIMIT });
        node = current;
        clients = Array.from({ length: CLIENTS }, (_, i) => new StreamClient({ url: current.url, clientId: `c${i}`, room: "stream" }));
        await withDeadline(Promise.all(clients.map((c) => c.connected$())), 10_000, "clients connect");
        const rssBefore = (await current.probe()).rssBytes;

        // Baseline: one second of the same load without the slow member.
        await current.call({ cmd: "burst", room: "stream", from: 1, count: RATE, bytes: BYTES, ratePerSecond: RATE });
        await withDeadline(Promise.all(clients.map((c) => c.received(RATE))), 10_000, "baseline delivered");
        const baselineP99 = p99(clients.flatMap((c) => c.latencies));
        for (const client of clients) client.latencies.length = 0;

        const joined = current.waitFor((f) => f.type === "connection" && f.clientId === "slow");
        const slow = await StalledReader.open(current.port, { room: "stream", clientId: "slow" });
        reader = slow;
        await withDeadline(joined, 5000, "slow member joins");
        slow.stopReading();
        const cut = current.waitFor((f) => f.type === "disconnect" && f.clientId === "slow");
        const started = Date.now();
        const burst = current.call({ cmd: "burst", room: "stream", from: RATE + 1, count: SLOW_PHASE, bytes: BYTES, ratePerSecond: RATE });
        const fact = await withDeadline(cut, SLOW_PHASE + 10_000, "slow member cut");
        const cutAfterMs = Date.now() - started;
        const rssPeak = (await current.probe()).rssBytes;
        await burst;
        const total = RATE + SLOW_PHASE;
        await withDeadline(Promise.all(clients.map((c) => c.received(total))), 10_000, "slow phase delivered");
        const slowP99 = p99(clients.flatMap((c) => c.latencies));
        const rssAfter = (await current.probe()).rssBytes;
        const counts = sumCounts(clients.map((c) => c.tally.counts(total)));
        const reason = fact.type === "disconnect" ? fact.reason : "";
        console.log(
          formatFaultLine({
            id: "F8",
            name: `slow consumer in a room at ${RATE} msg/s × ${BYTES} B`,
            outageMs: 0,
            recoverMs: 0,
            counts,
            alive: current.running,
            extra: {
              "cut after ms": cutAfterMs,
              reason,
              "others p99 ms before/during": `${baselineP99}/${slowP99}`,
              "RSS MB before/peak/after": [rssBefore, rssPeak, rssAfter].map((b) => (b / 2 ** 20).toFixed(0)).join("/"),
            },
          }),
        );
        expect(reason).toBe("slow consumer");
        expect(counts).toMatchObject({ lost: 0, duplicated: 0, reordered: 0 });
        expect(clients.every((c) => c.outages.length === 0)).toBe(true);
        // "Unchanged" on a shared 2-core machine where the same test process also receives 10 MB/s: within 3× the
        // baseline plus 100 ms of scheduling noise. A server held up by the stalled reader would add seconds.
        expect(slowP99).toBeLessThanOrEqual(3 * baselineP99 + 100);
        expect(Math.max(rssPeak, rssAfter) - rssBefore).toBeLessThan(RSS_BOUND);
        expect(current.running).toBe(true);
      });
    });
  });
}
