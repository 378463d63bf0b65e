import { PacketType } from "@cometa/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { LiveSessions } from "../src/recovery/live-sessions.js";
import { MemorySessionStore } from "../src/recovery/memory-session-store.js";
import { memoryRecoveryStores } from "../src/recovery/recovery-stores.js";
import type { SharedRecoveryStores } from "../src/recovery/recovery-stores.js";
import type { SessionRecord, SessionStore } from "../src/recovery/session-store.js";
import { StoreOutage } from "../src/recovery/store-outage.js";
import { FakeClock } from "./fake-clock.js";
import { createTestServer, type TestServer } from "./harness.js";

/**
 * Sessions of connected sockets, saved while they live when the session
 * store is durable (shared, e.g. Redis): an instance that dies without closing
 * its sockets leaves them restorable. Also: volatile events are never logged.
 */

const WINDOW = 10_000;

/** A memory store that says it is durable and records every write. */
class RecordingStore implements SessionStore {
  readonly durable = true;
  readonly inner: MemorySessionStore;
  readonly saves: { session: SessionRecord; ttl: number }[] = [];
  readonly takes: string[] = [];

  constructor(clock: FakeClock) {
    this.inner = new MemorySessionStore(clock);
  }

  save(session: SessionRecord, ttl: number): Promise<void> {
    this.saves.push({ session: { ...session, rooms: [...session.rooms] }, ttl });
    return this.inner.save(session, ttl);
  }

  take(pid: string): Promise<SessionRecord | undefined> {
    this.takes.push(pid);
    return this.inner.take(pid);
  }
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("live sessions (durable session store)", () => {
  let server: TestServer;
  let store: RecordingStore;

  let clock: FakeClock;

  function start(durable = true): void {
    clock = new FakeClock();
    store = new RecordingStore(clock);
    const stores = { ...memoryRecoveryStores(WINDOW, clock), sessions: durable ? store : new MemorySessionStore(clock) };
    server = createTestServer({ clock, connectionStateRecovery: { maxDisconnectionDuration: WINDOW, stores } });
  }

  afterEach(async () => {
    await server.io.close();
  });

  it("saves at connect, once per tick for the handler's joins, and again after a later join or leave", async () => {
    start();
    server.io.on("connection", (socket) => {
      socket.join("a");
      socket.join(["b", "c"]);
      socket.data = { user: 7 };
    });
    const client = server.client();
    const reply = await client.connect();
    const { sid, pid } = reply.data as { sid: string; pid: string };
    await tick();
    expect(store.saves).toHaveLength(1);
    expect(store.saves[0]!.session).toEqual({ pid, sid, nsp: "/", rooms: ["a", "b", "c"], data: { user: 7 } });
    // Restorable for longer than the window: it is refreshed before it expires.
    expect(store.saves[0]!.ttl).toBeGreaterThan(WINDOW);
    const socket = server.io.sockets.sockets.get(sid)!;
    socket.leave("a");
    socket.join("d");
    await tick();
    expect(store.saves).toHaveLength(2);
    expect(store.saves[1]!.session.rooms).toEqual(["b", "c", "d"]);
  });

  it("refreshes every connected socket's session before it expires, and stops once it is gone", async () => {
    start();
    const client = server.client();
    const { sid } = (await client.connect()).data as { sid: string };
    await tick();
    expect(store.saves).toHaveLength(1);
    clock.advance(WINDOW / 2);
    await tick();
    expect(store.saves).toHaveLength(2);
    server.io.sockets.sockets.get(sid)!.data = { seen: true };
    clock.advance(WINDOW / 2);
    await tick();
    expect(store.saves).toHaveLength(3);
    expect(store.saves[2]!.session.data).toEqual({ seen: true }); // data changes ride along with the refresh
    client.conn.drop("transport close");
    clock.advance(WINDOW);
    await tick();
    // The disconnect wrote the session once more (recoverable reason, exact window); no refresh after that.
    expect(store.saves).toHaveLength(4);
    expect(store.saves[3]!.ttl).toBe(WINDOW);
  });

  it("an instance that never closed the socket still leaves a session another one can restore", async () => {
    start();
    server.io.on("connection", (socket) => {
      if (!socket.recovered) socket.join("room");
    });
    const client = server.client();
    const { sid, pid } = (await client.connect()).data as { sid: string; pid: string };
    await tick();
    // The crash: the session is read straight from the store, as another instance would.
    const session = await store.inner.take(pid);
    expect(session).toMatchObject({ sid, rooms: ["room"] });
  });

  it("discards the live session when the client leaves on purpose", async () => {
    start();
    const client = server.client();
    const { pid } = (await client.connect()).data as { pid: string };
    await tick();
    client.send({ type: PacketType.DISCONNECT, nsp: "/" });
    await tick();
    expect(store.takes).toEqual([pid]);
    expect(await store.inner.take(pid)).toBeUndefined();
  });

  it("writes nothing while connected with a memory store (it dies with the process anyway)", async () => {
    start(false);
    server.io.on("connection", (socket) => socket.join("a"));
    await server.client().connect();
    await tick();
    expect(store.saves).toHaveLength(0);
    expect(server.io.recovery!.live).toBeUndefined();
  });
});

describe("LiveSessions", () => {
  it("writes at most 1000 sessions per tick (a refresh of many sockets never stalls the event loop)", async () => {
    const clock = new FakeClock();
    const store = new RecordingStore(clock);
    const live = new LiveSessions(
      store,
      WINDOW,
      clock,
      new StoreOutage("session store", (e) => {
        throw e;
      }),
    );
    const sockets = Array.from({ length: 2500 }, (_, i) => ({ id: `s${i}`, pid: `p${i}`, rooms: new Set([`s${i}`, "r"]), data: {}, connected: true }));
    for (const socket of sockets) live.track("/", socket);
    const counts: number[] = [];
    for (let i = 0; i < 4; i++) {
      await tick();
      counts.push(store.saves.length);
    }
    expect(counts).toEqual([1000, 2000, 2500, 2500]);
    expect(store.saves[0]!.session).toEqual({ pid: "p0", sid: "s0", nsp: "/", rooms: ["r"], data: {} });
    live.untrack(sockets[0]!);
    clock.advance(WINDOW / 2); // the refresh: every tracked socket again, in batches
    for (let i = 0; i < 3; i++) await tick();
    expect(store.saves.length).toBe(2500 + 2499);
    live.close();
    clock.advance(WINDOW);
    await tick();
    expect(store.saves.length).toBe(2500 + 2499);
    expect(clock.pending).toBe(0);
  });
});

describe("a gap the shared log's feed could not read back", () => {
  let server: TestServer;
  afterEach(async () => {
    await server.io.close();
  });

  it("disconnects the namespace's sockets with reason 'insufficient state', keeps their sessions, closes their connections", async () => {
    const clock = new FakeClock();
    const local = memoryRecoveryStores(WINDOW, clock);
    let onLoss: ((nsp: string, reason: string) => void) | undefined;
    const stores: SharedRecoveryStores = {
      log: local.log,
      sessions: local.sessions,
      dedup: local.dedup,
      feed: { publish: () => Promise.resolve("e.1"), watch: () => Promise.resolve(), delivered: () => undefined, compare: () => 0 },
      onLoss: (listener) => {
        onLoss = listener;
      },
    };
    server = createTestServer({ clock, connectionStateRecovery: { maxDisconnectionDuration: WINDOW, stores } });
    const reasons: string[] = [];
    server.io.on("connection", (socket) => {
      socket.join("r");
      socket.on("disconnect", (reason: string) => reasons.push(reason));
    });
    server.io.of("/other");
    const client = server.client();
    const { pid } = (await client.connect()).data as { pid: string };
    const bystander = server.client();
    await bystander.connect("/other");
    onLoss!("/", "trimmed");
    expect(reasons).toEqual(["insufficient state"]);
    expect(client.conn.closed).toBe(true); // the client reconnects and recovers through the log
    expect(bystander.conn.closed).toBe(false); // another namespace: untouched
    expect(await local.sessions.take(pid)).toMatchObject({ rooms: ["r"] });
  });
});

describe("volatile events with recovery on", () => {
  let server: TestServer;
  afterEach(async () => {
    await server.io.close();
  });

  it("are never logged nor replayed, and never get an offset of their own", async () => {
    server = createTestServer({ connectionStateRecovery: { maxDisconnectionDuration: WINDOW } });
    const log = server.io.recovery!.stores.log as ReturnType<typeof memoryRecoveryStores>["log"];
    server.io.on("connection", (socket) => {
      if (!socket.recovered) socket.join("r");
    });
    const client = server.client();
    const { sid, pid } = (await client.connect()).data as { sid: string; pid: string };
    const socket = server.io.sockets.sockets.get(sid)!;
    server.io.to("r").emit("kept", 1);
    const head = log.head("/");
    server.io.volatile.emit("v", 1);
    server.io.to("r").volatile.emit("v", 2);
    socket.volatile.emit("v", 3);
    socket.broadcast.volatile.emit("v", 4); // nobody else: not sent
    expect(log.size("/")).toBe(1);
    const events = client.events();
    expect(events.map((e) => e.slice(0, 2))).toEqual([
      ["kept", 1],
      ["v", 1],
      ["v", 2],
      ["v", 3],
    ]);
    // The trailing string of a volatile event is the position already reached, never a new one.
    for (const event of events.slice(1)) expect(event[2]).toBe(head);
    // Reconnect: only the logged event after the offset the client had before it would be replayed.
    client.conn.drop("transport close");
    server.io.to("r").volatile.emit("v", 5);
    server.io.to("r").emit("kept", 2);
    const again = server.client();
    const reply = await again.connect("/", { pid, offset: head });
    expect((reply.data as { sid: string }).sid).toBe(sid);
    expect(again.events().map((e) => e.slice(0, 2))).toEqual([["kept", 2]]);
  });
});
