/**
 * F16 (RELIABILITY.md §4(b)): long-polling behind a balancer without sticky
 * sessions. nginx balances plain round-robin over 3 Cometa nodes sharing
 * Redis and does not forward upgrades, so every client stays on polling and
 * its consecutive requests land on different nodes.
 *
 * - Without forwarding (no session router): the predictable failure. A
 *   request for a session owned by another node gets 400
 *   `{"code":1,"message":"Session ID unknown"}`, as the reference server
 *   answers.
 * - With forwarding (`createRedisSessionRouter`): each request is forwarded
 *   to the session's owner through Redis. The official `socket.io-client`
 *   (msgpack parser) and `@cometa/client`, polling only, get the ~100 msg/s
 *   seq stream, send their own `up` stream and acked echoes for `F16_MS`
 *   (default 8 s): lost 0, dup 0, reordered 0, no request refused.
 *
 * The long soak of the same setup (acks and echoes per message, 20 s or
 * more, forwarding latency) is `packages/redis/test/forwarding/forwarding-soak.test.ts`.
 */
import { performance } from "node:perf_hooks";
import { io as officialIo, type Socket as OfficialSocket } from "socket.io-client";
import * as msgpackParser from "socket.io-msgpack-parser";
import { afterEach, describe, expect, it } from "vitest";
import { withDeadline } from "../../src/faults/fault-deadline.js";
import { formatFaultLine } from "../../src/faults/fault-line.js";
import { FaultNode } from "../../src/faults/fault-node.js";
import { percentile } from "../../src/faults/percentile.js";
import { RedisProcess } from "../../src/faults/redis-process.js";
import { SeqPublisher } from "../../src/faults/seq-publisher.js";
import { type SeqSource, SeqTally, sumCounts, untilSeq } from "../../src/faults/seq-tally.js";
import { StreamClient } from "../../src/faults/stream-client.js";
import { requireTools } from "../../src/faults/system-tools.js";
import { type NginxProxy, startNginx } from "../../src/peers/nginx.js";

const RUN_MS = Number(process.env.F16_MS ?? 8000);
const TIMING = { pingInterval: 2000, pingTimeout: 2000, heartbeatInterval: 500 } as const;

let redis: RedisProcess | undefined;
let nodes: FaultNode[] = [];
let proxy: NginxProxy | undefined;
let ours: StreamClient[] = [];
let official: OfficialSocket[] = [];
let publisher: SeqPublisher | undefined;
const timers: ReturnType<typeof setInterval>[] = [];

/** Redis, `count` nodes (with or without forwarding) and round-robin nginx over them, upgrades blocked. */
async function startCluster(count: number, forwarding: boolean, balance: "round-robin" | "ip-hash" = "round-robin"): Promise<{ nodes: FaultNode[]; proxy: NginxProxy }> {
  requireTools("redis-server", "redis-cli");
  redis = await RedisProcess.start();
  for (let i = 0; i < count; i += 1) {
    nodes.push(await FaultNode.start({ name: `n${i}`, redisUrl: redis.url, forwarding, ...TIMING }));
  }
  proxy = await startNginx({ upstreams: nodes.map((n) => `127.0.0.1:${n.port}`), forwardUpgrade: false, balance });
  return { nodes, proxy };
}

/** The official client's view of the stream. */
class OfficialProbe {
  readonly tally = new SeqTally();
  readonly disconnects: string[] = [];
  readonly connectErrors: string[] = [];
  constructor(readonly socket: OfficialSocket) {
    socket.on("seq", (n: number) => this.tally.record(n));
    socket.on("disconnect", (reason) => this.disconnects.push(reason));
    socket.on("connect_error", (error) => this.connectErrors.push(error.message));
  }
  connected(): Promise<void> {
    return this.socket.connected ? Promise.resolve() : new Promise((resolve) => this.socket.once("connect", () => resolve()));
  }
  received(n: number): Promise<void> {
    return untilSeq(this.socket as SeqSource, this.tally, n);
  }
}

/** Registered by `faults.test.ts`, which runs every fault suite one after another. */
export function noStickySessionsSuite(): void {
  describe("F16 polling without sticky sessions", () => {
    afterEach(async () => {
      for (const timer of timers.splice(0)) clearInterval(timer);
      publisher?.stop();
      for (const c of ours) c.close();
      for (const s of official) s.disconnect();
      ours = [];
      official = [];
      await proxy?.stop();
      proxy = undefined;
      await Promise.all(nodes.map((n) => n.dispose()));
      nodes = [];
      await redis?.stop();
      redis = undefined;
    });

    it("F16 without forwarding: a request on another node gets 400 Session ID unknown (code 1)", { timeout: 60_000 }, async () => {
      const { proxy: nginx } = await startCluster(2, false);
      const base = `${nginx.origin}/socket.io/?EIO=4&transport=polling`;
      const handshake = await fetch(base);
      const open = await handshake.text();
      const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
      // Round-robin over 2 nodes: the next request goes to the node that does not know the session.
      const next = await fetch(`${base}&sid=${encodeURIComponent(sid)}`, { method: "POST", body: "40" });
      const body = await next.text();
      const log = await nginx.accessLog();
      console.log(
        formatFaultLine({
          id: "F16",
          name: "no sticky sessions, no forwarding (2 nodes, round-robin)",
          outageMs: 0,
          recoverMs: 0,
          counts: { received: 0, lost: 0, duplicated: 0, reordered: 0 },
          alive: nodes.every((n) => n.running),
          extra: { handshake: handshake.status, "next request": `${next.status} ${body}`, upstreams: log.map((r) => r.upstream).join(" ") },
        }),
      );
      expect(handshake.status).toBe(200);
      expect(log[0]?.upstream).not.toBe(log[1]?.upstream);
      expect(next.status).toBe(400);
      expect(JSON.parse(body)).toEqual({ code: 1, message: "Session ID unknown" });
      expect(nodes.every((n) => n.running)).toBe(true);
    });

    it("F16 sticky (nginx ip_hash, the balance-source equivalent) without forwarding: polling works, every request on one node", { timeout: 60_000 }, async () => {
      const { proxy: nginx } = await startCluster(2, false, "ip-hash");
      const probe = new OfficialProbe(
        officialIo(nginx.origin, { transports: ["polling"], parser: msgpackParser, forceNew: true, auth: { room: "stream", clientId: "sticky" } }),
      );
      official = [probe.socket];
      await withDeadline(probe.connected(), 20_000, "client connects");
      let answered = 0;
      for (let i = 1; i <= 20; i += 1) {
        await withDeadline(new Promise<void>((resolve) => probe.socket.emit("echo", i, () => resolve())), 5_000, `ack ${i}`);
        answered += 1;
      }
      const log = await nginx.accessLog();
      const upstreams = new Set(log.map((r) => r.upstream));
      console.log(
        formatFaultLine({
          id: "F16",
          name: "sticky sessions (nginx ip_hash), no forwarding (2 nodes, polling only)",
          outageMs: 0,
          recoverMs: 0,
          counts: { received: 0, lost: 0, duplicated: 0, reordered: 0 },
          alive: nodes.every((n) => n.running),
          extra: { "acks answered": `${answered}/20`, requests: log.length, "non-200": log.filter((r) => r.status !== 200).length, upstreams: upstreams.size },
        }),
      );
      expect(answered).toBe(20);
      expect(upstreams.size).toBe(1);
      expect(log.filter((r) => r.status !== 200)).toEqual([]);
      expect(probe.disconnects).toEqual([]);
    });

    it("F16 with forwarding: official and Cometa polling clients lose nothing, no request refused", { timeout: 90_000 }, async () => {
      const { nodes: cluster, proxy: nginx } = await startCluster(3, true);
      const ups = new Map<string, SeqTally>();
      let upWaiter: (() => void) | undefined;
      const upDrained = (): boolean => ours.every((c) => ups.get(c.options.clientId)?.has(c.upSentOffline.length) === true);
      for (const node of cluster) {
        // The session's owner reports its `up`s, whichever node nginx sent the POST to.
        node.onFact((f) => {
          if (f.type !== "up") return;
          const tally = ups.get(f.clientId) ?? new SeqTally();
          tally.record(f.n);
          ups.set(f.clientId, tally);
          if (upWaiter !== undefined && upDrained()) upWaiter();
        });
      }
      ours = [0, 1].map(
        (i) => new StreamClient({ url: nginx.origin, clientId: `cometa${i}`, room: "stream", transports: ["polling"], reconnectionDelay: 200, reconnectionDelayMax: 1000 }),
      );
      const probes = [0, 1].map(
        (i) =>
          new OfficialProbe(
            officialIo(nginx.origin, { transports: ["polling"], parser: msgpackParser, forceNew: true, auth: { room: "stream", clientId: `official${i}` } }),
          ),
      );
      official = probes.map((p) => p.socket);
      await withDeadline(Promise.all([...ours.map((c) => c.connected$()), ...probes.map((p) => p.connected())]), 20_000, "clients connect");
      const first = cluster[0]!;
      const stream = new SeqPublisher((n, stamp) => {
        first.call({ cmd: "emit", room: "stream", event: "seq", args: [n, stamp] }).catch(() => {});
      });
      publisher = stream;
      stream.start();
      for (const c of ours) c.startUpstream(20);
      let acksSent = 0;
      const ackRtts: number[] = [];
      let ackWaiter: (() => void) | undefined;
      for (const socket of [...ours.map((c) => c.socket), ...official]) {
        timers.push(
          setInterval(() => {
            acksSent += 1;
            const sentAt = performance.now();
            (socket as OfficialSocket).emit("echo", acksSent, () => {
              ackRtts.push(performance.now() - sentAt);
              if (ackRtts.length >= acksSent) ackWaiter?.();
            });
          }, 100),
        );
      }
      // The run itself: traffic for a set time.
      await new Promise((resolve) => setTimeout(resolve, RUN_MS));
      stream.stop();
      for (const c of ours) c.stopUpstream();
      for (const timer of timers.splice(0)) clearInterval(timer);
      const last = stream.sent;
      await withDeadline(Promise.all([...ours.map((c) => c.received(last)), ...probes.map((p) => p.received(last))]), 20_000, "stream drained");
      await withDeadline(
        new Promise<void>((resolve) => {
          upWaiter = resolve;
          if (upDrained()) resolve();
        }),
        20_000,
        "upstream drained",
      ).catch(() => {}); // a shortfall shows in the counts below
      await withDeadline(
        new Promise<void>((resolve) => {
          ackWaiter = resolve;
          if (ackRtts.length >= acksSent) resolve();
        }),
        20_000,
        "acks back",
      ).catch(() => {});

      const down = sumCounts([...ours.map((c) => c.tally.counts(last)), ...probes.map((p) => p.tally.counts(last))]);
      const up = sumCounts(ours.map((c) => (ups.get(c.options.clientId) ?? new SeqTally()).counts(c.upSentOffline.length)));
      const log = await nginx.accessLog();
      const refused = log.filter((r) => r.status !== 200);
      const perUpstream = new Map<string, number>();
      for (const r of log) perUpstream.set(r.upstream, (perUpstream.get(r.upstream) ?? 0) + 1);
      const probesOf = await Promise.all(cluster.map((n) => n.probe()));
      const forwarded = probesOf.map((p) => (p.forwarding as { forwarded?: number } | undefined)?.forwarded ?? 0);
      const disconnects = ours.reduce((s, c) => s + c.outages.length, 0) + probes.reduce((s, p) => s + p.disconnects.length, 0);
      console.log(
        formatFaultLine({
          id: "F16",
          name: `no sticky sessions, forwarding on (3 nodes, round-robin, polling only) ${RUN_MS} ms`,
          outageMs: 0,
          recoverMs: 0,
          counts: down,
          alive: cluster.every((n) => n.running),
          extra: {
            "up sent/lost/dup/reordered": `${ours.reduce((s, c) => s + c.upSentOffline.length, 0)}/${up.lost}/${up.duplicated}/${up.reordered}`,
            "acks sent/back": `${acksSent}/${ackRtts.length}`,
            "ack rtt p50/p99 ms": `${percentile(ackRtts, 50).toFixed(0)}/${percentile(ackRtts, 99).toFixed(0)}`,
            "requests (per node)": `${log.length} (${[...perUpstream.values()].join("/")})`,
            "forwarded per node": forwarded.join("/"),
            "non-200": refused.length,
            "client disconnects": disconnects,
          },
        }),
      );
      expect(down).toMatchObject({ lost: 0, duplicated: 0, reordered: 0 });
      expect(up).toMatchObject({ lost: 0, duplicated: 0, reordered: 0 });
      expect(ackRtts.length).toBe(acksSent);
      expect(refused.map((r) => `${r.status} ${r.method} ${r.uri}`)).toEqual([]);
      expect(disconnects).toBe(0);
      expect(probes.flatMap((p) => p.connectErrors)).toEqual([]);
      // Truly round-robin, and forwarding really happened.
      expect(perUpstream.size).toBe(3);
      expect(forwarded.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      expect(cluster.every((n) => n.running)).toBe(true);
    });
  });
}
