/**
 * The Redis backplane on its own: sequence accounting on crafted messages,
 * bounded publishing against a frozen Redis, clean release of channels and
 * connections, and an emitter that never throws when Redis is away.
 */
import { type ClusterMessage, ClusterMessageType } from "@cometa/server/cluster";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { createEmitter, RedisAdapterError, RedisBackplane } from "../src/index.js";
import { encodeBody, wrapBody } from "../src/envelope.js";
import type { GapContext } from "../src/redis-backplane.js";
import { describeRedis, freePort, type RedisProcess, startRedis } from "./redis-harness.js";
import { waitUntil } from "./wait-until.js";

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

function heartbeat(uid: string): ClusterMessage {
  return { uid, nsp: "/", type: ClusterMessageType.HEARTBEAT, data: undefined };
}

describeRedis("Redis backplane", () => {
  let redis: RedisProcess;
  let raw: Redis;
  let template: Redis;
  const open: RedisBackplane[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    raw = new Redis(redis.url);
    template = new Redis(redis.url, { lazyConnect: true });
  });
  afterAll(async () => {
    raw.disconnect();
    template.disconnect();
    await redis.stop();
  });
  beforeEach(() => {
    unhandled.length = 0;
    process.on("unhandledRejection", onUnhandled);
  });
  afterEach(async () => {
    for (const backplane of open.splice(0)) await backplane.close();
    process.off("unhandledRejection", onUnhandled);
    expect(unhandled).toEqual([]);
  });

  const backplane = (options = {}) => {
    const created = new RedisBackplane(template, options);
    open.push(created);
    return created;
  };

  it("counts gaps, duplicates, reorderings and invalid messages on crafted traffic, and delivers in order", async () => {
    const plane = backplane();
    const received: ClusterMessage[] = [];
    plane.subscribe("/", "me", (message) => received.push(message));
    const gaps: GapContext[] = [];
    plane.on("gap", (gap) => gaps.push(gap));
    await plane.subscribed();
    const channel = plane.names.namespace("/");
    const body = encodeBody(heartbeat("other"));
    for (const seq of [1, 2, 5, 5, 4, 6]) await raw.publish(channel, wrapBody(body, 0, "pub-x", "other", seq, seq));
    await raw.publish(channel, Buffer.from("not a cometa message"));
    await raw.publish(channel, wrapBody(body, 0, "pub-x", "me", 7, 7)); // own echo: counted, not delivered
    await waitUntil(() => plane.metrics.received === 8);
    expect(plane.metrics).toMatchObject({ gaps: 1, lost: 2, duplicates: 1, reordered: 1, invalid: 1 });
    expect(gaps).toEqual([{ channel, nsp: "/", publisher: "pub-x", lost: 2 }]);
    expect(received).toHaveLength(4); // seq 1, 2, 5, 6
  });

  it("unsubscribing the last node releases every channel and both connections", async () => {
    const plane = backplane();
    const stop = plane.subscribe("/", "n1", () => {});
    plane.joinRoom("/", "n1", "r1");
    await plane.subscribed();
    expect(redis.cli("PUBSUB", "CHANNELS").split("\n").sort()).toEqual(
      [plane.names.namespace("/"), plane.names.node("/", "n1"), plane.names.room("/", "r1")].sort(),
    );
    const clients = Number(/connected_clients:(\d+)/.exec(redis.cli("INFO", "clients"))![1]);
    await stop();
    await waitUntil(() => redis.cli("PUBSUB", "CHANNELS") === "");
    await waitUntil(() => Number(/connected_clients:(\d+)/.exec(redis.cli("INFO", "clients"))![1]) === clients - 2);
    expect(plane.metrics.subscriptions).toBe(0);
  });

  it("F13: against a frozen Redis, publishes stay bounded (overflow counted) and fail fast once detected", async () => {
    const frozen = await startRedis();
    const plane = new RedisBackplane(new Redis(frozen.url, { lazyConnect: true }), {
      maxPendingPublishes: 10,
      pingInterval: 200,
      pingTimeout: 400,
    });
    try {
      plane.subscribe("/", "n1", () => {});
      await waitUntil(() => plane.isHealthy);
      frozen.pause();
      const outcomes = await Promise.allSettled(
        Array.from({ length: 30 }, () => plane.publish(heartbeat("n1"))).map((p) =>
          Promise.race([p, new Promise((resolve) => setTimeout(resolve, 1500, "pending"))]),
        ),
      );
      const codes = outcomes.map((o) => (o.status === "rejected" ? (o.reason as RedisAdapterError).code : o.value));
      expect(codes.filter((c) => c === "PUBLISH_OVERFLOW")).toHaveLength(20); // never more than 10 in flight
      expect(plane.metrics.publishOverflow).toBe(20);
      await waitUntil(() => !plane.isHealthy, 3000, "frozen redis detected");
      await expect(plane.publish(heartbeat("n1"))).rejects.toMatchObject({ code: "REDIS_UNAVAILABLE" });
      frozen.resume();
      await waitUntil(() => plane.isHealthy, 5000, "recovered");
      expect(plane.metrics.pendingPublishes).toBe(0); // in-flight ones were failed, not replayed later
      await expect(plane.publish(heartbeat("n1"))).resolves.toBeUndefined();
    } finally {
      await plane.close();
      await frozen.stop();
    }
  });

  it("the emitter never throws or rejects when Redis is away: failures go to onError and metrics", async () => {
    const port = await freePort();
    const errors: RedisAdapterError[] = [];
    const offline = new Redis({ port, host: "127.0.0.1", enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    offline.on("error", () => {});
    const emitter = createEmitter(offline, { onError: (error) => errors.push(error) });
    expect(emitter.to("room").emit("x", 1)).toBe(true);
    emitter.of("/admin").except("y").emit("z");
    emitter.serverSideEmit("hello");
    await emitter.flush();
    expect(errors.map((e) => e.code)).toEqual(["PUBLISH_FAILED", "PUBLISH_FAILED", "PUBLISH_FAILED"]);
    expect(emitter.metrics.publishFailed).toBe(3);
    expect(() => emitter.emit("connect")).toThrow(RedisAdapterError);
    expect(() => emitter.emit("x", () => {})).toThrow(/acknowledgements/);
    expect(() => emitter.of("admin")).toThrow(/namespace/);
    offline.disconnect();
  });
});
