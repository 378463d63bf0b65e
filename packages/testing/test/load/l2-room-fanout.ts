/**
 * L2 (RELIABILITY.md §4(a)): one room, many members, the server broadcasts a
 * seq-stamped message at a fixed rate. Every member gets every message once,
 * in order; p50/p99 latency is printed.
 */
import { afterEach, describe, expect, it } from "vitest";
import { formatFigures } from "../../src/load/load-figures.js";
import { fleetsFor, HEARTBEAT, knob, rowTimeoutMs } from "../../src/load/load-profile.js";
import { LoadRig, pollUntil } from "../../src/load/load-rig.js";

const MEMBERS = knob("L2_MEMBERS", 1000, 5000);
const RATE = knob("L2_RATE", 10, 10);
const SECONDS = knob("L2_SECONDS", 20, 180);

/** Registers row L2; `load-held.test.ts` runs the rows one after another. */
export function l2RoomFanOutRow(): void {
  describe("L2 room fan-out with seq", () => {
    let rig: LoadRig | undefined;
    afterEach(async () => {
      await rig?.stop();
      rig = undefined;
    });

    it(
      `${MEMBERS} members × ${RATE} msg/s × ${SECONDS} s: lost 0, dup 0, reordered 0`,
      async () => {
        rig = await LoadRig.start({ servers: [HEARTBEAT], fleets: fleetsFor(MEMBERS) });
        const opened = await rig.connect({ count: MEMBERS, ratePerSec: 500, rooms: ["room"] });
        expect(opened.errorSamples).toEqual([]);
        expect(opened.connected).toBe(MEMBERS);
        const sampler = rig.samplers[0]!;
        const rssStart = sampler.sample()!.rssBytes;

        await rig.servers[0]!.call("stream", { room: "room", ratePerSec: RATE });
        await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
        const { sent } = await rig.servers[0]!.call<{ sent: number }>("stopStream");
        // The last broadcasts may still be on the wire: wait for every delivery rather than a fixed time.
        const report = await pollUntil(
          () => rig!.report({ s0: sent }),
          (r) => r.ticks.received >= MEMBERS * sent,
          10_000,
        );
        const rssEnd = sampler.sample()!.rssBytes;

        console.log(
          formatFigures({
            row: "L2",
            conns: MEMBERS,
            msgPerSec: RATE,
            seconds: SECONDS,
            ticks: report.ticks,
            p50Ms: report.latency.percentile(50),
            p99Ms: report.latency.percentile(99),
            rssStartBytes: rssStart,
            rssEndBytes: rssEnd,
            cpuPercent: sampler.cpuPercent(),
            extra: `${MEMBERS * sent} deliveries`,
          }),
        );
        expect(sent).toBeGreaterThanOrEqual(RATE * SECONDS * 0.8);
        expect(report.ticks).toEqual({ received: MEMBERS * sent, lost: 0, dup: 0, reordered: 0 });
        expect(report.unexpectedDisconnects).toBe(0);
        const probe = await rig.probe();
        expect(probe.listenerErrors).toBe(0);
      },
      rowTimeoutMs(SECONDS),
    );
  });
}
