import { PacketType } from "@cometa/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { ConnectionRefusedError } from "../src/errors.js";
import type { Socket } from "../src/socket.js";
import { createTestServer, errors, type TestServer } from "./harness.js";

let server: TestServer;

afterEach(async () => {
  await server?.io.close();
  errors.length = 0;
});

describe("namespace CONNECT", () => {
  it("accepts a CONNECT on / with a fresh socket id that is not the engine sid", async () => {
    server = createTestServer();
    let connected: Socket | undefined;
    server.io.on("connection", (socket) => {
      connected = socket;
    });
    const client = server.client();
    const reply = await client.connect();
    expect(reply.type).toBe(PacketType.CONNECT);
    const sid = (reply.data as { sid: string }).sid;
    expect(sid).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(sid).not.toBe(client.conn.id);
    expect(connected?.id).toBe(sid);
    expect(connected?.connected).toBe(true);
    expect(server.io.sockets.sockets.get(sid)).toBe(connected);
  });

  it("gives every socket a different id", async () => {
    server = createTestServer();
    const ids = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const reply = await server.client().connect();
      ids.add((reply.data as { sid: string }).sid);
    }
    expect(ids.size).toBe(50);
  });

  it("exposes the handshake: headers, query, auth, address, time, url", async () => {
    server = createTestServer();
    let socket: Socket | undefined;
    server.io.on("connection", (s) => {
      socket = s;
    });
    const client = server.client({
      headers: { host: "h", origin: "https://app.example" },
      query: { EIO: "4", transport: "polling", room: "r1" },
      url: "/socket.io/?EIO=4&transport=polling&room=r1",
      address: "10.0.0.7",
      time: 1_700_000_000_000,
    });
    await client.connect("/", { token: "abc" });
    const hs = socket!.handshake;
    expect(hs.auth).toEqual({ token: "abc" });
    expect(hs.query.room).toBe("r1");
    expect(hs.headers.origin).toBe("https://app.example");
    expect(hs.address).toBe("10.0.0.7");
    expect(hs.issued).toBe(1_700_000_000_000);
    expect(hs.time).toBe(new Date(1_700_000_000_000).toString());
    expect(hs.url).toBe("/socket.io/?EIO=4&transport=polling&room=r1");
    expect(hs.xdomain).toBe(true);
    expect(hs.secure).toBe(false);
  });

  it("multiplexes namespaces on one connection, each with its own socket", async () => {
    server = createTestServer();
    server.io.of("/admin");
    const client = server.client();
    const a = await client.connect("/");
    const b = await client.connect("/admin");
    expect(a.type).toBe(PacketType.CONNECT);
    expect(b.type).toBe(PacketType.CONNECT);
    expect((a.data as { sid: string }).sid).not.toBe((b.data as { sid: string }).sid);
    expect(server.io.of("/admin").sockets.size).toBe(1);
  });

  it("refuses an unknown namespace with CONNECT_ERROR 'Invalid namespace' and keeps the connection", async () => {
    server = createTestServer();
    const client = server.client();
    const reply = await client.connect("/nope");
    expect(reply).toEqual({ type: PacketType.CONNECT_ERROR, nsp: "/nope", data: { message: "Invalid namespace" } });
    expect(client.conn.closed).toBe(false);
    expect((await client.connect("/")).type).toBe(PacketType.CONNECT);
  });

  it("normalises of('admin') to /admin and rejects names with control characters", () => {
    server = createTestServer();
    expect(server.io.of("admin").name).toBe("/admin");
    expect(() => server.io.of("/a\u0000b")).toThrow(expect.objectContaining({ code: "INVALID_NAMESPACE_NAME" }));
  });
});

describe("middlewares", () => {
  it("runs io.use middlewares in order with the auth payload, then accepts", async () => {
    server = createTestServer();
    const order: string[] = [];
    server.io.use((socket, next) => {
      order.push(`a:${socket.handshake.auth.token}`);
      next();
    });
    server.io.use((_socket, next) => {
      order.push("b");
      setTimeout(next, 1); // async middleware
    });
    server.io.on("connection", () => order.push("connection"));
    const reply = await server.client().connect("/", { token: "t1" });
    expect(reply.type).toBe(PacketType.CONNECT);
    expect(order).toEqual(["a:t1", "b", "connection"]);
  });

  it("refuses with CONNECT_ERROR {message, data} when a middleware calls next(err)", async () => {
    server = createTestServer();
    let connections = 0;
    server.io.on("connection", () => connections++);
    server.io.use((socket, next) => {
      if (socket.handshake.auth.token !== "good") return next(new ConnectionRefusedError("unauthorized", { code: 401 }));
      next();
    });
    const client = server.client();
    const refused = await client.connect("/", { token: "bad" });
    expect(refused).toEqual({
      type: PacketType.CONNECT_ERROR,
      nsp: "/",
      data: { message: "unauthorized", data: { code: 401 } },
    });
    expect(connections).toBe(0);
    expect(server.io.sockets.sockets.size).toBe(0);
    // The connection stays usable: a retry with good credentials works.
    expect((await client.connect("/", { token: "good" })).type).toBe(PacketType.CONNECT);
    expect(connections).toBe(1);
  });

  it("sends only the message for a plain Error, and a generic message when a middleware throws", async () => {
    server = createTestServer();
    server.io.of("/plain").use((_s, next) => next(new Error("nope")));
    server.io.of("/throws").use(() => {
      throw new Error("secret internal detail");
    });
    const client = server.client();
    expect((await client.connect("/plain")).data).toEqual({ message: "nope" });
    expect((await client.connect("/throws")).data).toEqual({ message: "server error" });
    expect(errors).toHaveLength(1);
  });

  it("namespace middlewares apply to their namespace only", async () => {
    server = createTestServer();
    server.io.of("/admin").use((_s, next) => next(new Error("forbidden namespace")));
    const client = server.client();
    expect((await client.connect("/")).type).toBe(PacketType.CONNECT);
    expect(await client.connect("/admin")).toEqual({
      type: PacketType.CONNECT_ERROR,
      nsp: "/admin",
      data: { message: "forbidden namespace" },
    });
  });

  it("leaves the rooms a refused socket joined in a middleware", async () => {
    server = createTestServer();
    server.io.use((socket, next) => {
      socket.join("early");
      next(new Error("no"));
    });
    await server.client().connect();
    expect(server.io.sockets.adapter.rooms.has("early")).toBe(false);
  });

  it("drops the socket silently if the connection closed while a middleware was pending", async () => {
    server = createTestServer();
    let release!: () => void;
    let connections = 0;
    server.io.on("connection", () => connections++);
    server.io.use((_s, next) => {
      release = next;
    });
    const client = server.client();
    client.send({ type: PacketType.CONNECT, nsp: "/" });
    client.conn.drop();
    release();
    expect(connections).toBe(0);
    expect(server.io.sockets.sockets.size).toBe(0);
  });
});

describe("dynamic namespaces", () => {
  it("creates a child on the first CONNECT matching a RegExp, with the parent's middlewares and listeners", async () => {
    server = createTestServer();
    const parent = server.io.of(/^\/room-\d+$/);
    const seen: string[] = [];
    parent.use((socket, next) => {
      seen.push(`mw:${socket.nsp.name}`);
      next();
    });
    parent.on("connection", (socket) => seen.push(`conn:${socket.nsp.name}`));
    const created: string[] = [];
    server.io.on("new_namespace", (nsp) => created.push(nsp.name));
    const client = server.client();
    expect((await client.connect("/room-1")).type).toBe(PacketType.CONNECT);
    expect((await client.connect("/room-x")).data).toEqual({ message: "Invalid namespace" });
    expect((await server.client().connect("/room-1")).type).toBe(PacketType.CONNECT);
    expect(seen).toEqual(["mw:/room-1", "conn:/room-1", "mw:/room-1", "conn:/room-1"]);
    expect(created).toEqual(["/room-1"]);
  });

  it("asks a function matcher, which may refuse", async () => {
    server = createTestServer();
    server.io.of((name, auth, next) => next(null, name.startsWith("/team-") && auth.member === true));
    const client = server.client();
    expect((await client.connect("/team-a", { member: true })).type).toBe(PacketType.CONNECT);
    expect((await client.connect("/team-b", { member: false })).data).toEqual({ message: "Invalid namespace" });
  });

  it("broadcasts from the parent reach every child", async () => {
    server = createTestServer();
    const parent = server.io.of(/^\/ws-\w+$/);
    const a = server.client();
    const b = server.client();
    await a.connect("/ws-a");
    await b.connect("/ws-b");
    parent.emit("maintenance", 5);
    expect(await a.nextEvent("/ws-a")).toMatchObject({ data: ["maintenance", 5] });
    expect(await b.nextEvent("/ws-b")).toMatchObject({ data: ["maintenance", 5] });
  });

  it("removes empty children when cleanupEmptyChildNamespaces is on", async () => {
    server = createTestServer({ cleanupEmptyChildNamespaces: true });
    const parent = server.io.of(/^\/tmp-\d$/);
    const client = server.client();
    await client.connect("/tmp-1");
    expect(parent.children.size).toBe(1);
    client.send({ type: PacketType.DISCONNECT, nsp: "/tmp-1" });
    expect(parent.children.size).toBe(0);
  });
});

describe("protocol rules (PROTOCOL.md §3.2)", () => {
  it("closes the connection on a second CONNECT for a joined namespace", async () => {
    server = createTestServer();
    const client = server.client();
    await client.connect();
    client.send({ type: PacketType.CONNECT, nsp: "/" });
    expect(client.conn.closed).toBe(true);
    expect(client.conn.closeReason).toBe("forced server close");
  });

  it("closes the connection on an event for a namespace not joined", () => {
    server = createTestServer();
    const client = server.client();
    client.emit("/", ["hello"]);
    expect(client.conn.closeReason).toBe("forced server close");
  });

  it("closes with 'parse error' on an undecodable frame, and the sockets see that reason", async () => {
    server = createTestServer();
    const reasons: string[] = [];
    server.io.on("connection", (socket) => socket.on("disconnect", (reason) => reasons.push(reason)));
    const client = server.client();
    await client.connect();
    client.conn.receive("{not json");
    expect(client.conn.closeReason).toBe("parse error");
    expect(reasons).toEqual(["parse error"]);
  });

  it("refuses a non-object auth payload with CONNECT_ERROR", async () => {
    server = createTestServer();
    const client = server.client();
    client.send({ type: PacketType.CONNECT, nsp: "/", data: [1, 2] });
    expect(await client.next()).toMatchObject({ type: PacketType.CONNECT_ERROR, data: { message: "Invalid auth payload" } });
  });

  it("caps the namespaces per connection", async () => {
    server = createTestServer({ maxNamespacesPerClient: 2 });
    for (const name of ["/a", "/b", "/c"]) server.io.of(name);
    const client = server.client();
    await client.connect("/a");
    await client.connect("/b");
    expect((await client.connect("/c")).data).toEqual({ message: "Too many namespaces" });
  });

  it("closes a connection that joins no namespace within connectTimeout", async () => {
    server = createTestServer({ connectTimeout: 1000 });
    const idle = server.client();
    const joined = server.client();
    await joined.connect();
    server.clock.advance(999);
    expect(idle.conn.closed).toBe(false);
    server.clock.advance(1);
    expect(idle.conn.closeReason).toBe("forced server close");
    expect(joined.conn.closed).toBe(false);
  });
});
