import { PacketType } from "@cometa/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { ConnectionRefusedError } from "../src/errors.js";
import type { Socket } from "../src/socket.js";
import { connectClients, createTestServer, errors, type TestClient, type TestServer } from "./harness.js";

/**
 * Every place where user code may return a promise: a rejection never becomes
 * an unhandled rejection (which ends a Node process). Connection middlewares
 * refuse like `next(err)`; everything else goes to `onError`.
 */
let server: TestServer;

afterEach(async () => {
  await server?.io.close();
  errors.length = 0;
});

/** Let pending promise callbacks run. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

/** A server with one connected client (kept in `server` for afterEach). */
async function connected(): Promise<{ socket: Socket; client: TestClient }> {
  const pair = await connectClients(1);
  server = pair.server;
  return { socket: pair.sockets[0]!, client: pair.clients[0]! };
}

function messages(): string[] {
  return errors.map((e) => (e as Error).message).sort();
}

describe("async connection middleware", () => {
  it("a rejection refuses the namespace like next(err): CONNECT_ERROR {message, data}", async () => {
    server = createTestServer();
    const reached: string[] = [];
    server.io.use(async (socket) => {
      socket.join("lobby"); // must be undone on refusal
      await Promise.resolve();
      throw new ConnectionRefusedError("unauthorized", { code: "BAD_TOKEN" });
    });
    server.io.use((_s, next) => {
      reached.push("second");
      next();
    });
    server.io.on("connection", () => reached.push("connection"));
    const reply = await server.client().connect();
    expect(reply).toEqual({
      type: PacketType.CONNECT_ERROR,
      nsp: "/",
      data: { message: "unauthorized", data: { code: "BAD_TOKEN" } },
    });
    expect(reached).toEqual([]);
    expect(server.io.sockets.sockets.size).toBe(0);
    expect(server.io.sockets.adapter.rooms.size).toBe(0);
    expect(errors).toEqual([]); // a refusal, not a bug
  });

  it("a rejection with a non-Error value still refuses, with its text as message", async () => {
    server = createTestServer();
    server.io.of("/admin").use(() => Promise.reject("nope") as unknown as undefined);
    const reply = await server.client().connect("/admin");
    expect(reply).toEqual({ type: PacketType.CONNECT_ERROR, nsp: "/admin", data: { message: "nope" } });
  });

  it("a rejection after next() was called is reported and the socket stays connected", async () => {
    server = createTestServer();
    server.io.use(async (_s, next) => {
      next();
      await Promise.resolve();
      throw new Error("after next");
    });
    const reply = await server.client().connect();
    await flush();
    expect(reply.type).toBe(PacketType.CONNECT);
    expect(server.io.sockets.sockets.size).toBe(1);
    expect(messages()).toEqual(["after next"]);
  });
});

describe("async socket.use middleware", () => {
  it("a rejection drops the packet and goes to onError; the socket stays connected", async () => {
    const { socket, client } = await connected();
    const got: unknown[] = [];
    socket.use(async ([event]) => {
      await Promise.resolve();
      throw new Error(`bad packet ${String(event)}`);
    });
    socket.on("x", () => got.push("x"));
    socket.on("error", (err: Error) => got.push(err)); // next(err) only: a rejection is a bug
    client.emit("/", ["x"]);
    await flush();
    expect(got).toEqual([]);
    expect(messages()).toEqual(["bad packet x"]);
    expect(socket.connected).toBe(true);
  });
});

describe("async dynamic namespace matcher", () => {
  it("a rejection before answering refuses the name and is reported", async () => {
    server = createTestServer();
    server.io.of(async () => {
      await Promise.resolve();
      throw new Error("matcher down");
    });
    const reply = await server.client().connect("/dyn");
    expect(reply.data).toEqual({ message: "Invalid namespace" });
    expect(messages()).toEqual(["matcher down"]);
  });

  it("a rejection after answering is only reported: the namespace is joined", async () => {
    server = createTestServer();
    server.io.of(async (_name, _auth, next) => {
      next(null, true);
      await Promise.resolve();
      throw new Error("late matcher bug");
    });
    const reply = await server.client().connect("/dyn");
    await flush();
    expect(reply.type).toBe(PacketType.CONNECT);
    expect(messages()).toEqual(["late matcher bug"]);
  });
});

describe("async listeners", () => {
  it("onAny and onAnyOutgoing listeners that reject are reported", async () => {
    const { socket, client } = await connected();
    socket.onAny(async (event) => {
      throw new Error(`any ${event}`);
    });
    socket.onAnyOutgoing(async (event) => {
      throw new Error(`outgoing ${event}`);
    });
    client.emit("/", ["in"]);
    socket.emit("out");
    server.io.emit("broadcast");
    await flush();
    expect(messages()).toEqual(["any in", "outgoing broadcast", "outgoing out"]);
  });

  it("a connection listener and a disconnect listener that reject are reported", async () => {
    server = createTestServer();
    server.io.on("connection", async (socket) => {
      socket.on("disconnect", async () => {
        throw new Error("disconnect bug");
      });
      throw new Error("connection bug");
    });
    const client = server.client();
    await client.connect();
    client.conn.drop();
    await flush();
    expect(messages()).toEqual(["connection bug", "disconnect bug"]);
  });

  it("an adapter room-event listener that rejects is reported", async () => {
    const { socket } = await connected();
    server.io.sockets.adapter.on("create-room", async (room) => {
      throw new Error(`room ${room}`);
    });
    socket.join("r1");
    await flush();
    expect(messages()).toEqual(["room r1"]);
  });
});

describe("async ack callbacks", () => {
  it("a plain ack callback that rejects is reported", async () => {
    const { socket, client } = await connected();
    socket.emit("q", async () => {
      throw new Error("ack bug");
    });
    const packet = await client.nextEvent();
    client.ack("/", packet.id!, ["answer"]);
    await flush();
    expect(messages()).toEqual(["ack bug"]);
  });

  it("timeout(ms) ack callbacks that reject on reply, on expiry and on disconnect are reported", async () => {
    const { socket, client } = await connected();
    socket.timeout(50).emit("answered", async () => {
      throw new Error("on reply");
    });
    socket.timeout(10).emit("expired", async () => {
      throw new Error("on expiry");
    });
    const packet = await client.nextEvent();
    client.ack("/", packet.id!, ["ok"]);
    server.clock.advance(10);
    socket.timeout(50).emit("pending", async () => {
      throw new Error("on disconnect");
    });
    client.conn.drop();
    await flush();
    expect(messages()).toEqual(["on disconnect", "on expiry", "on reply"]);
  });

  it("one pending ack callback that throws on disconnect does not stop the others or the disconnect event", async () => {
    const { socket, client } = await connected();
    const seen: string[] = [];
    socket.timeout(50).emit("a", () => {
      throw new Error("first throws");
    });
    socket.timeout(50).emit("b", (err: Error) => seen.push(`b: ${(err as { code?: string }).code}`));
    socket.on("disconnect", () => seen.push("disconnect"));
    client.conn.drop();
    expect(seen).toEqual(["b: SOCKET_DISCONNECTED", "disconnect"]);
    expect(messages()).toEqual(["first throws"]);
  });

  it("a broadcast ack callback and a serverSideEmit callback that reject are reported", async () => {
    const { client } = await connected();
    server.io.timeout(10).emit("poll", async () => {
      throw new Error("broadcast ack bug");
    });
    server.io.serverSideEmit("hello", async () => {
      throw new Error("server-side ack bug");
    });
    const packet = await client.nextEvent();
    client.ack("/", packet.id!, ["yes"]);
    await flush();
    expect(messages()).toEqual(["broadcast ack bug", "server-side ack bug"]);
  });
});

describe("onError itself", () => {
  it("an async onError that rejects is swallowed, not left unhandled", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      server = createTestServer({
        onError: async () => {
          throw new Error("onError bug");
        },
      });
      server.io.on("connection", () => {
        throw new Error("listener bug");
      });
      await server.client().connect();
      await flush();
      await flush();
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
