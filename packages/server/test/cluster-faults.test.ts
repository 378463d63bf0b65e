import { afterEach, describe, expect, it } from "vitest";
import type { Backplane, BackplaneStatus } from "../src/cluster/backplane.js";
import { type ClusterAdapter, createClusterAdapter } from "../src/cluster/cluster-adapter.js";
import type { PartialResponseContext } from "../src/cluster/cluster-adapter-options.js";
import type { ClusterMessage } from "../src/cluster/cluster-message.js";
import { createMemoryBackplane, type MemoryBackplane } from "../src/cluster/memory-backplane.js";
import { missingNodes } from "../src/cluster/partial-answer.js";
import { broadcastRoute, isRoutableRoom } from "../src/cluster/room-routing.js";
import type { Socket } from "../src/socket.js";
import { connectClients, errors, type TestClient, type TestServer } from "./harness.js";

/** Let queued backplane deliveries (microtasks) and their replies run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

interface Node {
  readonly server: TestServer;
  readonly sockets: Socket[];
  readonly clients: TestClient[];
  readonly adapter: ClusterAdapter;
}

let nodes: Node[] = [];

afterEach(async () => {
  for (const node of nodes) await node.server.io.close();
  nodes = [];
  errors.length = 0;
});

/** A backplane that can cut nodes off (their messages are lost) and fail publishes. */
function faultyBackplane(inner: MemoryBackplane = createMemoryBackplane()) {
  const muted = new Set<string>();
  let failing = false;
  const backplane: Backplane = {
    publish: (message, target) => {
      if (failing) return Promise.reject(new Error("backplane down"));
      return muted.has(message.uid) ? undefined : inner.publish(message, target);
    },
    subscribe: (nsp, uid, handler) => inner.subscribe(nsp, uid, handler),
    publishToRooms: (message, rooms) => (muted.has(message.uid) ? undefined : inner.publishToRooms!(message, rooms)),
    joinRoom: (nsp, uid, room) => inner.joinRoom!(nsp, uid, room),
    leaveRoom: (nsp, uid, room) => inner.leaveRoom!(nsp, uid, room),
  };
  return {
    backplane,
    inner,
    mute: (adapter: ClusterAdapter) => muted.add(adapter.uid),
    fail: (on: boolean) => {
      failing = on;
    },
  };
}

async function cluster(count: number, clientsPerNode: number, backplane: Backplane = createMemoryBackplane()) {
  for (let n = 0; n < count; n++) {
    const node = await connectClients(clientsPerNode, {
      adapter: createClusterAdapter(backplane, { heartbeatInterval: 1000, requestsTimeout: 3000 }),
    });
    nodes.push({ ...node, adapter: node.server.io.sockets.adapter as unknown as ClusterAdapter });
  }
  await settle();
  return nodes;
}

/** Advance every node's clock (each server has its own fake clock). */
async function advance(ms: number) {
  for (const node of nodes) node.server.clock.advance(ms);
  await settle();
}

describe("room routing", () => {
  it("socket-id-like rooms are not routed; others are, and any unrouted room sends the broadcast to everyone", () => {
    expect(isRoutableRoom("lobby")).toBe(true);
    expect(isRoutableRoom("AbCdEfGhIjKlMnOpQrSt")).toBe(false); // 20 base64url characters
    expect(isRoutableRoom("AbCdEfGhIjKlMnOpQrS*")).toBe(true);
    const opts = (rooms: string[]) => ({ rooms: new Set(rooms), except: new Set<string>(), flags: {} });
    expect(broadcastRoute(opts([]))).toBeUndefined();
    expect(broadcastRoute(opts(["a", "b"]))).toEqual(["a", "b"]);
    expect(broadcastRoute(opts(["a", "AbCdEfGhIjKlMnOpQrSt"]))).toBeUndefined();
  });

  it("a room broadcast reaches only nodes with members, once even for several rooms", async () => {
    const bus = createMemoryBackplane();
    const [a, b, c] = await cluster(3, 1, bus);
    b!.sockets[0]!.join(["x", "y"]);
    const before = { b: bus.received.get(b!.adapter.uid) ?? 0, c: bus.received.get(c!.adapter.uid) ?? 0 };
    a!.server.io.to("x").to("y").emit("hi");
    await settle();
    expect(b!.clients[0]!.events()).toEqual([["hi"]]);
    expect((bus.received.get(b!.adapter.uid) ?? 0) - before.b).toBe(1);
    expect((bus.received.get(c!.adapter.uid) ?? 0) - before.c).toBe(0); // no member: nothing sent
    expect([...bus.roomsOf(b!.adapter.uid)].sort()).toEqual(["x", "y"]);
    b!.sockets[0]!.leave("x");
    b!.sockets[0]!.disconnect();
    await settle();
    expect([...bus.roomsOf(b!.adapter.uid)]).toEqual([]);
  });
});

describe("heartbeats and partial answers", () => {
  it("a node silent for the heartbeat timeout is dropped; a request in flight stops waiting for it", async () => {
    const faulty = faultyBackplane();
    const [a, b, c] = await cluster(3, 1, faulty.backplane);
    await expect(a!.adapter.serverCount()).resolves.toBe(3);
    const down: string[] = [];
    a!.adapter.on("node-down", (uid) => down.push(uid));
    const partial: PartialResponseContext[] = [];
    a!.adapter.on("partial-response", (ctx) => partial.push(ctx));

    faulty.mute(c!.adapter); // c is partitioned: it hears but is not heard
    const fetched = a!.adapter.fetchSocketsDetailed({ rooms: new Set(), except: new Set(), flags: {} });
    await settle();
    await advance(1000);
    await advance(1000);
    await advance(1000); // c last heard at t=0: gone after 2 s, noticed at the next heartbeat tick
    const result = await fetched;
    expect(down).toEqual([c!.adapter.uid]);
    expect(result.sockets.map((s) => s.id).sort()).toEqual([a!.sockets[0]!.id, b!.sockets[0]!.id].sort());
    expect(result.missing).toEqual([c!.adapter.uid]);
    expect(partial).toMatchObject([{ operation: "fetchSockets", missing: [c!.adapter.uid], reason: "node-down" }]);
    await expect(a!.adapter.serverCount()).resolves.toBe(2);
    // A request sent now does not wait for c at all.
    const again = await a!.server.io.fetchSockets();
    expect(again).toHaveLength(2);
    expect(a!.adapter.pendingRequests).toBe(0);
  });

  it("serverSideEmit with a slow node resolves at the timeout with the answers so far, naming the missing node", async () => {
    const [a, b, c] = await cluster(3, 0);
    b!.server.io.on("q", (ack: (v: string) => void) => ack("b"));
    c!.server.io.on("q", () => {}); // alive (heartbeats) but never answers
    let outcome: { err: Error | null; responses: unknown[] } | undefined;
    a!.server.io.serverSideEmit("q", (err: Error | null, responses: unknown[]) => {
      outcome = { err, responses };
    });
    await settle();
    expect(outcome).toBeUndefined();
    await advance(3000);
    expect(outcome!.err).toBeNull();
    expect(outcome!.responses).toEqual(["b"]);
    expect(missingNodes(outcome!.responses)).toEqual([c!.adapter.uid]);
    expect(JSON.stringify(outcome!.responses)).toBe('["b"]'); // the marker is invisible to serialisation
    // The promise form resolves too: a slow node never fails the call.
    const replies = a!.server.io.serverSideEmitWithAck("q");
    await settle();
    await advance(3000);
    await expect(replies).resolves.toEqual(["b"]);
    expect(missingNodes(await replies)).toEqual([c!.adapter.uid]);
  });

  it("a broadcast ack does not wait for a node that died: its count is taken as zero", async () => {
    const faulty = faultyBackplane();
    const [a, , c] = await cluster(3, 1, faulty.backplane);
    faulty.mute(c!.adapter); // c will never report its client count
    let answers: unknown[] | undefined;
    a!.server.io.emit("poll", (_err: Error | null, responses: unknown[]) => {
      answers = responses;
    });
    await settle();
    for (const node of nodes.slice(0, 2)) {
      const packet = await node.clients[0]!.nextEvent();
      node.clients[0]!.ack("/", packet.id!, [node === a ? "a" : "b"]);
    }
    await settle();
    expect(answers).toBeUndefined(); // still waiting for c's count
    await advance(1000);
    await advance(1000);
    await advance(1000);
    expect(answers?.sort()).toEqual(["a", "b"]);
  });

  it("emitters (senders that never heartbeat) are never waited for", async () => {
    const bus = createMemoryBackplane();
    const [a] = await cluster(2, 1, bus);
    bus.publish({ uid: "emitter-1", nsp: "/", type: 9, data: { packet: ["hello"] } } as ClusterMessage);
    await settle();
    await expect(a!.adapter.serverCount()).resolves.toBe(2);
    expect(a!.adapter.remoteNodes()).not.toContain("emitter-1");
  });
});

describe("backplane failures", () => {
  it("a failing publish never throws; it is reported once per outage and local delivery goes on", async () => {
    const faulty = faultyBackplane();
    const [a] = await cluster(2, 1, faulty.backplane);
    faulty.fail(true);
    for (let i = 0; i < 5; i++) a!.server.io.emit("local-still-works", i);
    await settle();
    expect(a!.clients[0]!.events()).toHaveLength(5);
    expect(errors.filter((e) => (e as { code?: string }).code === "BACKPLANE_UNAVAILABLE")).toHaveLength(1);
    // A request that cannot be sent ends at once, as a partial answer.
    const result = await a!.adapter.fetchSocketsDetailed({ rooms: new Set(), except: new Set(), flags: {} });
    expect(result.sockets).toHaveLength(1);
    expect(result.missing).toHaveLength(1);
  });

  it("fetchSockets() on the server, a room and a dynamic parent keeps the partial-answer marker", async () => {
    const faulty = faultyBackplane();
    const [a, b] = await cluster(2, 1, faulty.backplane);
    const parents = [a!, b!].map((node) => node.server.io.of(/^\/dyn-\d+$/));
    for (const node of [a!, b!]) await node.server.client().connect("/dyn-1");
    a!.sockets[0]!.join("r");
    await settle();
    const childUid = (node: typeof a) => (node!.server.io.of("/dyn-1").adapter as unknown as ClusterAdapter).uid;
    faulty.fail(true); // every request now ends at once without b's answer
    const all = await a!.server.io.fetchSockets();
    const room = await a!.server.io.to("r").fetchSockets();
    const dynamic = await parents[0]!.fetchSockets();
    expect(all.map((s) => s.id)).toEqual([a!.sockets[0]!.id]);
    expect(missingNodes(all)).toEqual([b!.adapter.uid]);
    expect(room).toHaveLength(1);
    expect(missingNodes(room)).toEqual([b!.adapter.uid]);
    expect(dynamic).toHaveLength(1);
    expect(missingNodes(dynamic)).toEqual([childUid(b)]);
    expect(childUid(b)).not.toBe(b!.adapter.uid);
    faulty.fail(false);
    const complete = await a!.server.io.fetchSockets();
    expect(complete).toHaveLength(2);
    expect(missingNodes(complete)).toEqual([]);
  });

  it("health reports from the backplane: 'connecting' is quiet, an outage is reported once, recovery re-announces the node", async () => {
    const inner = createMemoryBackplane();
    const listeners = new Set<(s: BackplaneStatus) => void>();
    let current: BackplaneStatus = { healthy: false, reason: "connecting" };
    const published: ClusterMessage[] = [];
    const backplane: Backplane = {
      publish: (message, target) => {
        published.push(message);
        return inner.publish(message, target);
      },
      subscribe: (nsp, uid, handler) => inner.subscribe(nsp, uid, handler),
      watch: (listener) => {
        listeners.add(listener);
        listener(current);
        return () => listeners.delete(listener);
      },
    };
    const set = (status: BackplaneStatus) => {
      current = status;
      for (const listener of listeners) listener(status);
    };
    const [a] = await cluster(1, 0, backplane);
    const seen: BackplaneStatus[] = [];
    a!.adapter.on("backplane", (status) => seen.push(status));
    expect(published.filter((m) => m.type === 1)).toHaveLength(0); // no INITIAL_HEARTBEAT while connecting
    set({ healthy: true, reason: "ready" });
    expect(published.filter((m) => m.type === 1)).toHaveLength(1);
    set({ healthy: false, reason: "ping-timeout", error: new Error("frozen") });
    set({ healthy: false, reason: "connection-closed" });
    expect(errors.filter((e) => (e as { code?: string }).code === "BACKPLANE_UNAVAILABLE")).toHaveLength(1);
    set({ healthy: true, reason: "resubscribed" });
    expect(published.filter((m) => m.type === 1)).toHaveLength(2);
    expect(seen.map((s) => s.reason)).toEqual(["ready", "ping-timeout", "connection-closed", "resubscribed"]);
  });
});
