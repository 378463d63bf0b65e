/**
 * F12 (RELIABILITY.md §4(b)): a lossy, slow or laggy link between client and
 * server. TCP hides loss and delay, so the promise is that nothing above it
 * notices more than latency: 0 app-level loss, duplicates or reorderings,
 * every ack back, and no heartbeat timeout that the link did not deserve.
 *
 * - Lossy + slow: the server runs in a network namespace; 5 % of the packets
 *   are dropped at random both ways (nftables `numgen random mod 100 < 5
 *   drop`) and both ends of the veth are shaped to 256 kbit/s (`tc qdisc …
 *   tbf rate 256kbit burst 16kb latency 400ms`) for `F12_MS` (default 12 s).
 * - Latency + jitter: this kernel has no netem, so a userspace proxy
 *   (`DelayProxy`) holds every chunk 100 ± 50 ms each way.
 *
 * One WebSocket and one long-polling client each get the ~100 msg/s `seq`
 * stream, send their own `up` stream (100 msg/s) and an acked `echo` every
 * 100 ms. Heartbeat 1 s + 2 s: twenty times shorter than the defaults
 * (25 s + 20 s), so a false timeout would show.
 */
import { performance } from "node:perf_hooks";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { DelayProxy } from "../../src/faults/delay-proxy.js";
import { withDeadline } from "../../src/faults/fault-deadline.js";
import { formatFaultLine } from "../../src/faults/fault-line.js";
import { FaultNode } from "../../src/faults/fault-node.js";
import { NetNamespace } from "../../src/faults/net-namespace.js";
import { percentile } from "../../src/faults/percentile.js";
import { SeqPublisher } from "../../src/faults/seq-publisher.js";
import { SeqTally, sumCounts } from "../../src/faults/seq-tally.js";
import { StreamClient } from "../../src/faults/stream-client.js";
import { requireTools } from "../../src/faults/system-tools.js";

const TIMING = { pingInterval: 1000, pingTimeout: 2000 } as const;
const FAULT_MS = Number(process.env.F12_MS ?? 12_000);
const NS_NAME = `cl${process.pid % 100_000}`;

let ns: NetNamespace | undefined;
let node: FaultNode | undefined;
let proxy: DelayProxy | undefined;
let clients: StreamClient[] = [];
let publisher: SeqPublisher | undefined;
const timers: ReturnType<typeof setInterval>[] = [];

/** What one link scenario measured. */
interface LinkRun {
  readonly line: Parameters<typeof formatFaultLine>[0];
  readonly disconnects: number;
  readonly serverDisconnects: number;
  readonly acksSent: number;
  readonly acksBack: number;
  readonly upLost: number;
  readonly upDupOrReordered: number;
}

/**
 * Start the streams through `url`, run `during` (which puts the fault in
 * place and resolves when it is over), then drain and count.
 */
async function runThroughLink(
  id: string,
  name: string,
  current: FaultNode,
  url: string,
  during: () => Promise<Record<string, string | number>>,
): Promise<LinkRun> {
  const ups = new Map<string, SeqTally>();
  current.onFact((f) => {
    if (f.type !== "up") return;
    const tally = ups.get(f.clientId) ?? new SeqTally();
    tally.record(f.n);
    ups.set(f.clientId, tally);
  });
  const stream = new SeqPublisher((n, stamp) => {
    current.call({ cmd: "emit", room: "stream", event: "seq", args: [n, stamp] }).catch(() => {});
  });
  publisher = stream;
  clients = (["websocket", "polling"] as const).map(
    (transport) => new StreamClient({ url, clientId: transport, room: "stream", transports: [transport], reconnectionDelay: 200, reconnectionDelayMax: 1000 }),
  );
  await withDeadline(Promise.all(clients.map((c) => c.connected$())), 20_000, "clients connect");
  const ackRtts: number[] = [];
  let acksSent = 0;
  let ackWaiter: (() => void) | undefined;
  for (const c of clients) {
    timers.push(
      setInterval(() => {
        acksSent += 1;
        const sentAt = performance.now();
        c.socket.emit("echo", acksSent, () => {
          ackRtts.push(performance.now() - sentAt);
          if (ackRtts.length >= acksSent) ackWaiter?.();
        });
      }, 100),
    );
  }
  stream.start();
  for (const c of clients) c.startUpstream();
  await withDeadline(Promise.all(clients.map((c) => c.received(20))), 20_000, "streams flowing");

  const latencyFrom = clients.map((c) => c.latencies.length);
  const ackFrom = ackRtts.length;
  const started = performance.now();
  const faultFigures = await during();
  const faultMs = performance.now() - started;

  // Drain: the last numbers of every stream and every ack must come through.
  stream.stop();
  for (const c of clients) c.stopUpstream();
  for (const timer of timers.splice(0)) clearInterval(timer);
  const lastDown = stream.sent;
  await withDeadline(Promise.all(clients.map((c) => c.received(lastDown))), 30_000, "downstream drained");
  await withDeadline(
    current.until(() => clients.every((c) => ups.get(c.options.clientId)?.has(c.upSentOffline.length) === true)),
    30_000,
    "upstream drained",
  );
  await withDeadline(
    new Promise<void>((resolve) => {
      ackWaiter = resolve;
      if (ackRtts.length >= acksSent) resolve();
    }),
    30_000,
    "acks back",
  );

  const down = sumCounts(clients.map((c) => c.tally.counts(lastDown)));
  const upCounts = clients.map((c) => (ups.get(c.options.clientId) ?? new SeqTally()).counts(c.upSentOffline.length));
  const latencies = clients.flatMap((c, i) => c.latencies.slice(latencyFrom[i]));
  const faultAcks = ackRtts.slice(ackFrom);
  const disconnects = clients.reduce((sum, c) => sum + c.outages.length, 0);
  const serverDisconnects = current.facts.filter((f) => f.type === "disconnect").length;
  const up = sumCounts(upCounts);
  return {
    line: {
      id,
      name: `${name} ${(faultMs / 1000).toFixed(0)} s`,
      outageMs: 0,
      recoverMs: 0,
      counts: down,
      alive: current.running,
      extra: {
        "latency p50/p99 ms": `${percentile(latencies, 50).toFixed(0)}/${percentile(latencies, 99).toFixed(0)}`,
        "ack rtt p50/p99 ms": `${percentile(faultAcks, 50).toFixed(0)}/${percentile(faultAcks, 99).toFixed(0)}`,
        "acks sent/back": `${acksSent}/${ackRtts.length}`,
        "up received/lost/dup/reordered": `${up.received}/${up.lost}/${up.duplicated}/${up.reordered}`,
        "client disconnects": disconnects,
        "server disconnects": serverDisconnects,
        ...faultFigures,
      },
    },
    disconnects,
    serverDisconnects,
    acksSent,
    acksBack: ackRtts.length,
    upLost: up.lost,
    upDupOrReordered: up.duplicated + up.reordered,
  };
}

function expectClean(run: LinkRun): void {
  expect(run.line.counts).toMatchObject({ lost: 0, duplicated: 0, reordered: 0 });
  expect(run.upLost).toBe(0);
  expect(run.upDupOrReordered).toBe(0);
  expect(run.acksBack).toBe(run.acksSent);
  // No heartbeat timeout (or any other drop) on either side.
  expect(run.disconnects).toBe(0);
  expect(run.serverDisconnects).toBe(0);
  expect(run.line.alive).toBe(true);
}

/** Registered by `faults.test.ts`, which runs every fault suite one after another. */
export function lossyLinkSuite(): void {
  describe("F12 lossy / slow link", () => {
    afterEach(async () => {
      for (const timer of timers.splice(0)) clearInterval(timer);
      publisher?.stop();
      for (const client of clients) client.close();
      clients = [];
      await proxy?.close();
      proxy = undefined;
      await node?.dispose();
      node = undefined;
      ns?.destroy();
      ns = undefined;
    });

    describe("netns", () => {
      beforeAll(() => {
        requireTools("ip", "nft", "tc");
        if (process.getuid?.() !== 0) throw new Error("network faults need root (ip netns, nft, tc)");
      });

      it("F12 5 % loss + 256 kbit/s tbf: 0 loss/dup/reorder, every ack back, no heartbeat timeout", { timeout: 60_000 }, async () => {
        const namespace = NetNamespace.create(NS_NAME, 3);
        ns = namespace;
        const current = await FaultNode.start({ name: "F12", netns: namespace.name, host: namespace.address, ...TIMING });
        node = current;
        const run = await runThroughLink("F12", "5 % loss + tbf 256 kbit/s", current, current.url, async () => {
          namespace.degrade({ lossPercent: 5, rateKbit: 256, burst: "16kb", latencyMs: 400 });
          // The fault's duration, not a synchronisation.
          await new Promise((resolve) => setTimeout(resolve, FAULT_MS));
          const dropped = namespace.droppedPackets();
          namespace.heal();
          return { "packets dropped": dropped };
        });
        console.log(formatFaultLine(run.line));
        expectClean(run);
        // The fault was real: the loss rules dropped packets.
        expect(run.line.extra?.["packets dropped"]).toBeGreaterThan(10);
      });
    });

    it("F12 latency 100 ± 50 ms (userspace delay proxy): 0 loss/dup/reorder, every ack back, no heartbeat timeout", { timeout: 60_000 }, async () => {
      const current = await FaultNode.start({ name: "F12d", ...TIMING });
      node = current;
      const delayed = await DelayProxy.start({ upstreamPort: current.port, delayMs: 100, jitterMs: 50, seed: 12 });
      proxy = delayed;
      const run = await runThroughLink("F12", "delay 100 ± 50 ms each way", current, delayed.url, async () => {
        await new Promise((resolve) => setTimeout(resolve, FAULT_MS));
        return {};
      });
      console.log(formatFaultLine(run.line));
      expectClean(run);
      // The proxy really delayed: a round trip is two one-way delays of at least 50 ms.
      expect(Number(String(run.line.extra?.["ack rtt p50/p99 ms"]).split("/")[0])).toBeGreaterThanOrEqual(100);
    });
  });
}
