import { describe, expect, it, vi } from "vitest";
import type { DedupWindow } from "../src/recovery/dedup-window.js";
import { MemoryDedupWindow } from "../src/recovery/memory-dedup-window.js";
import type { MemoryPacketLog } from "../src/recovery/memory-packet-log.js";
import { memoryRecoveryStores } from "../src/recovery/recovery-stores.js";
import { type RetriedEventHost, runOnce } from "../src/recovery/retried-event.js";
import { restoreSession } from "../src/recovery/session-restore.js";
import { FakeClock } from "./fake-clock.js";

describe("restoreSession", () => {
  it("takes the session once and returns the events addressed to its rooms, offsets appended, in order", async () => {
    const stores = memoryRecoveryStores(10_000, new FakeClock());
    const log = stores.log as MemoryPacketLog;
    const start = log.appendNow("/", { data: ["x", 0], rooms: [], except: [] });
    log.appendNow("/", { data: ["all", 1], rooms: [], except: [] });
    log.appendNow("/", { data: ["room-a", 2], rooms: ["a"], except: [] });
    log.appendNow("/", { data: ["room-b", 3], rooms: ["b"], except: [] });
    log.appendNow("/", { data: ["to-me", 4], rooms: ["s1"], except: [] });
    log.appendNow("/", { data: ["not-me", 5], rooms: ["a"], except: ["s1"] });
    const last = log.appendNow("/", { data: ["all", 6], rooms: [], except: ["muted"] });
    await stores.sessions.save({ pid: "p1", sid: "s1", nsp: "/", rooms: ["a"], data: { n: 1 } }, 10_000);
    const result = await restoreSession(stores, "/", "p1", start);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.restored.session).toMatchObject({ sid: "s1", rooms: ["a"], data: { n: 1 } });
    expect(result.restored.missed.map((d) => d.slice(0, 2))).toEqual([
      ["all", 1],
      ["room-a", 2],
      ["to-me", 4],
      ["all", 6],
    ]);
    expect(result.restored.missed[3]![2]).toBe(last);
    expect(await restoreSession(stores, "/", "p1", start)).toEqual({ ok: false, reason: "no-session" });
  });

  it("refuses bad requests, other namespaces and offsets the log cannot honour (and consumes the session)", async () => {
    const stores = memoryRecoveryStores(10_000, new FakeClock());
    const session = { pid: "p", sid: "s", nsp: "/", rooms: [], data: undefined };
    expect(await restoreSession(stores, "/", 42, "x")).toEqual({ ok: false, reason: "bad-request" });
    expect(await restoreSession(stores, "/", "p", undefined)).toEqual({ ok: false, reason: "bad-request" });
    await stores.sessions.save(session, 10_000);
    expect(await restoreSession(stores, "/admin", "p", "e.1")).toEqual({ ok: false, reason: "wrong-namespace" });
    await stores.sessions.save(session, 10_000);
    expect(await restoreSession(stores, "/", "p", "other-epoch.1")).toEqual({ ok: false, reason: "epoch-changed" });
    expect(await restoreSession(stores, "/", "p", "other-epoch.1")).toEqual({ ok: false, reason: "no-session" });
  });
});

/** A host that records what happened. */
function host(listener: (ack: ((...reply: unknown[]) => void) | undefined) => void) {
  const acks: unknown[][] = [];
  const errors: unknown[] = [];
  let runs = 0;
  const h: RetriedEventHost = {
    dispatch: (ack) => {
      runs++;
      listener(ack);
    },
    sendAck: (reply) => acks.push([...reply]),
    reportError: (e) => errors.push(e),
  };
  return { h, acks, errors, runs: () => runs };
}

describe("runOnce (exactly-once effect of retried emits)", () => {
  it("runs the handler once and replays its ack to every retransmission", () => {
    const window = new MemoryDedupWindow();
    const t = host((ack) => ack?.("stored", 7));
    for (let i = 0; i < 3; i++) runOnce(window, "p", "m1", true, t.h);
    expect(t.runs()).toBe(1);
    expect(t.acks).toEqual([
      ["stored", 7],
      ["stored", 7],
      ["stored", 7],
    ]);
  });

  it("drops a retransmission while a slow handler still runs, then replays once it answered", () => {
    const window = new MemoryDedupWindow();
    let answer: ((...reply: unknown[]) => void) | undefined;
    const t = host((ack) => {
      answer = ack;
    });
    runOnce(window, "p", "m", true, t.h);
    runOnce(window, "p", "m", true, t.h);
    expect(t.acks).toEqual([]);
    answer!("late");
    answer!("twice"); // a second call sends nothing
    runOnce(window, "p", "m", true, t.h);
    expect(t.runs()).toBe(1);
    expect(t.acks).toEqual([["late"], ["late"]]);
  });

  it("runs an event without ack once, and lets a throwing handler run again", () => {
    const window = new MemoryDedupWindow();
    const plain = host(() => {});
    runOnce(window, "p", "a", false, plain.h);
    runOnce(window, "p", "a", false, plain.h);
    expect(plain.runs()).toBe(1);
    let fail = true;
    const flaky = host((ack) => {
      if (fail) throw new Error("boom");
      ack?.("ok");
    });
    expect(() => runOnce(window, "p", "b", true, flaky.h)).toThrow("boom");
    fail = false;
    runOnce(window, "p", "b", true, flaky.h);
    expect(flaky.runs()).toBe(2);
    expect(flaky.acks).toEqual([["ok"]]);
  });

  it("waits for a shared window, and runs the event anyway when the window fails", async () => {
    const memory = new MemoryDedupWindow();
    const shared: DedupWindow = {
      claim: (s, m) => memory.claim(s, m),
      complete: (s, m, r) => memory.complete(s, m, r),
      release: (s, m) => memory.release(s, m),
    };
    const t = host((ack) => ack?.(1));
    runOnce(shared, "p", "m", true, t.h);
    runOnce(shared, "p", "m", true, t.h);
    await vi.waitFor(() => expect(t.acks).toHaveLength(1));
    runOnce(shared, "p", "m", true, t.h);
    await vi.waitFor(() => expect(t.acks).toHaveLength(2));
    expect(t.runs()).toBe(1);
    const broken: DedupWindow = { ...shared, claim: () => Promise.reject(new Error("redis down")) };
    runOnce(broken, "p", "n", true, t.h);
    await vi.waitFor(() => expect(t.runs()).toBe(2));
    expect(t.errors).toHaveLength(1);
  });
});

describe("dedupWindowOf", () => {
  it("windows Cometa ids by their per-socket prefix (it survives reconnections), others by session", async () => {
    const { dedupWindowOf } = await import("../src/recovery/retried-event.js");
    expect(dedupWindowOf("/", "k3v9q0z1ab.1f", "pid")).toBe("/#k3v9q0z1ab");
    expect(dedupWindowOf("/chat", "a.b.c", "pid")).toBe("/chat#a.b");
    expect(dedupWindowOf("/", "plain-id", "pid")).toBe("/#pid");
    expect(dedupWindowOf("/", ".x", "pid")).toBe("/#pid");
  });
});
