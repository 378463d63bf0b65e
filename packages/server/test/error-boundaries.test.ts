import { PacketType } from "@cometa/protocol";
import { afterEach, describe, expect, it } from "vitest";
import type { Socket } from "../src/socket.js";
import { createTestServer, errors, type TestServer } from "./harness.js";

/**
 * User code that throws never escapes into the engine or a timer (where it
 * would crash the process): it goes to the `onError` option.
 */
let server: TestServer;

afterEach(async () => {
  await server?.io.close();
  errors.length = 0;
});

describe("errors thrown by user code are reported, never thrown into the engine or a timer", () => {
  it("a connection listener after an async middleware", async () => {
    server = createTestServer();
    let release!: () => void;
    server.io.use((_s, next) => {
      release = next;
    });
    server.io.on("connection", () => {
      throw new Error("connection bug");
    });
    const client = server.client();
    client.send({ type: PacketType.CONNECT, nsp: "/" });
    expect(() => release()).not.toThrow();
    expect(errors).toEqual([expect.objectContaining({ message: "connection bug" })]);
    expect(client.packets[0]?.type).toBe(PacketType.CONNECT); // the socket is connected anyway
  });

  it("a connection listener after a sync middleware", async () => {
    server = createTestServer();
    server.io.use((_s, next) => next());
    server.io.on("connection", () => {
      throw new Error("connection bug");
    });
    await server.client().connect();
    expect(errors).toEqual([expect.objectContaining({ message: "connection bug" })]);
  });

  it("an event listener after an async socket.use middleware", async () => {
    server = createTestServer();
    let release!: () => void;
    server.io.on("connection", (socket) => {
      socket.use((_packet, next) => {
        release = next;
      });
      socket.on("x", () => {
        throw new Error("listener bug");
      });
    });
    const client = server.client();
    await client.connect();
    client.emit("/", ["x"]);
    expect(() => release()).not.toThrow();
    expect(errors).toEqual([expect.objectContaining({ message: "listener bug" })]);
  });

  it("an ack callback run by its timeout, and a broadcast ack callback", async () => {
    server = createTestServer();
    let socket: Socket | undefined;
    server.io.on("connection", (s) => {
      socket = s;
    });
    await server.client().connect();
    socket!.timeout(10).emit("q", () => {
      throw new Error("ack bug");
    });
    server.io.timeout(10).emit("b", () => {
      throw new Error("broadcast ack bug");
    });
    expect(() => server.clock.advance(10)).not.toThrow();
    expect(errors.map((e) => (e as Error).message).sort()).toEqual(["ack bug", "broadcast ack bug"]);
  });

  it("a dynamic namespace matcher", async () => {
    server = createTestServer();
    server.io.of(() => {
      throw new Error("matcher bug");
    });
    const reply = await server.client().connect("/dyn");
    expect(reply.data).toEqual({ message: "Invalid namespace" });
    expect(errors).toEqual([expect.objectContaining({ message: "matcher bug" })]);
  });
});
