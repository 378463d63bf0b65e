import { type Packet, PacketType } from "@cometa/protocol";
import { afterEach, describe, expect, it } from "vitest";
import type { HandshakeRequest } from "../src/engine/engine-connection.js";
import type { Socket } from "../src/socket.js";
import { FakeConnection } from "./fake-engine.js";
import { createTestServer, errors, type TestServer } from "./harness.js";

/**
 * The connection-setup path's cost rules: what is done synchronously, which
 * timers exist, and what is left lazy until asked for.
 */

let server: TestServer;

afterEach(async () => {
  await server?.io.close();
  errors.length = 0;
});

/** A request whose headers and query count their reads. */
function countingRequest(): { request: HandshakeRequest; reads: { headers: number; query: number } } {
  const reads = { headers: 0, query: 0 };
  const request: HandshakeRequest = {
    get headers() {
      reads.headers++;
      return { host: "h", origin: "https://app.example", cookie: "a=1" };
    },
    get query() {
      reads.query++;
      return { EIO: "4", transport: "websocket", room: "r1" };
    },
    url: "/socket.io/?EIO=4&transport=websocket&room=r1",
    address: "10.0.0.9",
    time: 1_700_000_000_000,
  };
  return { request, reads };
}

/** Open a connection on the test server's fake engine with a request of our own. */
function openWith(request: HandshakeRequest): FakeConnection {
  const conn = new FakeConnection(server.engine, request);
  server.engine.connections.add(conn);
  server.engine.onConnection(conn);
  return conn;
}

describe("connection setup", () => {
  it("accepts a CONNECT without middleware before the frame handler returns", () => {
    server = createTestServer();
    const seen: string[] = [];
    server.io.on("connection", (socket) => seen.push(socket.id));
    const client = server.client();
    client.send({ type: PacketType.CONNECT, nsp: "/" });
    // No await: the reply and the `connection` event happened inside send().
    const reply = client.packets.find((p: Packet) => p.type === PacketType.CONNECT);
    expect(reply).toBeDefined();
    expect(seen).toEqual([(reply!.data as { sid: string }).sid]);
  });

  it("shares one connect timer between all connections, and drops it once none is pending", async () => {
    server = createTestServer({ connectTimeout: 1000 });
    const clients = [server.client(), server.client(), server.client()];
    expect(server.clock.pending).toBe(1);
    for (const client of clients) await client.connect();
    server.clock.advance(1000); // the shared timer fires once, finds nothing due, and is not re-armed
    expect(server.clock.pending).toBe(0);
    expect(clients.every((client) => !client.conn.closed)).toBe(true);
  });

  it("times out connections opened at different times, each after connectTimeout", () => {
    server = createTestServer({ connectTimeout: 1000 });
    const early = server.client();
    server.clock.advance(600);
    const late = server.client();
    server.clock.advance(400);
    expect(early.conn.closeReason).toBe("forced server close");
    expect(late.conn.closed).toBe(false);
    server.clock.advance(599);
    expect(late.conn.closed).toBe(false);
    server.clock.advance(1);
    expect(late.conn.closeReason).toBe("forced server close");
  });

  it("does not read headers or query until the handshake's headers or query are read", async () => {
    server = createTestServer();
    let socket: Socket | undefined;
    server.io.use((s, next) => {
      socket = s;
      next(s.handshake.auth.token === "t" ? undefined : new Error("no"));
    });
    const { request, reads } = countingRequest();
    const conn = openWith(request);
    conn.receive(server.codec.encode({ type: PacketType.CONNECT, nsp: "/", data: { token: "t" } })[0]!);
    const hs = socket!.handshake;
    expect(hs).toBe(socket!.handshake);
    expect([hs.address, hs.url, hs.issued, hs.secure]).toEqual([request.address, request.url, request.time, false]);
    expect(reads).toEqual({ headers: 0, query: 0 });
    expect(hs.query.room).toBe("r1");
    expect(hs.headers.cookie).toBe("a=1");
    expect(hs.xdomain).toBe(true);
    expect(reads).toEqual({ headers: 2, query: 1 });
  });

  it("gives the handshake's plain Socket.IO fields to spread, JSON and structuredClone", async () => {
    server = createTestServer();
    let socket: Socket | undefined;
    server.io.on("connection", (s) => {
      socket = s;
    });
    await new Promise<void>((resolve) => {
      const conn = openWith(countingRequest().request);
      conn.onDeliver = () => resolve();
      conn.receive(server.codec.encode({ type: PacketType.CONNECT, nsp: "/", data: { token: "t" } })[0]!);
    });
    const expected = {
      headers: { host: "h", origin: "https://app.example", cookie: "a=1" },
      query: { EIO: "4", transport: "websocket", room: "r1" },
      auth: { token: "t" },
      address: "10.0.0.9",
      time: new Date(1_700_000_000_000).toString(),
      issued: 1_700_000_000_000,
      url: "/socket.io/?EIO=4&transport=websocket&room=r1",
      secure: false,
      xdomain: true,
    };
    const hs = socket!.handshake;
    expect(Object.keys(hs).sort()).toEqual(Object.keys(expected).sort());
    expect({ ...hs }).toEqual(expected);
    expect(JSON.parse(JSON.stringify(hs))).toEqual(expected);
    expect(structuredClone(hs)).toEqual(expected);
  });
});
