/**
 * Redis faults with servers in this process (RELIABILITY.md F1, F13, F17):
 * Redis absent at boot, killed and restarted mid-stream, frozen with SIGSTOP.
 * Each test prints its figures.
 */
import type { BackplaneStatus } from "@cometa/server/cluster";
import { afterEach, beforeEach, expect, it } from "vitest";
import { TestCluster, type TestClient, type TestNode } from "./cluster-fixture.js";
import { redisImplementation } from "./implementations.js";
import { describeRedis, freePort, startRedis } from "./redis-harness.js";

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

/** A seq-stamped stream from `from` to room `room`, one message every `everyMs`. */
function stream(from: TestNode, room: string, everyMs: number) {
  const sentAt: number[] = [];
  let seq = 0;
  const timer = setInterval(() => {
    sentAt[seq] = Date.now();
    from.io.to(room).emit("tick", seq++);
  }, everyMs);
  return {
    sentAt,
    stop: () => {
      clearInterval(timer);
      return seq;
    },
  };
}

/** Lost / duplicated / reordered seq numbers as one client saw them. */
function tally(client: TestClient, sent: number) {
  const seen = client.events.filter((e) => e[0] === "tick").map((e) => e[1] as number);
  const counts = new Map<number, number>();
  let reordered = 0;
  for (let i = 0; i < seen.length; i++) {
    counts.set(seen[i]!, (counts.get(seen[i]!) ?? 0) + 1);
    if (i > 0 && seen[i]! < seen[i - 1]!) reordered++;
  }
  const lost: number[] = [];
  for (let s = 0; s < sent; s++) if (!counts.has(s)) lost.push(s);
  const duplicated = [...counts.values()].filter((n) => n > 1).length;
  return { received: seen.length, lost, duplicated, reordered };
}

describeRedis("Redis faults", () => {
  const impl = redisImplementation();
  let cluster: TestCluster;

  beforeEach(async () => {
    unhandled.length = 0;
    process.on("unhandledRejection", onUnhandled);
    await impl.setup();
    cluster = new TestCluster(impl);
  });
  afterEach(async () => {
    await cluster.close();
    await impl.teardown();
    impl.backplanes.length = 0;
    process.off("unhandledRejection", onUnhandled);
  });

  it("F1: Redis killed and restarted mid-stream: local delivery unaffected, loss confined to the outage, no dup/reorder, resubscribed ≤ 3 s", async () => {
    const [a, b] = (await cluster.start(2, 1)) as [TestNode, TestNode];
    a.clients[0]!.server.join("s");
    b.clients[0]!.server.join("s");
    await cluster.sync();
    const redis = impl.redis();
    const tick = stream(a, "s", 10);
    await new Promise((r) => setTimeout(r, 800));
    const killedAt = Date.now();
    await redis.kill();
    await new Promise((r) => setTimeout(r, 2000));
    const restartedAt = Date.now();
    await redis.restart();
    // Recovered = b's subscriptions are back; then let the stream run a little.
    await expect.poll(() => impl.backplanes[1]!.resubscribedAt ?? 0, { timeout: 5000, interval: 50 }).toBeGreaterThan(restartedAt);
    const resubscribedAfter = impl.backplanes[1]!.resubscribedAt! - restartedAt;
    await new Promise((r) => setTimeout(r, 800));
    const sent = tick.stop();
    await new Promise((r) => setTimeout(r, 200));

    const local = tally(a.clients[0]!, sent);
    const remote = tally(b.clients[0]!, sent);
    const lostTimes = remote.lost.map((s) => tick.sentAt[s]!);
    const metricsA = impl.backplanes[0]!.metrics;
    const metricsB = impl.backplanes[1]!.metrics;
    console.log(
      `F1 redis kill -9 + restart after 2 s: sent ${sent}; local lost ${local.lost.length}; ` +
        `remote lost ${remote.lost.length} (all within the outage: ${lostTimes.every((t) => t >= killedAt - 50)}), ` +
        `dup ${remote.duplicated}, reordered ${remote.reordered}; resubscribed ${resubscribedAfter} ms after Redis was back; ` +
        `publisher failed-fast ${metricsA.publishFailed}, subscriber gaps ${metricsB.gaps} (lost ${metricsB.lost})`,
    );
    expect(local.lost).toEqual([]); // same-node delivery never depends on Redis
    expect(remote.duplicated).toBe(0);
    expect(remote.reordered).toBe(0);
    expect(remote.lost.length).toBeGreaterThan(0);
    const resumedAt = restartedAt + resubscribedAfter;
    for (const t of lostTimes) {
      expect(t).toBeGreaterThanOrEqual(killedAt - 50); // nothing lost before the kill
      expect(t).toBeLessThanOrEqual(resumedAt + 100); // nor after the subscriptions were back
    }
    expect(resubscribedAfter).toBeLessThanOrEqual(3000);
    expect(metricsA.publishFailed).toBeGreaterThan(0); // failed visibly, not queued
    expect(metricsA.pendingPublishes).toBe(0);
    expect(unhandled).toEqual([]);
  });

  it("F13/R4: Redis frozen with SIGSTOP is detected ≤ 3 s by the PING deadline, reported once, and recovers after SIGCONT", async () => {
    const errors: unknown[] = [];
    const [a, b] = (await cluster.start(2, 1)) as [TestNode, TestNode];
    const statuses: { at: number; status: BackplaneStatus }[] = [];
    impl.backplanes[1]!.on("status", (status) => statuses.push({ at: Date.now(), status }));
    b.adapter.on("backplane", (status) => {
      if (!status.healthy) errors.push(status);
    });
    b.clients[0]!.server.join("s");
    await cluster.sync();

    const redis = impl.redis();
    const pausedAt = Date.now();
    redis.pause();
    await expect.poll(() => statuses.find((s) => !s.status.healthy), { timeout: 5000, interval: 50 }).toBeDefined();
    const detected = statuses.find((s) => !s.status.healthy)!;
    const detectionMs = detected.at - pausedAt;
    // Meanwhile publishes neither block nor pile up without bound, and local delivery works.
    for (let i = 0; i < 20; i++) b.io.to("s").emit("during", i);
    await expect.poll(() => b.clients[0]!.events.filter((e) => e[0] === "during").length).toBe(20);

    redis.resume();
    const resumedAt = Date.now();
    await expect.poll(() => impl.backplanes[1]!.isHealthy && impl.backplanes[0]!.isHealthy, { timeout: 8000, interval: 50 }).toBe(true);
    const recoveryMs = Date.now() - resumedAt;
    await cluster.sync();
    a.io.to("s").emit("after");
    await expect.poll(() => b.clients[0]!.events.some((e) => e[0] === "after"), { timeout: 5000 }).toBe(true);

    console.log(
      `F13 redis SIGSTOP: detected after ${detectionMs} ms (reason ${detected.status.reason}); ` +
        `healthy again ${recoveryMs} ms after SIGCONT; health-check failures ${impl.backplanes[1]!.metrics.healthCheckFailures}`,
    );
    expect(detectionMs).toBeLessThanOrEqual(3200);
    expect(["ping-timeout", "handshake-timeout"]).toContain(detected.status.reason);
    expect(errors.length).toBeGreaterThanOrEqual(1);
    // Reported through the server's onError once per outage per namespace, not per failed publish.
    const reported = cluster.errors.filter((e) => (e as { code?: string }).code === "BACKPLANE_UNAVAILABLE");
    expect(reported.length).toBeGreaterThanOrEqual(1);
    expect(reported.length).toBeLessThanOrEqual(2);
    expect(unhandled).toEqual([]);
  });

  it("F17: Redis unavailable at boot: servers start degraded, serve local clients, and connect when Redis appears", async () => {
    await impl.teardown(); // no Redis for this one: start one later on a known port
    const port = await freePort();
    const { Redis } = await import("ioredis");
    const { redisAdapter } = await import("../src/index.js");
    const { createServer } = await import("@cometa/server");
    const onError: unknown[] = [];
    const template = new Redis({ port, host: "127.0.0.1", lazyConnect: true });
    const adapters = [0, 1].map(() => redisAdapter(template, { heartbeatInterval: 200, heartbeatTimeout: 500 }));
    const servers = adapters.map((adapter) => createServer({ adapter, onError: (e) => onError.push(e) }));
    try {
      const ports = await Promise.all(servers.map((io) => io.listen(0)));
      const { io: connect } = await import("socket.io-client");
      const msgpackParser = await import("socket.io-msgpack-parser");
      const client = connect(`http://127.0.0.1:${ports[1]!.port}`, { parser: msgpackParser, transports: ["websocket"] });
      await new Promise<void>((resolve) => client.once("connect", () => resolve()));
      const got: unknown[] = [];
      client.onAny((...args) => got.push(args));
      servers[1]!.emit("local", 1);
      await expect.poll(() => got.length).toBe(1);
      await expect.poll(() => adapters[0]!.backplane.metrics.disconnects).toBeGreaterThan(0);
      expect(adapters[0]!.backplane.isHealthy).toBe(false);

      const redis = await startRedis({ port });
      try {
        await expect.poll(() => adapters.every((adapter) => adapter.backplane.isHealthy), { timeout: 5000 }).toBe(true);
        await expect.poll(() => servers[0]!.of("/").adapter.serverCount(), { timeout: 5000 }).toBe(2);
        servers[0]!.emit("remote", 2);
        await expect.poll(() => got.length).toBe(2);
        expect(got[1]).toEqual(["remote", 2]);
        console.log(`F17 redis absent at boot: degraded reports ${onError.length}, connected once Redis started`);
        expect(onError.filter((e) => (e as { code?: string }).code === "BACKPLANE_UNAVAILABLE").length).toBeGreaterThanOrEqual(1);
      } finally {
        client.close();
        for (const io of servers) await io.close();
        await redis.stop();
      }
    } finally {
      template.disconnect();
    }
    expect(unhandled).toEqual([]);
  });
});
