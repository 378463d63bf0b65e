import * as v8 from "node:v8";
import * as vm from "node:vm";
import { PacketType } from "@cometa/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { AckLimitError, ServerError } from "../src/errors.js";
import type { ServerOptions } from "../src/server-options.js";
import type { Socket } from "../src/socket.js";
import { connectClients, createTestServer, errors, type TestClient, type TestServer } from "./harness.js";

/** RELIABILITY R2 / M15: the per-socket cap on acknowledgements the server awaits (`maxPendingAcks`). */

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

/** EVENT packets the client received that ask for an ack. */
function ackRequests(client: TestClient): number[] {
  return client.packets.filter((p) => p.type === PacketType.EVENT && p.id !== undefined).map((p) => p.id!);
}

const flushMicrotasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("maxPendingAcks: emits with a callback", () => {
  it("past the cap the emit is not sent and the callback gets ACK_LIMIT on a microtask, never inside emit()", async () => {
    const { socket, client } = await connected({ maxPendingAcks: 3 });
    const replies: unknown[] = [];
    for (let i = 0; i < 3; i++) expect(socket.emit("q", i, (...args: unknown[]) => replies.push(args))).toBe(true);
    let refusal: unknown;
    expect(socket.emit("q", 3, (err: unknown) => (refusal = err))).toBe(false);
    expect(refusal).toBeUndefined(); // not called synchronously
    await flushMicrotasks();
    expect(refusal).toBeInstanceOf(AckLimitError);
    expect(refusal).toMatchObject({ code: "ACK_LIMIT", limit: 3 });
    expect(ackRequests(client)).toHaveLength(3);
    expect(client.events().map((d) => d[1])).toEqual([0, 1, 2]);
    expect(socket.pendingAcks).toBe(3);
  });

  it("an answered ack frees a slot", async () => {
    const { socket, client } = await connected({ maxPendingAcks: 2 });
    const replies: unknown[] = [];
    socket.emit("q", (v: unknown) => replies.push(v));
    socket.emit("q", (v: unknown) => replies.push(v));
    const [first] = ackRequests(client);
    client.ack("/", first!, ["a"]);
    expect(replies).toEqual(["a"]);
    expect(socket.emit("q", (v: unknown) => replies.push(v))).toBe(true);
    expect(socket.emit("q", (v: unknown) => replies.push(v))).toBe(false);
    await flushMicrotasks();
    expect(replies[1]).toBeInstanceOf(AckLimitError);
  });

  it("timeout(ms): the err-first callback gets AckLimitError; an expired ack frees its slot", async () => {
    const { socket } = await connected({ maxPendingAcks: 2 });
    const codes: unknown[] = [];
    const record = (err: Error | null) => codes.push(err === null ? null : (err as ServerError).code);
    socket.timeout(1000).emit("q", record);
    socket.timeout(1000).emit("q", record);
    socket.timeout(1000).emit("q", record);
    await flushMicrotasks();
    expect(codes).toEqual(["ACK_LIMIT"]);
    server.clock.advance(1000);
    expect(codes).toEqual(["ACK_LIMIT", "ACK_TIMEOUT", "ACK_TIMEOUT"]);
    expect(socket.pendingAcks).toBe(0);
    expect(socket.timeout(1000).emit("q", record)).toBe(true);
  });

  it("emitWithAck rejects with AckLimitError and sends nothing", async () => {
    const { socket, client } = await connected({ maxPendingAcks: 1 });
    const first = socket.emitWithAck("q", 1);
    await expect(socket.emitWithAck("q", 2)).rejects.toMatchObject({ code: "ACK_LIMIT" });
    await expect(socket.timeout(50).emitWithAck("q", 3)).rejects.toBeInstanceOf(AckLimitError);
    expect(ackRequests(client)).toHaveLength(1);
    client.ack("/", ackRequests(client)[0]!, ["ok"]);
    await expect(first).resolves.toBe("ok");
  });

  it("a socket's share of broadcasts with ack counts towards its cap", async () => {
    const { socket } = await connected({ maxPendingAcks: 2 });
    server.io.timeout(1000).emit("b", () => {});
    server.io.timeout(1000).emit("b", () => {});
    expect(socket.pendingAcks).toBe(2);
    expect(socket.emit("q", () => {})).toBe(false);
    server.clock.advance(1000); // the broadcasts' timeout frees their entries
    expect(socket.pendingAcks).toBe(0);
    expect(socket.emit("q", () => {})).toBe(true);
  });

  it("a broadcast with ack skips a socket at its cap (not sent, not awaited) and reports ACK_LIMIT once", async () => {
    server = createTestServer({ maxPendingAcks: 1 });
    const sockets: Socket[] = [];
    server.io.on("connection", (s) => sockets.push(s));
    const busy = server.client();
    const idle = server.client();
    await busy.connect();
    await idle.connect();
    sockets[0]!.emit("q", () => {}); // the first socket is now at its cap
    let outcome: { err: Error | null; responses: unknown[] } | undefined;
    server.io.timeout(1000).emit("b", (err: Error | null, responses: unknown[]) => (outcome = { err, responses }));
    expect(busy.events().filter((d) => d[0] === "b")).toHaveLength(0);
    expect(idle.events().filter((d) => d[0] === "b")).toHaveLength(1);
    expect(errors.filter((e) => (e as ServerError).code === "ACK_LIMIT")).toHaveLength(1);
    // Only the socket that was sent the broadcast is waited for.
    idle.ack("/", ackRequests(idle).at(-1)!, ["yes"]);
    await flushMicrotasks();
    expect(outcome).toEqual({ err: null, responses: ["yes"] });
  });

  it("emits without a callback are never capped", async () => {
    const { socket, client } = await connected({ maxPendingAcks: 1 });
    socket.emit("q", () => {});
    for (let i = 0; i < 50; i++) expect(socket.emit("plain", i)).toBe(true);
    expect(client.events()).toHaveLength(51);
  });

  it("a refused callback that throws or rejects is reported to onError", async () => {
    const { socket } = await connected({ maxPendingAcks: 1 });
    socket.emit("q", () => {});
    socket.emit("q", () => {
      throw new Error("boom");
    });
    socket.emit("q", async () => {
      throw new Error("async boom");
    });
    await flushMicrotasks();
    expect(errors.map((e) => (e as Error).message).sort()).toEqual(["async boom", "boom"]);
  });

  it("defaults to 1000 per socket", async () => {
    const { socket, client } = await connected();
    for (let i = 0; i < 1000; i++) expect(socket.emit("q", () => {})).toBe(true);
    const refused: unknown[] = [];
    expect(socket.emit("q", (err: unknown) => refused.push(err))).toBe(false);
    await expect(socket.emitWithAck("q")).rejects.toBeInstanceOf(AckLimitError);
    await flushMicrotasks();
    expect(refused).toHaveLength(1);
    expect(ackRequests(client)).toHaveLength(1000);
  });

  it("is per socket: another socket of the same client still gets its acks", async () => {
    server = createTestServer({ maxPendingAcks: 1 });
    server.io.of("/other");
    const sockets: Socket[] = [];
    server.io.on("connection", (s) => sockets.push(s));
    server.io.of("/other").on("connection", (s) => sockets.push(s));
    const client = server.client();
    await client.connect("/");
    await client.connect("/other");
    expect(sockets[0]!.emit("q", () => {})).toBe(true);
    expect(sockets[0]!.emit("q", () => {})).toBe(false);
    expect(sockets[1]!.emit("q", () => {})).toBe(true);
  });

  it("Infinity turns the cap off", async () => {
    const { socket } = await connected({ maxPendingAcks: Number.POSITIVE_INFINITY });
    for (let i = 0; i < 3000; i++) expect(socket.emit("q", () => {})).toBe(true);
    expect(socket.pendingAcks).toBe(3000);
  });

  it("refuses impossible values with INVALID_ARGUMENT", () => {
    for (const value of [0, -1, 1.5, Number.NaN]) {
      expect(() => createTestServer({ maxPendingAcks: value }), String(value)).toThrow(ServerError);
    }
  });
});

describe("inbound acks (M15): nothing is kept per ack id the client asks for", () => {
  it("10 000 events with ack ids to a listener that never answers: every responder is collectable", async () => {
    const { socket, client } = await connected({ rateLimit: false });
    // Weak references only: if the server kept a responder (or its packet) anywhere, it would survive the GC.
    const refs: WeakRef<object>[] = [];
    socket.on("ask", (_id: unknown, ack: () => void) => {
      refs.push(new WeakRef(ack));
    });
    for (let id = 0; id < 10_000; id++) client.emit("/", ["ask", id], id);
    expect(refs).toHaveLength(10_000);
    expect(socket.pendingAcks).toBe(0);
    await flushMicrotasks(); // WeakRef targets stay alive until the current job ends
    collectGarbage();
    expect(refs.filter((r) => r.deref() !== undefined)).toHaveLength(0);
    expect(client.packets.filter((p) => p.type === PacketType.ACK)).toHaveLength(0);
  });
});

/** A full GC from inside a test worker (vitest runs without --expose-gc). */
function collectGarbage(): void {
  v8.setFlagsFromString("--expose-gc");
  (vm.runInNewContext("gc") as () => void)();
}
