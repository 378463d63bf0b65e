/**
 * F15 (RELIABILITY.md §4(b)): the Cometa server's event loop is blocked by a
 * synchronous busy loop (a CPU-bound handler), once for less than pingTimeout
 * and once for longer than pingInterval + pingTimeout. The stream goes
 * through the stalled node itself (IPC `emit` commands queue up during the
 * stall and go out after it, in order).
 *
 * The SIGSTOP variant against the reference server lives in
 * `packages/client/test/faults/server-stall.test.ts`.
 */
import { performance } from "node:perf_hooks";
import { afterEach, describe, expect, it } from "vitest";
import { withDeadline } from "../../src/faults/fault-deadline.js";
import { formatFaultLine } from "../../src/faults/fault-line.js";
import { FaultNode } from "../../src/faults/fault-node.js";
import { SeqPublisher } from "../../src/faults/seq-publisher.js";
import { sumCounts } from "../../src/faults/seq-tally.js";
import { StreamClient } from "../../src/faults/stream-client.js";

const TIMING = { pingInterval: 500, pingTimeout: 1500 } as const;
const CLIENTS = 10;

let node: FaultNode | undefined;
let clients: StreamClient[] = [];
let publisher: SeqPublisher | undefined;

/** Registered by `faults.test.ts`, which runs every fault suite one after another. */
export function eventLoopStallSuite(): void {
  describe("F15 event-loop stall", () => {
    afterEach(async () => {
      publisher?.stop();
      for (const client of clients) client.close();
      clients = [];
      await node?.dispose();
      node = undefined;
    });

    async function setUp(): Promise<{ node: FaultNode; publisher: SeqPublisher }> {
      const current = await FaultNode.start({ name: "stall", ...TIMING });
      node = current;
      clients = Array.from({ length: CLIENTS }, (_, i) => new StreamClient({ url: current.url, clientId: `c${i}`, room: "stream" }));
      await withDeadline(Promise.all(clients.map((c) => c.connected$())), 10_000, "clients connect");
      const stream = new SeqPublisher((n, stamp) => {
        current.call({ cmd: "emit", room: "stream", event: "seq", args: [n, stamp] }).catch(() => {});
      });
      publisher = stream;
      stream.start();
      const marker = stream.sent + 30;
      await withDeadline(Promise.all(clients.map((c) => c.received(marker))), 10_000, "stream reaches every client");
      return { node: current, publisher: stream };
    }

    /** Every client has exactly one live session on the node. */
    function oneSessionEach(current: FaultNode): boolean {
      return current.live.size === CLIENTS && [...current.live.values()].every((ids) => ids.size === 1);
    }

    /** Stream on, stop, and return the last number counted (later ones may still be in flight). */
    async function drain(stream: SeqPublisher): Promise<number> {
      const last = stream.sent + 30;
      await withDeadline(Promise.all(clients.map((c) => c.received(last))), 10_000, "stream resumes at every client");
      stream.stop();
      return last;
    }

    describe("F15 event-loop stall on the server", () => {
      it(`800 ms (< pingTimeout ${TIMING.pingTimeout} ms): nobody disconnects, nothing lost, duplicated or reordered`, { timeout: 40_000 }, async () => {
        const { node: current, publisher: stream } = await setUp();
        const injected = performance.now();
        await current.call({ cmd: "stall", ms: 800 });
        const stalledMs = performance.now() - injected;
        const last = await drain(stream);
        const counts = sumCounts(clients.map((c) => c.tally.counts(last)));
        console.log(
          formatFaultLine({
            id: "F15",
            name: "event loop blocked 800 ms",
            outageMs: 0,
            recoverMs: 0,
            counts,
            alive: current.running,
            extra: { "stall ms": stalledMs.toFixed(0), disconnects: clients.reduce((a, c) => a + c.outages.length, 0), sent: last },
          }),
        );
        expect(clients.map((c) => c.outages.length)).toEqual(clients.map(() => 0));
        expect(counts).toMatchObject({ lost: 0, duplicated: 0, reordered: 0 });
        expect(oneSessionEach(current)).toBe(true);
        expect(current.running).toBe(true);
      });

      it(`3 s (> pingInterval + pingTimeout): clients reconnect cleanly, no duplicate session, no dup or reordering`, { timeout: 40_000 }, async () => {
        const { node: current, publisher: stream } = await setUp();
        const injected = performance.now();
        await current.call({ cmd: "stall", ms: 3000 });
        await withDeadline(
          Promise.all(clients.map((c) => (c.connected && c.outages.length > 0 ? undefined : c.connected$(true)))),
          10_000,
          "every client reconnected",
        );
        const recoverMs = performance.now() - injected;
        // The stale sessions end when the server notices their closed sockets; then one session per client is left.
        await withDeadline(current.until(() => oneSessionEach(current)), 10_000, "one session per client");
        const last = await drain(stream);
        const counts = sumCounts(clients.map((c) => c.tally.counts(last)));
        const outage = Math.max(...clients.flatMap((c) => c.outages.map((o) => (o.until ?? performance.now()) - o.from)));
        const reasons = [...new Set(clients.flatMap((c) => c.outages.map((o) => o.reason)))].join("/");
        console.log(
          formatFaultLine({
            id: "F15",
            name: "event loop blocked 3 s",
            outageMs: outage,
            recoverMs,
            counts,
            alive: current.running,
            extra: { reasons, reconnected: clients.filter((c) => c.connects > 1).length, sent: last },
          }),
        );
        expect(clients.every((c) => c.outages.length === 1 && c.connects === 2)).toBe(true);
        expect(reasons).toBe("ping timeout");
        expect(counts).toMatchObject({ duplicated: 0, reordered: 0 });
        expect(oneSessionEach(current)).toBe(true);
        expect(current.running).toBe(true);
      });
    });
  });
}
