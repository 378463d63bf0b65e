import type { SharedRecoveryStores } from "@cometa/server";
import { Redis } from "ioredis";
import { afterEach, beforeEach, expect, it } from "vitest";
import { RedisDedupWindow } from "../src/recovery/redis-dedup-window.js";
import type { RedisRecoveryStores } from "../src/recovery/redis-recovery-stores.js";
import { decodePublished, RedisPacketLog } from "../src/recovery/redis-packet-log.js";
import { RedisSessionStore } from "../src/recovery/redis-session-store.js";
import { describeRedis, useRedis } from "./redis-harness.js";

const entry = (n: number, rooms: string[] = [], except: string[] = []) => ({ data: ["n", n, Buffer.from([n])], rooms, except });

describeRedis("recovery stores on Redis", () => {
  const redis = useRedis();
  let a: Redis;
  let b: Redis;

  beforeEach(async () => {
    // Two connections stand for two instances.
    a = new Redis(redis().url);
    b = new Redis(redis().url);
  });
  afterEach(async () => {
    a.disconnect();
    b.disconnect();
  });

  it("packet log: one order for every instance, replay after an offset with binary intact", async () => {
    const logA = new RedisPacketLog(a);
    const logB = new RedisPacketLog(b);
    const offsets: string[] = [];
    // Interleaved appends from two instances.
    for (let n = 1; n <= 6; n++) offsets.push(await (n % 2 ? logA : logB).append("/", entry(n, n % 3 ? ["r"] : [], ["x"])));
    expect(new Set(offsets.map((o) => o.split(".")[0])).size).toBe(1); // one epoch
    const replay = await logB.readAfter("/", offsets[2]!);
    expect(replay.ok).toBe(true);
    if (!replay.ok) return;
    expect(replay.entries.map((e) => e.data[1])).toEqual([4, 5, 6]);
    expect(replay.entries.map((e) => e.offset)).toEqual(offsets.slice(3));
    expect(replay.entries[0]).toMatchObject({ rooms: ["r"], except: ["x"] });
    expect(Buffer.from(replay.entries[2]!.data[2] as Uint8Array)).toEqual(Buffer.from([6]));
    expect(await logA.readAfter("/", offsets[5]!)).toEqual({ ok: true, entries: [] });
    expect(await logA.readAfter("/other", offsets[0]!)).toEqual({ ok: false, reason: "epoch-changed" });
  });

  it("packet log: refuses foreign, trimmed, unknown and too-long replays", async () => {
    const log = new RedisPacketLog(a, { maxEntries: 5, maxReplay: 3 });
    const offsets: string[] = [];
    // MAXLEN ~ trims whole macro nodes only: append enough that the first ones surely went.
    for (let n = 1; n <= 300; n++) offsets.push(await log.append("/", entry(n)));
    const [epoch, lastId] = offsets[299]!.split(".") as [string, string];
    expect(await log.readAfter("/", "Q7yZf0a")).toEqual({ ok: false, reason: "malformed-offset" });
    expect(await log.readAfter("/", "e.1-0; DROP")).toEqual({ ok: false, reason: "malformed-offset" });
    expect(await log.readAfter("/", offsets[0]!)).toEqual({ ok: false, reason: "trimmed" });
    expect(await log.readAfter("/", `${epoch}.${BigInt(lastId.split("-")[0]!) + 1000n}-0`)).toEqual({ ok: false, reason: "unknown-offset" });
    expect(await log.readAfter("/", offsets[295]!)).toEqual({ ok: false, reason: "too-many" });
    expect((await log.readAfter("/", offsets[296]!)).ok).toBe(true);
  });

  it("packet log: a Redis that lost its data gets a new epoch; old offsets are refused", async () => {
    const log = new RedisPacketLog(a);
    const before = await log.append("/", entry(1));
    await a.flushall(); // what a restart without persistence does
    const after = await log.append("/", entry(2));
    expect(after.split(".")[0]).not.toBe(before.split(".")[0]);
    expect(await log.readAfter("/", before)).toEqual({ ok: false, reason: "epoch-changed" });
  });

  it("packet log: publishes in the same step, with the offset and the previous id framed in", async () => {
    const sub = new Redis(redis().url);
    try {
      await sub.subscribe("ch");
      const got: Buffer[] = [];
      const two = new Promise<void>((resolve) =>
        sub.on("messageBuffer", (_channel: Buffer, message: Buffer) => {
          got.push(message);
          if (got.length === 2) resolve();
        }),
      );
      const log = new RedisPacketLog(a);
      const first = await log.append("/", entry(1), "ch");
      const second = await log.append("/", entry(2, ["r"]), "ch");
      await two;
      const [one, other] = got.map((m) => decodePublished(m)!);
      expect(one).toMatchObject({ previous: "", entry: { offset: first, rooms: [], except: [] } });
      expect(other).toMatchObject({ previous: first.split(".")[1], entry: { offset: second, rooms: ["r"] } });
      expect(decodePublished(Buffer.from("no newline"))).toBeUndefined();
      expect(decodePublished(Buffer.from("a\nb\nnot v8"))).toBeUndefined();
    } finally {
      sub.disconnect();
    }
  });

  it("packet log: Redis unreachable is 'unavailable', not a rejection", async () => {
    const dead = new Redis({ port: 1, lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
    try {
      expect(await new RedisPacketLog(dead).readAfter("/", "e.1-0")).toEqual({ ok: false, reason: "unavailable" });
    } finally {
      dead.disconnect();
    }
  });

  it("session store: saved on one instance, taken once on another, gone after its ttl", async () => {
    const session = { pid: "p1", sid: "s1", nsp: "/", rooms: ["s1", "a"], data: { user: 7, at: new Date(5), bin: Buffer.from([1, 2]) } };
    await new RedisSessionStore(a).save(session, 60_000);
    const taken = await new RedisSessionStore(b).take("p1");
    expect(taken).toMatchObject({ pid: "p1", sid: "s1", nsp: "/", rooms: ["s1", "a"], data: { user: 7, at: new Date(5) } });
    expect(Buffer.from((taken!.data as { bin: Uint8Array }).bin)).toEqual(Buffer.from([1, 2]));
    expect(await new RedisSessionStore(a).take("p1")).toBeUndefined();
    await new RedisSessionStore(a).save(session, 1);
    await new Promise((resolve) => setTimeout(resolve, 20)); // Redis' own clock expires the key: no event to await
    expect(await new RedisSessionStore(b).take("p1")).toBeUndefined();
    expect(await new RedisSessionStore(b).take("x".repeat(500))).toBeUndefined();
  });

  it("dedup window: one claimant across instances, replayed ack, release, ack-less completion", async () => {
    const wa = new RedisDedupWindow(a);
    const wb = new RedisDedupWindow(b);
    const claims = await Promise.all([wa.claim("p", "m1"), wb.claim("p", "m1"), wa.claim("p", "m1")]);
    expect(claims.filter((c) => c.state === "new")).toHaveLength(1);
    expect(claims.filter((c) => c.state === "pending")).toHaveLength(2);
    await wa.complete("p", "m1", ["ok", { n: 1 }]);
    expect(await wb.claim("p", "m1")).toEqual({ state: "done", reply: ["ok", { n: 1 }] });
    expect((await wb.claim("q", "m1")).state).toBe("new"); // per session
    await wb.release("q", "m1");
    expect((await wa.claim("q", "m1")).state).toBe("new");
    await wa.complete("q", "m1", undefined);
    await wb.release("q", "m1"); // a done id is never released
    expect(await wb.claim("q", "m1")).toEqual({ state: "done", reply: undefined });
    expect(await a.pttl(wa.key("q", "m1"))).toBeGreaterThan(100_000);
  });

  it("dedup window: bounded by count per session (oldest claims evicted, as in memory) and by age", async () => {
    const wa = new RedisDedupWindow(a, { maxIds: 3, maxAge: 1000 });
    const wb = new RedisDedupWindow(b, { maxIds: 3, maxAge: 1000 });
    for (const mid of ["a", "b", "c", "d"]) {
      expect((await (mid === "c" ? wb : wa).claim("p", mid)).state).toBe("new");
      await wa.complete("p", mid, [mid]);
    }
    expect(await a.zcard(wa.indexKey("p"))).toBe(3);
    expect(await a.exists(wa.key("p", "a"))).toBe(0); // evicted with its key, not left to expire
    expect((await wb.claim("p", "a")).state).toBe("new"); // pushed out by d: runs again…
    await wb.complete("p", "a", ["a2"]);
    expect(await wa.claim("p", "b")).toMatchObject({ state: "new" }); // …and pushed out b in turn
    expect(await wa.claim("p", "d")).toEqual({ state: "done", reply: ["d"] });
    expect(await wa.claim("p", "a")).toEqual({ state: "done", reply: ["a2"] });
    // Another session has its own bound.
    for (const mid of ["x", "y", "z"]) expect((await wa.claim("q", mid)).state).toBe("new");
    expect(await wa.claim("p", "d")).toEqual({ state: "done", reply: ["d"] });
    // An id completed after it was evicted stays forgotten (no key without an index entry).
    expect((await wa.claim("r", "1")).state).toBe("new");
    for (const mid of ["2", "3", "4"]) await wa.claim("r", mid);
    await wa.complete("r", "1", ["late"]);
    expect(await a.exists(wa.key("r", "1"))).toBe(0);
    // Age: a completed id lives maxAge (Redis-side expiry: no event to await).
    const short = new RedisDedupWindow(a, { maxAge: 1 });
    await short.claim("s", "m");
    await short.complete("s", "m", ["ok"]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await short.claim("s", "m")).state).toBe("new");
  });

  it("dedup window: a pending claim whose instance died expires, and the next try runs", async () => {
    const window = new RedisDedupWindow(a, { pendingTimeout: 1 });
    expect((await window.claim("p", "m")).state).toBe("new");
    await new Promise((resolve) => setTimeout(resolve, 20)); // Redis-side expiry
    expect((await window.claim("p", "m")).state).toBe("new");
  });
});

// The Redis stores implement the server's contracts (checked by the compiler).
export type RedisStoresFitTheServer = RedisRecoveryStores extends SharedRecoveryStores ? true : never;
const fits: RedisStoresFitTheServer = true;
void fits;
