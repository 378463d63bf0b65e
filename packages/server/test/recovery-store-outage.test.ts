import { type Packet, PacketType } from "@cometa/protocol";
import { describe, expect, it } from "vitest";
import { ServerError } from "../src/errors.js";
import { MemoryDedupWindow } from "../src/recovery/memory-dedup-window.js";
import { MemoryPacketLog } from "../src/recovery/memory-packet-log.js";
import { MemorySessionStore } from "../src/recovery/memory-session-store.js";
import { Recovery, type RecoveryScope } from "../src/recovery/recovery.js";
import { resolveRecoveryOptions } from "../src/recovery/recovery-options.js";
import type { SharedRecoveryStores } from "../src/recovery/recovery-stores.js";
import type { SessionStore } from "../src/recovery/session-store.js";
import { StoreOutage } from "../src/recovery/store-outage.js";

/** Let settled promises' handlers run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));
const oom = () => new Error("OOM command not allowed when used memory > 'maxmemory'.");

describe("StoreOutage", () => {
  it("reports the first failure of an outage with a code and the store's error as cause, counts the rest, re-arms on success", async () => {
    const reports: unknown[] = [];
    const outage = new StoreOutage("packet log", (error) => reports.push(error));
    for (let i = 0; i < 5; i++) outage.watch(Promise.reject(oom()));
    await settle();
    expect(reports).toHaveLength(1);
    const first = reports[0] as ServerError;
    expect(first).toBeInstanceOf(ServerError);
    expect(first.code).toBe("RECOVERY_STORE_FAILED");
    expect(first.message).toMatch(/^recovery packet log failed: OOM command not allowed/);
    expect((first.cause as Error).message).toMatch(/^OOM/);
    expect(outage.down).toBe(true);
    expect(outage.suppressed).toBe(4);
    outage.watch(Promise.resolve("ok"));
    await settle();
    expect(outage.down).toBe(false);
    // A later failure is a new outage, reported again.
    outage.watch(Promise.reject("ECONNREFUSED"));
    await settle();
    expect(reports).toHaveLength(2);
    expect((reports[1] as Error).message).toContain("ECONNREFUSED");
  });
});

describe("Recovery while its stores refuse writes (F14)", () => {
  /** Shared stores whose feed and session saves fail while `failing` is set. */
  function failingStores(state: { failing: boolean }): SharedRecoveryStores {
    let n = 0;
    const sessions = new MemorySessionStore();
    const flaky: SessionStore = {
      durable: false,
      save: (record, ttl) => (state.failing ? Promise.reject(oom()) : sessions.save(record, ttl)),
      take: (pid) => (state.failing ? Promise.reject(oom()) : sessions.take(pid)),
    };
    return {
      log: new MemoryPacketLog({ maxAge: 60_000 }),
      sessions: flaky,
      dedup: new MemoryDedupWindow({ maxAge: 60_000 }),
      feed: {
        publish: () => (state.failing ? Promise.reject(oom()) : Promise.resolve(`0.${++n}`)),
        watch: () => Promise.resolve(),
        delivered: () => undefined,
        compare: (a, b) => a.localeCompare(b),
      },
    };
  }

  it("reports one error per outage, not one per broadcast or session, and still delivers every refused broadcast", async () => {
    const state = { failing: true };
    const reports: unknown[] = [];
    const recovery = new Recovery(resolveRecoveryOptions(true)!, failingStores(state), (error) => reports.push(error));
    const fallbacks: Packet[] = [];
    const scope: RecoveryScope = {
      name: "/",
      localBroadcast: () => {},
      adapter: { broadcast: (packet) => fallbacks.push(packet) },
      dropForRecovery: () => {},
    };
    const opts = { rooms: new Set<string>(), except: new Set<string>(), flags: {} };
    const broadcast = (i: number) => recovery.logBroadcast(scope, { type: PacketType.EVENT, nsp: "/", data: ["n", i] }, opts);

    const offsets = await Promise.all(Array.from({ length: 100 }, (_, i) => broadcast(i)));
    expect(offsets.every((offset) => offset === undefined)).toBe(true);
    // Nothing lost: each refused broadcast went out through the adapter, without an offset.
    expect(fallbacks.map((p) => (p.data as unknown[])[1])).toEqual(Array.from({ length: 100 }, (_, i) => i));
    for (let i = 0; i < 50; i++) recovery.persist("/", { id: `s${i}`, pid: `p${i}`, rooms: new Set(), data: {}, connected: false }, "transport close");
    await settle();
    expect(reports.map((e) => (e as ServerError).code)).toEqual(["RECOVERY_STORE_FAILED", "RECOVERY_STORE_FAILED"]);
    expect((reports as Error[]).map((e) => e.message.split(":")[0])).toEqual(["recovery packet log failed", "recovery session store failed"]);
    expect(recovery.logOutage.suppressed).toBe(99);
    expect(recovery.sessionOutage.suppressed).toBe(49);

    // Healed: writes work and nothing is reported; the next outage is reported again.
    state.failing = false;
    expect(await broadcast(100)).toBe("0.1");
    state.failing = true;
    await broadcast(101);
    await settle();
    expect(reports).toHaveLength(3);
  });
});
