/**
 * F11 (RELIABILITY.md §4(b)): nginx in front of the server with a
 * `proxy_read_timeout`.
 *
 * - Longer than the heartbeat (2 s vs pingInterval 1 s): idle WebSocket and
 *   long-polling clients stay connected (the ping is upstream data; a long-poll
 *   GET ends at the next ping), no 504.
 * - Shorter than the heartbeat (1 s vs pingInterval 3 s): nginx cuts idle
 *   connections; clients reconnect cleanly, one session each, and nothing
 *   published while they are connected is lost.
 */
import { afterEach, describe, expect, it } from "vitest";
import { withDeadline } from "../../src/faults/fault-deadline.js";
import { formatFaultLine } from "../../src/faults/fault-line.js";
import { FaultNode } from "../../src/faults/fault-node.js";
import { type NginxProxy, startNginx } from "../../src/peers/nginx.js";
import { SeqPublisher } from "../../src/faults/seq-publisher.js";
import { sumCounts } from "../../src/faults/seq-tally.js";
import { StreamClient } from "../../src/faults/stream-client.js";

/** How long clients sit idle behind the proxy: several read timeouts. */
const IDLE_MS = Number(process.env.F11_IDLE_MS ?? 4000);

let node: FaultNode | undefined;
let proxy: NginxProxy | undefined;
let clients: StreamClient[] = [];
let publisher: SeqPublisher | undefined;

/** Registered by `faults.test.ts`, which runs every fault suite one after another. */
export function proxyIdleTimeoutSuite(): void {
  describe("F11 proxy idle timeout", () => {
    afterEach(async () => {
      publisher?.stop();
      for (const client of clients) client.close();
      clients = [];
      await proxy?.stop();
      proxy = undefined;
      await node?.dispose();
      node = undefined;
    });

    async function behindNginx(pingInterval: number, readTimeoutMs: number): Promise<{ node: FaultNode; proxy: NginxProxy; publisher: SeqPublisher }> {
      const current = await FaultNode.start({ name: "f11", pingInterval, pingTimeout: 1000 });
      node = current;
      const nginx = await startNginx({ upstreams: [current.url], readTimeoutMs });
      proxy = nginx;
      clients = [
        ...[0, 1, 2].map((i) => new StreamClient({ url: nginx.origin, clientId: `ws${i}`, room: "stream" })),
        ...[0, 1, 2].map((i) => new StreamClient({ url: nginx.origin, clientId: `poll${i}`, room: "stream", transports: ["polling"] })),
      ];
      await withDeadline(Promise.all(clients.map((c) => c.connected$())), 10_000, "clients connect through nginx");
      const stream = new SeqPublisher((n, stamp) => {
        current.call({ cmd: "emit", room: "stream", event: "seq", args: [n, stamp] }).catch(() => {});
      });
      publisher = stream;
      return { node: current, proxy: nginx, publisher: stream };
    }

    /** Stream 50 numbers, stop, and return the last number counted (later ones may still be in flight). */
    async function streamBurst(stream: SeqPublisher): Promise<number> {
      stream.start();
      const last = stream.sent + 50;
      await withDeadline(Promise.all(clients.map((c) => c.received(last))), 10_000, "stream delivered");
      stream.stop();
      return last;
    }

    describe("F11 proxy idle timeout", () => {
      it("proxy_read_timeout 2 s > pingInterval 1 s: idle clients stay connected on both transports, no 504", { timeout: IDLE_MS + 30_000 }, async () => {
        const { node: current, proxy: nginx, publisher: stream } = await behindNginx(1000, 2000);
        // The idle period itself (a fault duration, not a synchronisation).
        await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
        const last = await streamBurst(stream);
        const counts = sumCounts(clients.map((c) => c.tally.counts(last)));
        const gatewayTimeouts = await nginx.gatewayTimeouts();
        console.log(
          formatFaultLine({
            id: "F11",
            name: "nginx proxy_read_timeout 2 s, heartbeat 1 s",
            outageMs: 0,
            recoverMs: 0,
            counts,
            alive: current.running,
            extra: { "idle ms": IDLE_MS, disconnects: clients.reduce((a, c) => a + c.outages.length, 0), "504s": gatewayTimeouts },
          }),
        );
        expect(clients.map((c) => c.outages.length)).toEqual(clients.map(() => 0));
        expect(gatewayTimeouts).toBe(0);
        expect(counts).toMatchObject({ lost: 0, duplicated: 0, reordered: 0 });
      });

      it("proxy_read_timeout 1 s < pingInterval 3 s: cut idle connections reconnect cleanly, one session each, no loss while connected", { timeout: IDLE_MS + 30_000 }, async () => {
        const { node: current, proxy: nginx, publisher: stream } = await behindNginx(3000, 1000);
        await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
        // Every client was cut at least once; wait until all are back, then stream.
        await withDeadline(
          Promise.all(clients.map((c) => (c.outages.length > 0 && c.connected ? undefined : c.connected$(true)))),
          10_000,
          "every client cut and back",
        );
        const cutCounts = clients.map((c) => c.outages.length);
        const last = await streamBurst(stream);
        const counts = sumCounts(clients.map((c) => c.tally.counts(last)));
        const reasons = [...new Set(clients.flatMap((c) => c.outages.map((o) => o.reason)))].join("/");
        const gatewayTimeouts = await nginx.gatewayTimeouts();
        const lostWhileConnected = clients.reduce((a, c) => a + c.lostWhileConnected(stream.sentAt.slice(0, last), 200).length, 0);
        console.log(
          formatFaultLine({
            id: "F11",
            name: "nginx proxy_read_timeout 1 s, heartbeat 3 s",
            outageMs: Math.max(...clients.flatMap((c) => c.outages.map((o) => (o.until ?? 0) - o.from))),
            recoverMs: 0,
            counts,
            alive: current.running,
            extra: { "cuts per client": cutCounts.join(","), reasons, "504s": gatewayTimeouts, "lost while connected": lostWhileConnected },
          }),
        );
        expect(cutCounts.every((n) => n >= 1)).toBe(true);
        expect(counts).toMatchObject({ duplicated: 0, reordered: 0 });
        expect(lostWhileConnected).toBe(0);
        // Exactly one session per client once the cut ones have been noticed (the server frees them by ping timeout).
        await withDeadline(
          current.until(() => current.live.size === clients.length && [...current.live.values()].every((ids) => ids.size === 1)),
          10_000,
          "one session per client",
        );
        expect(current.running).toBe(true);
      });
    });
  });
}
