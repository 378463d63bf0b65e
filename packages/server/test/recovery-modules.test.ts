import { describe, expect, it } from "vitest";
import { createClusterAdapter } from "../src/cluster/cluster-adapter.js";
import { createMemoryBackplane } from "../src/cluster/memory-backplane.js";
import { ServerError } from "../src/errors.js";
import { Server } from "../src/server.js";
import { MemoryDedupWindow } from "../src/recovery/memory-dedup-window.js";
import { MemoryPacketLog } from "../src/recovery/memory-packet-log.js";
import { MemorySessionStore } from "../src/recovery/memory-session-store.js";
import { newEpoch, parseOffset } from "../src/recovery/offset.js";
import { isAddressedTo } from "../src/recovery/packet-log.js";
import { isRecoverableReason, resolveRecoveryOptions } from "../src/recovery/recovery-options.js";
import { FakeClock } from "./fake-clock.js";

const entry = (n: number, rooms: string[] = [], except: string[] = []) => ({ data: ["n", n], rooms, except });

describe("recovery options", () => {
  it("is off unless given, applies Socket.IO defaults, refuses nonsense", () => {
    expect(resolveRecoveryOptions(undefined)).toBeUndefined();
    expect(resolveRecoveryOptions(false)).toBeUndefined();
    expect(resolveRecoveryOptions({})).toEqual({ maxDisconnectionDuration: 120_000, skipMiddlewares: true });
    expect(resolveRecoveryOptions({ maxDisconnectionDuration: 3000, skipMiddlewares: false })).toEqual({
      maxDisconnectionDuration: 3000,
      skipMiddlewares: false,
    });
    expect(() => resolveRecoveryOptions({ maxDisconnectionDuration: -1 })).toThrow(RangeError);
    expect(isRecoverableReason("transport close")).toBe(true);
    expect(isRecoverableReason("client namespace disconnect")).toBe(false);
    expect(isRecoverableReason("server namespace disconnect")).toBe(false);
  });
});

describe("offsets", () => {
  it("parse what they format and refuse foreign strings", () => {
    expect(parseOffset("ab.1700000000000-0")).toEqual({ epoch: "ab", position: "1700000000000-0" });
    for (const bad of ["", ".", "a.", ".1", "Q7yZf0a", 42, undefined, "x".repeat(200)]) expect(parseOffset(bad)).toBeUndefined();
    expect(newEpoch(1, () => 0)).not.toBe(newEpoch(1, () => 0.5));
  });
});

describe("isAddressedTo", () => {
  it("matches the namespace, any target room, and honours except", () => {
    const rooms = new Set(["sid1", "a"]);
    expect(isAddressedTo(entry(1), rooms)).toBe(true);
    expect(isAddressedTo(entry(1, ["a", "b"]), rooms)).toBe(true);
    expect(isAddressedTo(entry(1, ["b"]), rooms)).toBe(false);
    expect(isAddressedTo(entry(1, ["sid1"]), rooms)).toBe(true);
    expect(isAddressedTo(entry(1, [], ["a"]), rooms)).toBe(false);
    expect(isAddressedTo(entry(1, ["a"], ["sid1"]), rooms)).toBe(false);
  });
});

describe("MemoryPacketLog", () => {
  it("numbers entries per namespace and replays exactly those after an offset, in order", () => {
    const log = new MemoryPacketLog({ epoch: "e1" });
    const offsets = [1, 2, 3, 4].map((n) => log.appendNow("/", entry(n)));
    log.appendNow("/other", entry(99));
    expect(offsets).toEqual(["e1.1", "e1.2", "e1.3", "e1.4"]);
    const replay = log.readAfterNow("/", offsets[1]!);
    expect(replay).toMatchObject({ ok: true });
    expect(replay.ok && replay.entries.map((e) => e.data[1])).toEqual([3, 4]);
    expect(log.readAfterNow("/", offsets[3]!)).toEqual({ ok: true, entries: [] });
  });

  it("refuses offsets it cannot honour: foreign, from another epoch, ahead, trimmed, too many", async () => {
    const clock = new FakeClock();
    const log = new MemoryPacketLog({ epoch: "e1", clock, maxAge: 1000, maxEntries: 3, maxReplay: 2 });
    for (let n = 1; n <= 5; n++) log.appendNow("/", entry(n));
    expect(log.size("/")).toBe(3); // 3, 4, 5
    expect(log.readAfterNow("/", "Q7yZf0a")).toEqual({ ok: false, reason: "malformed-offset" });
    expect(log.readAfterNow("/", "e2.3")).toEqual({ ok: false, reason: "epoch-changed" });
    expect(log.readAfterNow("/", "e1.9")).toEqual({ ok: false, reason: "unknown-offset" });
    expect(log.readAfterNow("/nope", "e1.1")).toEqual({ ok: false, reason: "unknown-offset" });
    expect(log.readAfterNow("/", "e1.1")).toEqual({ ok: false, reason: "trimmed" }); // entry 2 is gone
    expect(log.readAfterNow("/", "e1.2")).toEqual({ ok: false, reason: "too-many" }); // 3 entries > maxReplay 2
    expect((await log.readAfter("/", "e1.3")).ok).toBe(true);
    clock.advance(1001);
    expect(log.size("/")).toBe(0);
    expect(log.readAfterNow("/", "e1.4")).toEqual({ ok: false, reason: "trimmed" });
    // The newest offset stays valid even when its entry aged out: nothing after it was lost.
    expect(log.readAfterNow("/", "e1.5")).toEqual({ ok: true, entries: [] });
    expect(await log.append("/", entry(6))).toBe("e1.6");
  });

  it("names its head: everything up to there, even before the first entry", () => {
    const log = new MemoryPacketLog({ epoch: "e" });
    expect(log.head("/")).toBe("e.0");
    expect(log.readAfterNow("/", "e.0")).toEqual({ ok: true, entries: [] });
    log.appendNow("/", entry(1));
    const replay = log.readAfterNow("/", "e.0");
    expect(replay.ok && replay.entries.map((e) => e.data[1])).toEqual([1]);
    expect(log.head("/")).toBe("e.1");
  });

  it("gives every log its own epoch, so a restarted process refuses old offsets", () => {
    const before = new MemoryPacketLog();
    const offset = before.appendNow("/", entry(1));
    const after = new MemoryPacketLog();
    after.appendNow("/", entry(1));
    expect(after.readAfterNow("/", offset)).toEqual({ ok: false, reason: "epoch-changed" });
  });

  it("stays bounded and correct over many appends (compaction)", () => {
    const log = new MemoryPacketLog({ epoch: "e", maxEntries: 100 });
    let last = "";
    for (let n = 1; n <= 5000; n++) last = log.appendNow("/", entry(n));
    expect(log.size("/")).toBe(100);
    const replay = log.readAfterNow("/", `e.${(4950).toString(36)}`);
    expect(replay.ok && replay.entries.map((e) => e.data[1])).toEqual(Array.from({ length: 50 }, (_, i) => 4951 + i));
    expect(last).toBe(`e.${(5000).toString(36)}`);
  });
});

describe("MemorySessionStore", () => {
  it("hands a session to one taker within its ttl, never after", async () => {
    const clock = new FakeClock();
    const store = new MemorySessionStore(clock);
    const session = { pid: "p1", sid: "s1", nsp: "/", rooms: ["a"], data: { user: 7 } };
    await store.save(session, 1000);
    expect(await store.take("p1")).toEqual(session);
    expect(await store.take("p1")).toBeUndefined();
    await store.save(session, 1000);
    clock.advance(1000);
    expect(await store.take("p1")).toBeUndefined();
  });

  it("sweeps expired sessions on later saves", async () => {
    const clock = new FakeClock();
    const store = new MemorySessionStore(clock);
    for (let i = 0; i < 10; i++) await store.save({ pid: `p${i}`, sid: "s", nsp: "/", rooms: [], data: undefined }, 100);
    clock.advance(200);
    await store.save({ pid: "live", sid: "s", nsp: "/", rooms: [], data: undefined }, 100);
    expect(store.size).toBe(1);
  });
});

describe("MemoryDedupWindow", () => {
  it("lets one claim run, drops concurrent duplicates, replays the ack afterwards", async () => {
    const window = new MemoryDedupWindow();
    expect(await window.claim("p", "m1")).toEqual({ state: "new" });
    expect(await window.claim("p", "m1")).toEqual({ state: "pending" });
    expect(await window.claim("other", "m1")).toEqual({ state: "new" }); // windows are per session
    await window.complete("p", "m1", ["ok", 1]);
    expect(await window.claim("p", "m1")).toEqual({ state: "done", reply: ["ok", 1] });
    window.completeNow("p", "m2", ["never claimed"]);
    expect(window.claimNow("p", "m2")).toEqual({ state: "new" });
  });

  it("lets a released or stale pending claim run again", () => {
    const clock = new FakeClock();
    const window = new MemoryDedupWindow({ clock, pendingTimeout: 100 });
    window.claimNow("p", "m");
    window.releaseNow("p", "m");
    expect(window.claimNow("p", "m").state).toBe("new");
    clock.advance(100);
    expect(window.claimNow("p", "m").state).toBe("new"); // the instance handling it never finished
  });

  it("is bounded by count and by age", () => {
    const clock = new FakeClock();
    const window = new MemoryDedupWindow({ clock, maxIds: 3, maxAge: 1000 });
    for (const mid of ["a", "b", "c", "d"]) {
      window.claimNow("p", mid);
      window.completeNow("p", mid, undefined);
    }
    expect(window.claimNow("p", "a").state).toBe("new"); // pushed out by d
    window.completeNow("p", "a", undefined);
    expect(window.claimNow("p", "d")).toEqual({ state: "done", reply: undefined });
    clock.advance(1000);
    expect(window.claimNow("p", "d").state).toBe("new");
    clock.advance(100_000);
    window.sweep();
    expect(window.sessions).toBe(0);
  });
});

describe("recovery with a cluster adapter", () => {
  it("refuses the per-process memory stores (their offsets mean nothing on another instance)", () => {
    const create = () => new Server({ adapter: createClusterAdapter(createMemoryBackplane()), connectionStateRecovery: true });
    expect(create).toThrow(ServerError);
    expect(create).toThrow(/redisRecoveryStores/);
    // Without recovery, or on one instance, the same options are fine.
    expect(() => new Server({ adapter: createClusterAdapter(createMemoryBackplane()) })).not.toThrow();
    expect(() => new Server({ connectionStateRecovery: true })).not.toThrow();
  });
});
