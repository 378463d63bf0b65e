/**
 * L4 (RELIABILITY.md §4(a)): many clients make acknowledged emits at a fixed
 * rate, and the server asks each client back with an ack timeout. Every ack
 * is answered and the pending-ack maps on both sides return to zero.
 */
import { afterEach, describe, expect, it } from "vitest";
import { LatencyHistogram } from "../../src/load/latency-histogram.js";
import type { AckResult } from "../../src/load/load-client-protocol.js";
import { formatFigures, generatorFigures } from "../../src/load/load-figures.js";
import { fleetsFor, HEARTBEAT, knob, rowTimeoutMs } from "../../src/load/load-profile.js";
import { LoadRig, pollUntil } from "../../src/load/load-rig.js";

const CLIENTS = knob("L4_CLIENTS", 200, 1000);
const RATE = knob("L4_RATE", 20, 20);
/**
 * Clients per fleet process: the long form's 1 000 busy clients are split over two processes, so the
 * generator can use both cores beside the server instead of queueing behind one event loop.
 */
const PER_PROCESS = knob("L4_CLIENTS_PER_PROCESS", 1000, 500);
const SECONDS = knob("L4_SECONDS", 20, 120);

/** Registers row L4; `load-held.test.ts` runs the rows one after another. */
export function l4AcksRow(): void {
  describe("L4 acks", () => {
    let rig: LoadRig | undefined;
    afterEach(async () => {
      await rig?.stop();
      rig = undefined;
    });

    it(
      `${CLIENTS} clients × ${RATE} emitWithAck/s × ${SECONDS} s: all answered, pending acks back to 0 on both sides`,
      async () => {
        rig = await LoadRig.start({ servers: [HEARTBEAT], fleets: fleetsFor(CLIENTS, PER_PROCESS) });
        const opened = await rig.connect({ count: CLIENTS, ratePerSec: 500 });
        expect(opened.errorSamples).toEqual([]);
        const sampler = rig.samplers[0]!;
        const rssStart = sampler.sample()!.rssBytes;

        const results = await Promise.all(rig.fleets.map((fleet) => fleet.call<AckResult>("acks", { ratePerSec: RATE, durationMs: SECONDS * 1000 })));
        const rtt = new LatencyHistogram();
        for (const result of results) rtt.merge(result.rtt);
        const total = (key: keyof Omit<AckResult, "rtt" | "cpuMs">): number => results.reduce((sum, r) => sum + r[key], 0);
        const sent = total("sent");
        // Server→client asks settle once the clients' answers are read: wait for that, not a fixed time.
        const server = await pollUntil(
          () => rig!.probe(),
          (p) => p.acksAnswered + p.acksFailed === p.acksAsked && p.pendingAcks === 0,
          10_000,
        );
        const rssEnd = sampler.sample()!.rssBytes;

        console.log(
          formatFigures({
            row: "L4",
            conns: CLIENTS,
            msgPerSec: RATE,
            seconds: SECONDS,
            p50Ms: rtt.percentile(50),
            p99Ms: rtt.percentile(99),
            rssStartBytes: rssStart,
            rssEndBytes: rssEnd,
            cpuPercent: sampler.cpuPercent(),
            extra: `${generatorFigures(sent, CLIENTS * RATE * SECONDS, SECONDS, results)}; client acks ${total("answered")}/${sent} answered, ${total("failed")} failed, pending ${total("pending")}; server acks ${server.acksAnswered}/${server.acksAsked} answered, pending ${server.pendingAcks} (RTT is client ack RTT)`,
          }),
        );
        expect(sent).toBeGreaterThanOrEqual(CLIENTS * RATE * SECONDS * 0.8);
        expect(total("answered")).toBe(sent);
        expect(total("failed")).toBe(0);
        expect(total("pending")).toBe(0);
        expect(total("buffered")).toBe(0);
        expect(server.acksAsked).toBe(sent);
        expect(server.acksAnswered).toBe(sent);
        expect(server.acksFailed).toBe(0);
        expect(server.pendingAcks).toBe(0);
        expect(total("questionsAnswered")).toBe(sent);
        expect(server.listenerErrors).toBe(0);
      },
      rowTimeoutMs(SECONDS),
    );
  });
}
