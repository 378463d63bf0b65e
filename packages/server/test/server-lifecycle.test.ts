import { connect } from "node:net";
import { io as connectClient } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { createServer } from "../src/index.js";
import type { Server } from "../src/server.js";
import { FakeEngine } from "./fake-engine.js";

let io: Server | undefined;

afterEach(async () => {
  await io?.close();
  io = undefined;
});

/** Resolves true when a TCP connection to the port is accepted, false when refused. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe("server lifecycle on uWebSockets.js", () => {
  it("listen(0) serves on a free port; close() disconnects clients with 'server shutting down' and frees the port", async () => {
    io = createServer({ codec: "text" });
    const reasons: string[] = [];
    io.on("connection", (socket) => socket.on("disconnect", (reason) => reasons.push(reason)));
    const { port } = await io.listen(0, "127.0.0.1");
    expect(port).toBeGreaterThan(0);
    const client = connectClient(`http://127.0.0.1:${port}`, { transports: ["websocket"], reconnection: false });
    await new Promise((resolve) => client.once("connect", () => resolve(undefined)));
    const clientReason = new Promise((resolve) => client.once("disconnect", resolve));
    await io.close();
    expect(await clientReason).toBe("transport close");
    expect(reasons).toEqual(["server shutting down"]);
    expect(await accepts(port)).toBe(false);
    await io.close(); // idempotent
  });

  it("refuses to be bound twice or after close", async () => {
    io = createServer();
    io.bind(new FakeEngine());
    expect(() => io!.bind(new FakeEngine())).toThrow(expect.objectContaining({ code: "SERVER_CLOSED" }));
    await io.close();
    await expect(io.listen(0)).rejects.toMatchObject({ code: "SERVER_CLOSED" });
  });

  it("rejects impossible options with a coded error", () => {
    expect(() => createServer({ connectTimeout: -1 })).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(() => createServer({ codec: "yaml" as never })).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });
});
