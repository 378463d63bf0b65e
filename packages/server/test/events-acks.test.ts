import { PacketType } from "@cometa/protocol";
import { afterEach, describe, expect, it } from "vitest";
import type { ServerOptions } from "../src/server-options.js";
import type { Socket } from "../src/socket.js";
import { connectClients, createTestServer, errors, type TestClient, type TestServer } from "./harness.js";

let server: TestServer;

afterEach(async () => {
  await server?.io.close();
  errors.length = 0;
});

/** A server with one connected client (kept in `server` for afterEach). */
async function connected(options: ServerOptions = {}): Promise<{ socket: Socket; client: TestClient }> {
  const pair = await connectClients(1, options);
  server = pair.server;
  return { socket: pair.sockets[0]!, client: pair.clients[0]! };
}

describe("client → server events", () => {
  it("dispatches events with their arguments", async () => {
    const { socket, client } = await connected();
    const got: unknown[][] = [];
    socket.on("chat", (...args: unknown[]) => got.push(args));
    client.emit("/", ["chat", "hi", { n: 1 }]);
    expect(got).toEqual([["hi", { n: 1 }]]);
  });

  it("never dispatches reserved event names sent by a client", async () => {
    const { socket, client } = await connected();
    let called = false;
    socket.on("disconnect", () => {
      called = true;
    });
    client.emit("/", ["disconnect", "fake"]);
    expect(called).toBe(false);
    expect(socket.connected).toBe(true);
  });

  it("answers an ack request once, with the same id and namespace", async () => {
    const { socket, client } = await connected();
    socket.on("add", (a: number, b: number, ack: (sum: number) => void) => {
      ack(a + b);
      ack(999); // a second call is ignored
    });
    client.emit("/", ["add", 2, 3], 7);
    expect(await client.next((p) => p.type === PacketType.ACK)).toEqual({
      type: PacketType.ACK,
      nsp: "/",
      id: 7,
      data: [5],
    });
    expect(client.packets.filter((p) => p.type === PacketType.ACK)).toHaveLength(1);
  });

  it("passes the ack function last, with or without arguments, catch-all listeners or packet middlewares", async () => {
    const { socket, client } = await connected();
    const calls: string[] = [];
    const show = (args: unknown[]) => args.map((a) => (typeof a === "function" ? "ack" : JSON.stringify(a))).join(",");
    socket.on("ping", (...args: unknown[]) => {
      calls.push(`ping(${show(args)})`);
      (args.at(-1) as (v: string) => void)("pong");
    });
    socket.on("sum", (...args: unknown[]) => {
      calls.push(`sum(${show(args)})`);
      (args.at(-1) as (v: number) => void)((args[0] as number) + (args[1] as number));
    });
    client.emit("/", ["ping"], 1);
    client.emit("/", ["sum", 1, 2], 2);
    socket.onAny((...args: unknown[]) => calls.push(`any(${show(args)})`));
    client.emit("/", ["sum", 3, 4], 3);
    socket.offAny();
    socket.use((packet, next) => {
      calls.push(`use(${show(packet)})`);
      next();
    });
    client.emit("/", ["sum", 5, 6], 4);
    expect(calls).toEqual([
      "ping(ack)",
      "sum(1,2,ack)",
      'any("sum",3,4,ack)',
      "sum(3,4,ack)",
      'use("sum",5,6,ack)',
      "sum(5,6,ack)",
    ]);
    const acks = client.packets.filter((p) => p.type === PacketType.ACK).map((p) => [p.id, p.data]);
    expect(acks).toEqual([
      [1, ["pong"]],
      [2, [3]],
      [3, [7]],
      [4, [11]],
    ]);
  });

  it("onAny sees every event before the listeners; offAny removes", async () => {
    const { socket, client } = await connected();
    const seen: unknown[][] = [];
    const any = (...args: unknown[]) => seen.push(args);
    socket.onAny(any);
    socket.prependAny((event) => seen.push([`first:${event}`]));
    socket.on("x", (v) => seen.push([`x:${v}`]));
    client.emit("/", ["x", 1]);
    socket.offAny(any);
    client.emit("/", ["x", 2]);
    expect(seen).toEqual([["first:x"], ["x", 1], ["x:1"], ["first:x"], ["x:2"]]);
    expect(socket.listenersAny()).toHaveLength(1);
  });

  it("socket.use middlewares see [event, ...args] and can refuse a packet with an error event", async () => {
    const { socket, client } = await connected();
    const got: unknown[] = [];
    const refused: string[] = [];
    socket.use(([event, ...args], next) => {
      if (event === "blocked") return next(new Error(`no ${String(args[0])}`));
      next();
    });
    socket.on("error", (err) => refused.push(err.message));
    socket.on("ok", (v) => got.push(v));
    socket.on("blocked", (v) => got.push(v));
    client.emit("/", ["ok", 1]);
    client.emit("/", ["blocked", 2]);
    expect(got).toEqual([1]);
    expect(refused).toEqual(["no 2"]);
  });

  it("once, off and listener errors: a throwing listener is reported, the process and socket live on", async () => {
    const { socket, client } = await connected();
    const got: number[] = [];
    socket.once("n", (v) => got.push(v));
    const keep = (v: number) => got.push(v * 10);
    socket.on("n", keep);
    socket.on("boom", () => {
      throw new Error("listener bug");
    });
    client.emit("/", ["n", 1]);
    client.emit("/", ["n", 2]);
    socket.off("n", keep);
    client.emit("/", ["n", 3]);
    client.emit("/", ["boom"]);
    expect(got).toEqual([1, 10, 20]);
    expect(errors).toEqual([expect.objectContaining({ message: "listener bug" })]);
    expect(socket.connected).toBe(true);
  });

  it("reports a rejected promise from an async listener", async () => {
    const { socket, client } = await connected();
    socket.on("async", async () => {
      throw new Error("async bug");
    });
    client.emit("/", ["async"]);
    await new Promise((r) => setImmediate(r));
    expect(errors).toEqual([expect.objectContaining({ message: "async bug" })]);
  });
});

describe("server → client emits and acks", () => {
  it("emits events; refuses reserved names with a thrown programmer error", async () => {
    const { socket, client } = await connected();
    socket.emit("hello", "you", 1);
    expect(await client.nextEvent()).toEqual({ type: PacketType.EVENT, nsp: "/", data: ["hello", "you", 1] });
    expect(() => socket.emit("disconnect")).toThrow(expect.objectContaining({ code: "RESERVED_EVENT" }));
    expect(() => socket.emit("connect")).toThrow(/reserved event name/);
  });

  it("calls an ack callback with the client's reply, and ignores late, unknown and duplicate acks", async () => {
    const { socket, client } = await connected();
    const replies: unknown[][] = [];
    socket.emit("q", 1, (...args: unknown[]) => replies.push(args));
    const packet = await client.nextEvent();
    expect(packet.id).toEqual(expect.any(Number));
    client.ack("/", packet.id!, ["a", 2]);
    client.ack("/", packet.id!, ["dup"]);
    client.ack("/", 12345, ["unknown"]);
    expect(replies).toEqual([["a", 2]]);
    expect(socket.connected).toBe(true);
  });

  it("allocates ack ids from one counter per namespace", async () => {
    server = createTestServer();
    const sockets: Socket[] = [];
    server.io.on("connection", (s) => sockets.push(s));
    const a = server.client();
    const b = server.client();
    await a.connect();
    await b.connect();
    sockets[0]!.emit("x", () => {});
    sockets[1]!.emit("x", () => {});
    expect((await a.nextEvent()).id).toBe(0);
    expect((await b.nextEvent()).id).toBe(1);
  });

  it("timeout(ms): the callback gets (null, reply) or an ACK_TIMEOUT error, and a late ack is ignored", async () => {
    const { socket, client } = await connected();
    // Timers not ours to check (the shared connect-timeout timer stays armed until it fires).
    const otherTimers = server.clock.pending;
    const results: unknown[][] = [];
    socket.timeout(1000).emit("fast", (err: Error | null, v: unknown) => results.push([err, v]));
    socket.timeout(1000).emit("slow", (err: Error | null, v: unknown) => results.push([err?.message, v]));
    const fast = await client.nextEvent();
    const slow = await client.nextEvent();
    client.ack("/", fast.id!, ["ok"]);
    server.clock.advance(1000);
    client.ack("/", slow.id!, ["too late"]);
    expect(results).toEqual([
      [null, "ok"],
      ["operation has timed out", undefined],
    ]);
    expect(server.clock.pending).toBe(otherTimers);
  });

  it("emitWithAck resolves with the first reply argument; with timeout it rejects with ACK_TIMEOUT", async () => {
    const { socket, client } = await connected();
    const answer = socket.emitWithAck("question", 42);
    const packet = await client.nextEvent();
    expect(packet.data).toEqual(["question", 42]);
    client.ack("/", packet.id!, ["answer", "ignored"]);
    await expect(answer).resolves.toBe("answer");

    const late = socket.timeout(500).emitWithAck("question", 43);
    server.clock.advance(500);
    await expect(late).rejects.toMatchObject({ code: "ACK_TIMEOUT" });
  });

  it("pending timed acks and emitWithAck fail with SOCKET_DISCONNECTED when the socket goes away", async () => {
    const { socket, client } = await connected();
    // Timers not ours to check (the shared connect-timeout timer stays armed until it fires).
    const otherTimers = server.clock.pending;
    const results: unknown[] = [];
    socket.timeout(5000).emit("x", (err: Error | null) => results.push((err as { code?: string })?.code));
    const pending = socket.emitWithAck("y");
    let plainCalled = false;
    socket.emit("z", () => {
      plainCalled = true;
    });
    client.conn.drop();
    expect(results).toEqual(["SOCKET_DISCONNECTED"]);
    await expect(pending).rejects.toMatchObject({ code: "SOCKET_DISCONNECTED" });
    expect(plainCalled).toBe(false); // as Socket.IO: a plain callback is never called
    expect(server.clock.pending).toBe(otherTimers);
  });

  it("volatile and compress views pass send flags; views are immutable", async () => {
    const { socket, client } = await connected();
    const volatile = socket.volatile;
    const timed = volatile.timeout(10);
    expect(volatile.flags).toEqual({ volatile: true });
    expect(timed.flags).toEqual({ volatile: true, timeout: 10 });
    socket.volatile.emit("v");
    socket.compress(false).emit("c");
    socket.emit("plain");
    expect(client.conn.sendOptions.slice(-3)).toEqual([{ volatile: true }, { compress: false }, undefined]);
    client.conn.backedUp = true;
    expect(socket.volatile.emit("dropped")).toBe(false);
    expect(client.events().map((d) => d[0])).toEqual(["v", "c", "plain"]);
  });

  it("onAnyOutgoing sees emits; send() emits a message event", async () => {
    const { socket, client } = await connected();
    const out: unknown[][] = [];
    socket.onAnyOutgoing((...args) => out.push(args));
    socket.emit("a", 1);
    socket.send("hi");
    expect(out).toEqual([
      ["a", 1],
      ["message", "hi"],
    ]);
    expect((await client.nextEvent()).data).toEqual(["a", 1]);
  });
});

describe("disconnection", () => {
  it("client DISCONNECT → 'client namespace disconnect', rooms still visible in 'disconnecting'", async () => {
    const { socket, client } = await connected();
    socket.join("r");
    const log: unknown[] = [];
    socket.on("disconnecting", (reason) => log.push(["disconnecting", reason, [...socket.rooms]]));
    socket.on("disconnect", (reason) => log.push(["disconnect", reason, [...socket.rooms]]));
    client.send({ type: PacketType.DISCONNECT, nsp: "/" });
    expect(log).toEqual([
      ["disconnecting", "client namespace disconnect", [socket.id, "r"]],
      ["disconnect", "client namespace disconnect", [socket.id]],
    ]);
    expect(socket.connected).toBe(false);
    expect(server.io.sockets.sockets.size).toBe(0);
    expect(server.io.sockets.adapter.rooms.size).toBe(0);
    expect(client.conn.closed).toBe(false); // namespace-level only
  });

  it("socket.disconnect() sends DISCONNECT with 'server namespace disconnect'; the connection stays", async () => {
    const { socket, client } = await connected();
    const reasons: string[] = [];
    socket.on("disconnect", (reason) => reasons.push(reason));
    socket.disconnect();
    expect(await client.next((p) => p.type === PacketType.DISCONNECT)).toEqual({ type: PacketType.DISCONNECT, nsp: "/" });
    expect(reasons).toEqual(["server namespace disconnect"]);
    expect(client.conn.closed).toBe(false);
    expect(socket.emit("after")).toBe(false); // nothing is sent after disconnect
  });

  it("socket.disconnect(true) disconnects every namespace and closes the connection", async () => {
    server = createTestServer();
    server.io.of("/b");
    const sockets: Socket[] = [];
    server.io.on("connection", (s) => sockets.push(s));
    server.io.of("/b").on("connection", (s) => sockets.push(s));
    const client = server.client();
    await client.connect("/");
    await client.connect("/b");
    const reasons: string[] = [];
    for (const s of sockets) s.on("disconnect", (reason) => reasons.push(`${s.nsp.name}:${reason}`));
    sockets[0]!.disconnect(true);
    expect(reasons.sort()).toEqual(["/:server namespace disconnect", "/b:server namespace disconnect"]);
    expect(client.packets.filter((p) => p.type === PacketType.DISCONNECT).map((p) => p.nsp).sort()).toEqual(["/", "/b"]);
    expect(client.conn.closeReason).toBe("forced server close");
  });

  it("a transport close reaches every socket with the engine's reason", async () => {
    const { socket, client } = await connected();
    const reasons: string[] = [];
    socket.on("disconnect", (reason) => reasons.push(reason));
    client.conn.drop("ping timeout");
    expect(reasons).toEqual(["ping timeout"]);
  });

  it("io.close() disconnects everyone with 'server shutting down' and refuses new connections", async () => {
    const { socket } = await connected();
    const reasons: string[] = [];
    socket.on("disconnect", (reason) => reasons.push(reason));
    await server.io.close();
    expect(reasons).toEqual(["server shutting down"]);
    expect(server.engine.closed).toBe(true);
    const late = server.engine.open();
    expect(late.closeReason).toBe("server shutting down");
  });
});
