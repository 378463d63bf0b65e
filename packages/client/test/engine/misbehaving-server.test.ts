import { afterEach, describe, expect, it } from "vitest";
import { closeAllProbes, openEngine } from "./engine-probe.js";
import { openFrame, startTinyServer, type TinyServer } from "./tiny-server.js";

let server: TinyServer | undefined;
afterEach(async () => {
  closeAllProbes();
  await server?.close();
  server = undefined;
});

describe("servers that misbehave", () => {
  it("503 with Retry-After (seconds) ends the attempt with retryAfterMs, after falling back from WebSocket", async () => {
    server = await startTinyServer((_req, res) => {
      res.writeHead(503, { "content-type": "application/json", "retry-after": "7" });
      res.end('{"code":503,"message":"restarting"}');
    });
    const client = openEngine(server.origin);
    const { reason, detail } = await client.closed;
    expect(reason).toBe("transport error");
    expect(detail).toMatchObject({ status: 503, retryAfterMs: 7000, body: { code: 503, message: "restarting" } });
  });

  it("503 with an HTTP-date Retry-After", async () => {
    server = await startTinyServer((_req, res) => {
      res.writeHead(503, { "retry-after": new Date(Date.now() + 60_000).toUTCString() });
      res.end();
    });
    const client = openEngine(server.origin, { transports: ["polling"] });
    const { detail } = await client.closed;
    expect(detail?.status).toBe(503);
    // Second resolution of HTTP dates: 59–60 s.
    expect(detail?.retryAfterMs).toBeGreaterThan(58_000);
    expect(detail?.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it("WebSocket: closes with ping timeout when the server never pings", async () => {
    server = await startTinyServer(
      (_req, res) => res.end(),
      (socket) => socket.send(openFrame(50, 50)),
    );
    const client = openEngine(server.origin, { transports: ["websocket"] });
    await client.opened;
    expect(await client.closed).toEqual({ reason: "ping timeout" });
  });

  it("polling: closes with ping timeout when the server never pings, and drops the parked GET", async () => {
    let parkedClosed: Promise<void> | undefined;
    server = await startTinyServer((req, res) => {
      if (!req.url?.includes("sid=")) return res.end(openFrame(50, 50));
      // Park the poll forever, like a server that died without closing the connection.
      parkedClosed ??= new Promise((resolve) => res.on("close", () => resolve()));
    });
    const client = openEngine(server.origin, { transports: ["polling"], upgrade: false });
    await client.opened;
    expect(await client.closed).toEqual({ reason: "ping timeout" });
    await parkedClosed;
  });

  it("passes on the server close hint retryAfterMs (WebSocket close packet)", async () => {
    server = await startTinyServer(
      (_req, res) => res.end(),
      (socket) => {
        socket.send(openFrame(10_000, 10_000));
        socket.send('1{"retryAfterMs":1500}');
      },
    );
    const client = openEngine(server.origin, { transports: ["websocket"] });
    expect(await client.closed).toEqual({ reason: "transport close", detail: { retryAfterMs: 1500 } });
  });

  it("passes on the server close hint in a WebSocket close reason", async () => {
    server = await startTinyServer(
      (_req, res) => res.end(),
      (socket) => {
        socket.send(openFrame(10_000, 10_000));
        socket.close(1013, '{"retryAfterMs":2500}');
      },
    );
    const client = openEngine(server.origin, { transports: ["websocket"] });
    expect(await client.closed).toEqual({ reason: "transport close", detail: { retryAfterMs: 2500 } });
  });

  it("closes with parse error on an undecodable payload", async () => {
    server = await startTinyServer((req, res) => {
      if (!req.url?.includes("sid=")) return res.end(openFrame(10_000, 10_000));
      res.end("9garbage");
    });
    const client = openEngine(server.origin, { transports: ["polling"], upgrade: false });
    const { reason, detail } = await client.closed;
    expect(reason).toBe("parse error");
    expect(detail?.error).toMatchObject({ code: "INVALID_PAYLOAD" });
  });

  it("reports a refused connection as transport error with NETWORK_ERROR", async () => {
    server = await startTinyServer((_req, res) => res.end());
    const { origin } = server;
    await server.close();
    server = undefined;
    const client = openEngine(origin);
    const { reason, detail } = await client.closed;
    expect(reason).toBe("transport error");
    expect(detail?.error).toMatchObject({ code: "NETWORK_ERROR" });
  });
});
