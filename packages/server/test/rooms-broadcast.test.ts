import { PacketType } from "@cometa/protocol";
import { afterEach, describe, expect, it } from "vitest";
import type { ServerOptions } from "../src/server-options.js";
import type { Socket } from "../src/socket.js";
import { connectClients, createTestServer, errors, receivers, type TestClient, type TestServer } from "./harness.js";

let server: TestServer;

afterEach(async () => {
  await server?.io.close();
  errors.length = 0;
});

/** `n` connected clients on `/`, with their server-side sockets. */
async function crowd(n: number, options: ServerOptions = {}): Promise<{ sockets: Socket[]; clients: TestClient[] }> {
  // Kept in the module's `server`, which afterEach closes.
  const crowded = await connectClients(n, options);
  server = crowded.server;
  return crowded;
}

describe("rooms", () => {
  it("join one or many, leave, rooms snapshot includes the own id", async () => {
    const { sockets } = await crowd(1);
    const s = sockets[0]!;
    s.join("a");
    s.join(["b", "c"]);
    expect([...s.rooms]).toEqual([s.id, "a", "b", "c"]);
    s.leave("b");
    expect([...s.rooms]).toEqual([s.id, "a", "c"]);
    expect([...server.io.sockets.adapter.rooms.keys()]).toEqual(["a", "c"]);
  });

  it("a join after the socket disconnected is ignored (no dead id left in a room)", async () => {
    const { sockets } = await crowd(1);
    const s = sockets[0]!;
    s.disconnect();
    s.join("late");
    expect(server.io.sockets.adapter.rooms.has("late")).toBe(false);
    expect([...s.rooms]).toEqual([s.id]);
  });

  it("subscribes the connection to a topic per room and unsubscribes on leave and disconnect", async () => {
    const { sockets, clients } = await crowd(1);
    const s = sockets[0]!;
    const conn = clients[0]!.conn;
    expect(conn.topics.size).toBe(1); // the namespace topic
    s.join(["a", "b"]);
    expect(conn.topics.size).toBe(3);
    s.leave("a");
    expect(conn.topics.size).toBe(2);
    s.disconnect();
    expect(conn.topics.size).toBe(0);
  });

  it("adapter emits room lifecycle events", async () => {
    const { sockets } = await crowd(2);
    const log: string[] = [];
    const adapter = server.io.sockets.adapter;
    for (const event of ["create-room", "join-room", "leave-room", "delete-room"] as const) {
      adapter.on(event, (room, id) => log.push(`${event}:${room}:${id === undefined ? "" : id === sockets[0]!.id ? 0 : 1}`));
    }
    sockets[0]!.join("r");
    sockets[1]!.join("r");
    sockets[0]!.leave("r");
    sockets[1]!.disconnect();
    expect(log).toEqual([
      "create-room:r:",
      "join-room:r:0",
      "join-room:r:1",
      "leave-room:r:0",
      "leave-room:r:1",
      "delete-room:r:",
    ]);
  });
});

describe("broadcast operators", () => {
  it("io.emit reaches everyone; to/in a room reaches its members only", async () => {
    const { sockets, clients } = await crowd(4);
    sockets[1]!.join("r");
    sockets[2]!.join("r");
    server.io.emit("all", 1);
    server.io.to("r").emit("room", 2);
    server.io.in("r").emit("room2", 3);
    expect(receivers(clients, "all")).toEqual([0, 1, 2, 3]);
    expect(receivers(clients, "room")).toEqual([1, 2]);
    expect(receivers(clients, "room2")).toEqual([1, 2]);
  });

  it("several rooms: each socket once, even when in several of them", async () => {
    const { sockets, clients } = await crowd(4);
    sockets[0]!.join(["a", "b"]);
    sockets[1]!.join("a");
    sockets[2]!.join("b");
    server.io.to("a").to("b").emit("ab");
    server.io.to(["b", "a"]).emit("ba");
    expect(receivers(clients, "ab")).toEqual([0, 1, 2]);
    expect(receivers(clients, "ba")).toEqual([0, 1, 2]);
  });

  it("except excludes the members of a room (or a socket id), alone or combined with rooms", async () => {
    const { sockets, clients } = await crowd(4);
    sockets[0]!.join(["a", "muted"]);
    sockets[1]!.join("a");
    sockets[3]!.join("muted");
    server.io.except("muted").emit("e1");
    server.io.to("a").except("muted").emit("e2");
    server.io.except(sockets[2]!.id).emit("e3");
    expect(receivers(clients, "e1")).toEqual([1, 2]);
    expect(receivers(clients, "e2")).toEqual([1]);
    expect(receivers(clients, "e3")).toEqual([0, 1, 3]);
  });

  it("to(socketId) reaches that socket (its own-id room is implicit); another socket cannot join that room (R3)", async () => {
    const { sockets, clients } = await crowd(3);
    server.io.to(sockets[1]!.id).emit("direct");
    expect(() => sockets[2]!.join(sockets[1]!.id)).toThrow(expect.objectContaining({ code: "ROOM_PRIVATE" }));
    server.io.to(sockets[1]!.id).emit("private");
    expect(receivers(clients, "direct")).toEqual([1]);
    expect(receivers(clients, "private")).toEqual([1]);
  });

  it("socket.broadcast and socket.to exclude the sender", async () => {
    const { sockets, clients } = await crowd(3);
    sockets[0]!.join("r");
    sockets[1]!.join("r");
    sockets[0]!.broadcast.emit("b");
    sockets[0]!.to("r").emit("t");
    sockets[0]!.except("r").emit("x");
    expect(receivers(clients, "b")).toEqual([1, 2]);
    expect(receivers(clients, "t")).toEqual([1]);
    expect(receivers(clients, "x")).toEqual([2]);
  });

  it("operators are immutable: modifiers return new operators and never change the original", async () => {
    const { sockets, clients } = await crowd(3);
    sockets[0]!.join("a");
    sockets[1]!.join("b");
    const a = server.io.to("a");
    const ab = a.to("b");
    const aNotB = a.except("b");
    const volatileA = a.volatile;
    const timed = a.timeout(100);
    expect([...a.rooms]).toEqual(["a"]);
    expect([...ab.rooms]).toEqual(["a", "b"]);
    expect([...aNotB.exceptRooms]).toEqual(["b"]);
    expect(a.exceptRooms.size).toBe(0);
    expect(a.flags).toEqual({});
    expect(volatileA.flags).toEqual({ volatile: true });
    expect(timed.flags).toEqual({ timeout: 100 });
    expect(server.io.local.flags).toEqual({ local: true });
    expect(server.io.compress(false).flags).toEqual({ compress: false });
    a.emit("only-a");
    expect(receivers(clients, "only-a")).toEqual([0]);
  });

  it("refuses reserved event names and invalid timeouts", async () => {
    await crowd(1);
    expect(() => server.io.emit("connect")).toThrow(expect.objectContaining({ code: "RESERVED_EVENT" }));
    expect(() => server.io.to("r").emit("disconnecting")).toThrow(expect.objectContaining({ code: "RESERVED_EVENT" }));
    expect(() => server.io.timeout(-1)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });

  it("volatile broadcasts are dropped for backed-up recipients only", async () => {
    const { clients } = await crowd(2);
    clients[1]!.conn.backedUp = true;
    server.io.volatile.emit("v");
    server.io.emit("n");
    expect(receivers(clients, "v")).toEqual([0]);
    expect(receivers(clients, "n")).toEqual([0, 1]);
  });

  it("other namespaces are not reached", async () => {
    server = createTestServer();
    server.io.of("/other");
    const a = server.client();
    const b = server.client();
    await a.connect("/");
    await b.connect("/other");
    server.io.emit("main");
    server.io.of("/other").emit("other");
    expect(a.events("/").map((d) => d[0])).toEqual(["main"]);
    expect(b.events("/other").map((d) => d[0])).toEqual(["other"]);
  });
});

describe("hot path", () => {
  it("encodes a broadcast to 100 sockets once, and a plain one goes out as a single publish", async () => {
    const { sockets, clients } = await crowd(100);
    for (const s of sockets) s.join("room");
    server.codec.encodes = 0;
    server.engine.published.length = 0;
    server.io.to("room").emit("news", { headline: "x" });
    expect(server.codec.encodes).toBe(1);
    expect(server.engine.published).toHaveLength(1);
    expect(receivers(clients, "news")).toHaveLength(100);

    server.codec.encodes = 0;
    server.engine.published.length = 0;
    server.io.emit("all");
    expect(server.codec.encodes).toBe(1);
    expect(server.engine.published).toHaveLength(1);
  });

  it("except and multi-room broadcasts are sent per socket, still encoded once", async () => {
    const { sockets, clients } = await crowd(100);
    for (const [i, s] of sockets.entries()) s.join(i % 2 === 0 ? "even" : "odd");
    server.codec.encodes = 0;
    server.engine.published.length = 0;
    server.io.except("odd").emit("b");
    server.io.to(["even", "odd"]).emit("m");
    expect(server.codec.encodes).toBe(2);
    expect(server.engine.published).toHaveLength(0);
    expect(receivers(clients, "b")).toHaveLength(50);
    expect(receivers(clients, "m")).toHaveLength(100);
  });

  it("a room nobody local joined publishes nothing; onAnyOutgoing listeners force per-socket delivery", async () => {
    const { sockets, clients } = await crowd(2);
    server.engine.published.length = 0;
    server.io.to("ghost").emit("nothing");
    expect(server.engine.published).toHaveLength(0);
    const out: unknown[] = [];
    sockets[1]!.onAnyOutgoing((event) => out.push(event));
    server.io.emit("seen");
    expect(server.engine.published).toHaveLength(0);
    expect(out).toEqual(["seen"]);
    expect(receivers(clients, "seen")).toEqual([0, 1]);
    sockets[1]!.offAnyOutgoing();
    server.io.emit("fast");
    expect(server.engine.published).toHaveLength(1);
  });
});

describe("broadcast acks", () => {
  it("one ack id for all recipients, one reply each; the callback gets (null, responses)", async () => {
    const { clients } = await crowd(3);
    let result: unknown[] | undefined;
    server.io.timeout(1000).emit("poll", 1, (err: Error | null, responses: unknown[]) => {
      result = [err, responses];
    });
    const packets = await Promise.all(clients.map((c) => c.nextEvent()));
    const ids = new Set(packets.map((p) => p.id));
    expect(ids.size).toBe(1);
    for (const [i, c] of clients.entries()) c.ack("/", packets[i]!.id!, [`r${i}`, "extra"]);
    await new Promise((r) => setImmediate(r));
    expect(result).toEqual([null, ["r0", "r1", "r2"]]);
  });

  it("on timeout: an ACK_TIMEOUT error with the replies so far; late replies are ignored", async () => {
    const { clients } = await crowd(3);
    // Timers not ours to check (the shared connect-timeout timer stays armed until it fires).
    const otherTimers = server.clock.pending;
    const calls: unknown[][] = [];
    server.io.timeout(1000).emit("poll", (err: Error | null, responses: unknown[]) => calls.push([err, responses]));
    const packets = await Promise.all(clients.map((c) => c.nextEvent()));
    clients[0]!.ack("/", packets[0]!.id!, ["only"]);
    await new Promise((r) => setImmediate(r));
    server.clock.advance(1000);
    clients[1]!.ack("/", packets[1]!.id!, ["late"]);
    expect(calls).toHaveLength(1);
    expect(calls[0]![0]).toMatchObject({ code: "ACK_TIMEOUT", responses: ["only"] });
    expect(calls[0]![1]).toEqual(["only"]);
    expect(server.clock.pending).toBe(otherTimers);
  });

  it("emitWithAck resolves with every reply; no recipients resolves with []", async () => {
    const { sockets, clients } = await crowd(2);
    sockets[0]!.join("r");
    const answers = server.io.to("r").emitWithAck("q");
    const packet = await clients[0]!.nextEvent();
    clients[0]!.ack("/", packet.id!, [42]);
    await expect(answers).resolves.toEqual([42]);
    await expect(server.io.to("empty").emitWithAck("q")).resolves.toEqual([]);
  });

  it("a recipient that disconnects counts as gone, so a broadcast without timeout still completes", async () => {
    const { clients } = await crowd(2);
    const answers = server.io.emitWithAck("q");
    const packet = await clients[0]!.nextEvent();
    clients[0]!.ack("/", packet.id!, ["a"]);
    clients[1]!.conn.drop();
    await expect(answers).resolves.toEqual(["a"]);
  });

  it("rejects on timeout with the replies so far", async () => {
    const { clients } = await crowd(2);
    const answers = server.io.timeout(10).emitWithAck("q");
    const packet = await clients[0]!.nextEvent();
    clients[0]!.ack("/", packet.id!, ["a"]);
    await new Promise((r) => setImmediate(r));
    server.clock.advance(10);
    await expect(answers).rejects.toMatchObject({ code: "ACK_TIMEOUT", responses: ["a"] });
  });
});

describe("socket queries and bulk operations", () => {
  it("fetchSockets returns the targeted sockets with id, handshake, rooms and data", async () => {
    const { sockets } = await crowd(3);
    sockets[0]!.join("r");
    sockets[1]!.join("r");
    sockets[0]!.data = { user: "ann" };
    const found = await server.io.in("r").fetchSockets();
    expect(found.map((s) => s.id)).toEqual([sockets[0]!.id, sockets[1]!.id]);
    expect(found[0]!.data).toEqual({ user: "ann" });
    expect([...found[0]!.rooms]).toEqual([sockets[0]!.id, "r"]);
    expect(found[0]!.handshake.address).toBe("127.0.0.1");
    expect(await server.io.fetchSockets()).toHaveLength(3);
    expect(await server.io.except("r").fetchSockets()).toHaveLength(1);
  });

  it("socketsJoin / socketsLeave / disconnectSockets act on the targeted sockets", async () => {
    const { sockets, clients } = await crowd(3);
    sockets[0]!.join("r");
    server.io.in("r").socketsJoin(["x", "y"]);
    expect([...sockets[0]!.rooms]).toEqual([sockets[0]!.id, "r", "x", "y"]);
    expect([...sockets[1]!.rooms]).toEqual([sockets[1]!.id]);
    server.io.socketsJoin("all");
    server.io.in("x").socketsLeave("all");
    expect(sockets.map((s) => s.rooms.has("all"))).toEqual([false, true, true]);
    server.io.in("all").disconnectSockets();
    expect(sockets.map((s) => s.connected)).toEqual([true, false, false]);
    expect(clients[1]!.packets.at(-1)).toEqual({ type: PacketType.DISCONNECT, nsp: "/" });
    server.io.disconnectSockets(true);
    expect(clients[0]!.conn.closeReason).toBe("forced server close");
  });

  it("serverSideEmit reaches no one in a single process; with an ack it resolves with no replies", async () => {
    await crowd(1);
    let heard = false;
    server.io.on("ping-nodes", () => {
      heard = true;
    });
    server.io.serverSideEmit("ping-nodes");
    await expect(server.io.serverSideEmitWithAck("ping-nodes")).resolves.toEqual([]);
    expect(heard).toBe(false);
    expect(() => server.io.serverSideEmit("connection")).toThrow(expect.objectContaining({ code: "RESERVED_EVENT" }));
  });
});
