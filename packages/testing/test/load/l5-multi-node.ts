/**
 * L5 (RELIABILITY.md §4(a)): two server processes share one room through a
 * real redis-server; clients are split 50/50 across the nodes and both nodes
 * publish a seq-stamped stream into the room. Every client gets both streams
 * whole, without duplicates, each in its publisher's order.
 */
import { Redis } from "ioredis";
import { afterEach, beforeAll, expect, it } from "vitest";
import { describeRedis, type RedisProcess, requireRedis, startRedis } from "../../../redis/test/redis-harness.js";
import { formatFigures } from "../../src/load/load-figures.js";
import { fleetsFor, HEARTBEAT, knob, rowTimeoutMs } from "../../src/load/load-profile.js";
import { LoadRig, pollUntil } from "../../src/load/load-rig.js";

const CLIENTS = knob("L5_CLIENTS", 200, 2000);
const RATE = knob("L5_RATE", 5, 5);
const SECONDS = knob("L5_SECONDS", 20, 180);
/** The room's Redis channel (`@cometa/redis` layout: `<prefix>#<nsp>#r#<room>`). */
const ROOM_CHANNEL = "cometa#/#r#cross";

/** Registers row L5; `load-held.test.ts` runs the rows one after another. */
export function l5MultiNodeRow(): void {
  describeRedis("L5 multi-node over Redis", () => {
    let redis: RedisProcess | undefined;
    let rig: LoadRig | undefined;
    let admin: Redis | undefined;
    beforeAll(() => requireRedis());
    afterEach(async () => {
      await rig?.stop();
      admin?.disconnect();
      await redis?.stop();
      rig = undefined;
      admin = undefined;
      redis = undefined;
    });

    it(
      `2 nodes, ${CLIENTS} clients 50/50, one cross-node room, ${RATE} msg/s per node × ${SECONDS} s: 0 lost, 0 dup`,
      async () => {
        redis = await startRedis();
        admin = new Redis(redis.url);
        const node = { ...HEARTBEAT, redisUrl: redis.url };
        rig = await LoadRig.start({ servers: [node, node], fleets: fleetsFor(CLIENTS) });
        const opened = await rig.connect({ count: CLIENTS, ratePerSec: 500, rooms: ["cross"] });
        expect(opened.errorSamples).toEqual([]);
        expect(opened.connected).toBe(CLIENTS);
        // Joining a room subscribes its channel asynchronously: start publishing once both nodes listen to it.
        const subscribers = await pollUntil(
          async () => ((await admin!.pubsub("NUMSUB", ROOM_CHANNEL)) as [string, number])[1],
          (count) => count >= 2,
          10_000,
        );
        expect(subscribers).toBe(2);
        const [probe0, probe1] = await Promise.all([rig.probe(0), rig.probe(1)]);
        expect([probe0.sockets, probe1.sockets]).toEqual([CLIENTS / 2, CLIENTS / 2]);
        const rssStart = rig.samplers.map((sampler) => sampler.sample()!.rssBytes);

        await Promise.all(rig.servers.map((server) => server.call("stream", { room: "cross", ratePerSec: RATE })));
        await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
        const stopped = await Promise.all(rig.servers.map((server) => server.call<{ node: string; sent: number }>("stopStream")));
        const sent = Object.fromEntries(stopped.map(({ node, sent }) => [node, sent]));
        const total = stopped.reduce((sum, s) => sum + s.sent, 0);
        const report = await pollUntil(
          () => rig!.report(sent),
          (r) => r.ticks.received >= CLIENTS * total,
          10_000,
        );
        const rssEnd = rig.samplers.map((sampler) => sampler.sample()!.rssBytes);

        console.log(
          formatFigures({
            row: "L5",
            conns: CLIENTS,
            msgPerSec: RATE * 2,
            seconds: SECONDS,
            ticks: report.ticks,
            p50Ms: report.latency.percentile(50),
            p99Ms: report.latency.percentile(99),
            rssStartBytes: rssStart[0],
            rssEndBytes: rssEnd[0],
            cpuPercent: rig.samplers[0]!.cpuPercent(),
            extra: `cross-node p50/p99 ${report.crossLatency.percentile(50).toFixed(1)}/${report.crossLatency.percentile(99).toFixed(1)} ms; node s1 RSS ${((rssStart[1] ?? 0) / 2 ** 20).toFixed(1)}→${((rssEnd[1] ?? 0) / 2 ** 20).toFixed(1)} MB, CPU ${rig.samplers[1]!.cpuPercent().toFixed(0)}%`,
          }),
        );
        for (const s of stopped) expect(s.sent).toBeGreaterThanOrEqual(RATE * SECONDS * 0.8);
        expect(report.ticks).toEqual({ received: CLIENTS * total, lost: 0, dup: 0, reordered: 0 });
        expect(report.crossLatency.count).toBe((CLIENTS / 2) * total);
        expect(report.unexpectedDisconnects).toBe(0);
      },
      rowTimeoutMs(SECONDS),
    );
  });
}
