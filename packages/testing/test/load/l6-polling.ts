/**
 * L6 (RELIABILITY.md §4(a)): clients forced to long-polling. A room stream
 * and acknowledged client emits flow both ways without loss, and once the
 * clients leave the server's file descriptors return to their baseline.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { AckResult } from "../../src/load/load-client-protocol.js";
import { formatFigures, generatorFigures } from "../../src/load/load-figures.js";
import { fleetsFor, HEARTBEAT, knob, rowTimeoutMs } from "../../src/load/load-profile.js";
import { LoadRig, pollUntil } from "../../src/load/load-rig.js";

const CLIENTS = knob("L6_CLIENTS", 200, 1000);
const RATE = knob("L6_RATE", 2, 2);
/**
 * Clients per fleet process: the long form's 1 000 busy clients are split over two processes, so the
 * generator can use both cores beside the server instead of queueing behind one event loop.
 */
const PER_PROCESS = knob("L6_CLIENTS_PER_PROCESS", 1000, 500);
const SECONDS = knob("L6_SECONDS", 20, 180);
/**
 * 1 s pings, but a 5 s pong deadline: a polling pong is a fresh HTTP request,
 * and with Node's `fetch` on a shared two-core CI machine those round trips
 * reached 1 s at p99, so a 1 s deadline measured the machine. With the lean
 * fetch the long form also passes at the catalogue's 1 s
 * (`LOAD_L6_PING_TIMEOUT=1000`, docs/reliability.md); 5 s stays the default
 * so other jobs on the machine cannot fail the row.
 */
const POLLING_HEARTBEAT = { ...HEARTBEAT, pingTimeout: knob("L6_PING_TIMEOUT", 5000, 5000) };

/** Registers row L6; `load-held.test.ts` runs the rows one after another. */
export function l6PollingRow(): void {
  describe("L6 polling only", () => {
    let rig: LoadRig | undefined;
    afterEach(async () => {
      await rig?.stop();
      rig = undefined;
    });

    it(
      `${CLIENTS} polling clients × ${RATE} msg/s × ${SECONDS} s: 0 lost, fds back to baseline`,
      async () => {
        rig = await LoadRig.start({ servers: [POLLING_HEARTBEAT], fleets: fleetsFor(CLIENTS, PER_PROCESS) });
        const baseline = await rig.probe();
        const opened = await rig.connect({ count: CLIENTS, ratePerSec: 200, transports: ["polling"], rooms: ["room"] });
        expect(opened.errorSamples).toEqual([]);
        const sampler = rig.samplers[0]!;
        const rssStart = sampler.sample()!.rssBytes;
        const loaded = await rig.probe();

        const server = rig.servers[0]!;
        await server.call("stream", { room: "room", ratePerSec: RATE });
        const acks = await Promise.all(rig.fleets.map((fleet) => fleet.call<AckResult>("acks", { ratePerSec: RATE, durationMs: SECONDS * 1000 })));
        const { sent } = await server.call<{ sent: number }>("stopStream");
        const report = await pollUntil(
          () => rig!.report({ s0: sent }),
          (r) => r.ticks.received >= CLIENTS * sent,
          10_000,
        );
        const rssEnd = sampler.sample()!.rssBytes;
        const acked = acks.reduce((sum, a) => sum + a.answered, 0);
        const asked = acks.reduce((sum, a) => sum + a.sent, 0);

        await rig.closeClients();
        // Keep-alive HTTP connections close on their own timers: wait for the count, not a fixed time.
        const after = await pollUntil(
          () => rig!.probe(),
          (p) => p.sessions === 0 && p.fds <= baseline.fds,
          20_000,
        );

        console.log(
          formatFigures({
            row: "L6",
            conns: CLIENTS,
            msgPerSec: RATE,
            seconds: SECONDS,
            ticks: report.ticks,
            p50Ms: report.latency.percentile(50),
            p99Ms: report.latency.percentile(99),
            rssStartBytes: rssStart,
            rssEndBytes: rssEnd,
            cpuPercent: sampler.cpuPercent(),
            extra: `${generatorFigures(asked, CLIENTS * RATE * SECONDS, SECONDS, acks)}; client acks ${acked}/${asked}; unexpected disconnects ${JSON.stringify(report.disconnectReasons)}; fds ${baseline.fds}→${loaded.fds}→${after.fds}`,
          }),
        );
        expect(sent).toBeGreaterThanOrEqual(RATE * SECONDS * 0.8);
        expect(report.ticks).toEqual({ received: CLIENTS * sent, lost: 0, dup: 0, reordered: 0 });
        expect(report.unexpectedDisconnects).toBe(0);
        expect(acked).toBe(asked);
        expect(asked).toBeGreaterThanOrEqual(CLIENTS * RATE * SECONDS * 0.8);
        expect(after.sessions).toBe(0);
        expect(after.sockets).toBe(0);
        expect(after.fds).toBeLessThanOrEqual(baseline.fds);
        expect(after.listenerErrors).toBe(0);
      },
      rowTimeoutMs(SECONDS),
    );
  });
}
