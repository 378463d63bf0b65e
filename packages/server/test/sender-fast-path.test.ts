import { msgpackCodec } from "@cometa/codec-msgpack";
import { textCodec } from "@cometa/protocol";
import { afterEach, describe, expect, it } from "vitest";
import type { Socket } from "../src/socket.js";
import { connectClients, createTestServer, errors, receivers, type TestClient, type TestServer } from "./harness.js";

/**
 * `socket.broadcast.emit` and `socket.to(room).emit` exclude only their sender:
 * they go out as one `conn.publish` per codec on the sender's connection (the
 * engine skips the sender), encoded once. Anything else needing per-socket
 * work falls back to per-socket sends.
 */
let server: TestServer;

afterEach(async () => {
  await server?.io.close();
  errors.length = 0;
});

async function crowd(n: number): Promise<{ sockets: Socket[]; clients: TestClient[] }> {
  // Kept in the module's `server`, which afterEach closes.
  const crowded = await connectClients(n);
  server = crowded.server;
  return crowded;
}

function range(from: number, to: number, step = 1): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i += step) out.push(i);
  return out;
}

/** Reset the publish log and the encode counter. */
function resetCounters(): void {
  server.codec.encodes = 0;
  server.engine.published.length = 0;
}

describe("sender-excluding broadcasts use the sender's connection to publish", () => {
  it("socket.broadcast.emit: one publish from the sender, encoded once, everyone else served once", async () => {
    const { sockets, clients } = await crowd(100);
    resetCounters();
    sockets[0]!.broadcast.emit("b", { n: 1 });
    expect(server.codec.encodes).toBe(1);
    expect(server.engine.published).toEqual([
      { topic: expect.any(String), frames: [expect.any(String)], from: clients[0]!.conn.id },
    ]);
    expect(receivers(clients, "b")).toEqual(range(1, 100));
  });

  it("socket.to(room).emit: one publish to the room's topic, members but the sender served once", async () => {
    const { sockets, clients } = await crowd(100);
    for (const [i, s] of sockets.entries()) if (i % 2 === 0) s.join("even");
    resetCounters();
    sockets[0]!.to("even").emit("t");
    sockets[1]!.to("even").emit("u"); // a sender outside the room: every member gets it
    expect(server.codec.encodes).toBe(2);
    expect(server.engine.published.map((p) => p.from)).toEqual([clients[0]!.conn.id, clients[1]!.conn.id]);
    expect(receivers(clients, "t")).toEqual(range(2, 100, 2));
    expect(receivers(clients, "u")).toEqual(range(0, 100, 2));
  });

  it("passes volatile and compress through, and a room with no local member publishes nothing", async () => {
    const { sockets, clients } = await crowd(3);
    clients[2]!.conn.backedUp = true;
    resetCounters();
    sockets[0]!.broadcast.volatile.compress(false).emit("v");
    expect(server.engine.published).toHaveLength(1);
    expect(server.engine.published[0]!.options).toEqual({ volatile: true, compress: false });
    expect(receivers(clients, "v")).toEqual([1]);
    sockets[0]!.to("ghost").emit("nothing");
    expect(server.engine.published).toHaveLength(1);
  });

  it("an exclusion that leaves no local socket out (a remote socket's id) is a plain publish", async () => {
    const { clients } = await crowd(3);
    resetCounters();
    server.io.except("socket-on-another-node").emit("x");
    expect(server.engine.published).toEqual([{ topic: expect.any(String), frames: [expect.any(String)] }]);
    expect(receivers(clients, "x")).toEqual([0, 1, 2]);
  });

  it("publishes once per codec in use, each encoded once (codec: auto)", async () => {
    server = createTestServer({ codec: "auto" });
    const sockets: Socket[] = [];
    server.io.on("connection", (s) => sockets.push(s));
    const clients: TestClient[] = [];
    for (const codec of [textCodec, msgpackCodec, textCodec, msgpackCodec]) {
      const client = server.client(undefined, codec);
      await client.connect();
      clients.push(client);
    }
    resetCounters();
    sockets[0]!.broadcast.emit("mixed", "é", [1, 2]);
    expect(server.engine.published).toHaveLength(2);
    const [text, binary] = server.engine.published;
    expect(text!.topic).not.toBe(binary!.topic);
    expect(typeof text!.frames[0]).toBe("string");
    expect(binary!.frames[0]).toBeInstanceOf(Uint8Array);
    expect(server.engine.published.every((p) => p.from === clients[0]!.conn.id)).toBe(true);
    expect(receivers(clients, "mixed")).toEqual([1, 2, 3]);
    expect(clients[3]!.events()[0]).toEqual(["mixed", "é", [1, 2]]);
  });
});

describe("falls back to per-socket sends when topics cannot express the target", () => {
  it("another socket is in the sender's id room: it is excluded too (as in Socket.IO)", async () => {
    const { sockets, clients } = await crowd(3);
    // socket.join() refuses another socket's id (R3); an adapter (e.g. a custom one) may still hold such a membership.
    server.io.sockets.adapter.addAll(sockets[2]!.id, [sockets[0]!.id]);
    resetCounters();
    sockets[0]!.broadcast.emit("b");
    expect(server.engine.published).toHaveLength(0);
    expect(server.codec.encodes).toBe(1);
    expect(receivers(clients, "b")).toEqual([1]);
  });

  it("several rooms, another exclusion, a target that is a socket id, outgoing listeners and acks", async () => {
    const { sockets, clients } = await crowd(4);
    sockets[1]!.join("a");
    sockets[2]!.join(["a", "b"]);
    sockets[3]!.join("muted");
    resetCounters();
    sockets[0]!.to(["a", "b"]).emit("two-rooms");
    sockets[0]!.broadcast.except("muted").emit("muted-out");
    sockets[0]!.to(sockets[1]!.id).emit("direct");
    sockets[0]!.broadcast.emit("with-ack", () => {});
    expect(server.engine.published).toHaveLength(0);
    expect(receivers(clients, "two-rooms")).toEqual([1, 2]);
    expect(receivers(clients, "muted-out")).toEqual([1, 2]);
    expect(receivers(clients, "direct")).toEqual([1]);
    expect(receivers(clients, "with-ack")).toEqual([1, 2, 3]);

    const seen: unknown[] = [];
    sockets[3]!.onAnyOutgoing((event) => seen.push(event));
    sockets[0]!.broadcast.emit("observed");
    expect(server.engine.published).toHaveLength(0);
    expect(seen).toEqual(["observed"]);
    expect(receivers(clients, "observed")).toEqual([1, 2, 3]);
  });

  it("a sender still in its CONNECT middlewares is not served its own room broadcast", async () => {
    server = createTestServer();
    const member = server.client();
    server.io.on("connection", (s) => s.join("r"));
    await member.connect();
    server.io.of("/").use((socket, next) => {
      socket.join("r");
      socket.to("r").emit("from-pending");
      server.io.to("r").emit("to-room");
      next();
    });
    const pending = server.client();
    await pending.connect();
    expect(receivers([member, pending], "from-pending")).toEqual([0]);
    expect(receivers([member, pending], "to-room")).toEqual([0]); // no event before its CONNECT reply
    server.io.to("r").emit("after");
    expect(receivers([member, pending], "after")).toEqual([0, 1]); // subscribed once accepted
  });
});

describe("rooms joined by CONNECT middlewares", () => {
  it("are subscribed when the socket is accepted, never for a refused one", async () => {
    server = createTestServer();
    server.io.use((socket, next) => {
      socket.join("vip");
      next(socket.handshake.auth.ok === true ? undefined : new Error("no"));
    });
    const accepted = server.client();
    const refused = server.client();
    await accepted.connect("/", { ok: true });
    await refused.connect("/", { ok: false });
    expect([...accepted.conn.topics].some((t) => t.endsWith("vip"))).toBe(true);
    expect(refused.conn.topics.size).toBe(0);
    server.io.to("vip").emit("hello");
    expect(receivers([accepted, refused], "hello")).toEqual([0]);
  });
});
