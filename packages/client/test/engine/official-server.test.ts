import { afterEach, describe, expect, it } from "vitest";
import { WebSocket as WsWebSocket } from "ws";
import type { TransportName } from "../../src/engine/engine-contract.js";
import { closeAllProbes, openEngine } from "./engine-probe.js";
import { type OfficialServer, startOfficialServer } from "./official-server.js";

/**
 * Socket.IO v5 frames (default parser) used to drive the official server through our engine. The server closes
 * the connection on an event that arrives before its CONNECT is processed, so tests wait for the CONNECT ack.
 */
const CONNECT = "0";
const echo = (value: unknown) => `2${JSON.stringify(["echo", value])}`;
const BINARY_ECHO_HEADER = '51-["echo",{"_placeholder":true,"num":0}]';

interface Mode {
  readonly name: string;
  readonly transports: TransportName[];
  readonly initial: TransportName;
  readonly final: TransportName;
}

const modes: Mode[] = [
  { name: "WebSocket only", transports: ["websocket"], initial: "websocket", final: "websocket" },
  { name: "polling only", transports: ["polling"], initial: "polling", final: "polling" },
  { name: "polling then upgrade", transports: ["polling", "websocket"], initial: "polling", final: "websocket" },
  { name: "default order (WebSocket first)", transports: ["websocket", "polling"], initial: "websocket", final: "websocket" },
];

let server: OfficialServer | undefined;
afterEach(async () => {
  closeAllProbes();
  await server?.close();
  server = undefined;
});

describe.each(modes)("against socket.io 4.8: $name", ({ transports, initial, final }) => {
  it("connects and echoes many events in order (across the upgrade)", async () => {
    server = await startOfficialServer();
    const client = openEngine(server.origin, { transports });
    const handshake = await client.opened;
    expect(handshake.sid).toBe(client.engine.id);
    expect(client.transports[0]).toBe(initial);
    client.engine.send([CONNECT]);
    await client.messagesUntil(1);
    // Spread over several ticks so that, in the upgrade mode, sends happen before, during and after the switch.
    for (let i = 0; i < 40; i++) {
      client.engine.send([echo(i)]);
      if (i % 4 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const received = await client.messagesUntil(41);
    expect(received[0]).toMatch(/^0\{"sid":/);
    expect(received.slice(1)).toEqual(Array.from({ length: 40 }, (_, i) => echo(i)));
    await client.transportBecomes(final);
    expect(client.engine.transport).toBe(final);
    // Still working after the upgrade settled.
    client.engine.send([echo("after")]);
    expect((await client.messagesUntil(42))[41]).toBe(echo("after"));
  });

  it("sends and receives binary messages", async () => {
    server = await startOfficialServer();
    const client = openEngine(server.origin, { transports });
    await client.opened;
    const bytes = new Uint8Array([0, 1, 2, 253, 254, 255, 0x1e]);
    client.engine.send([CONNECT]);
    await client.messagesUntil(1);
    client.engine.send([BINARY_ECHO_HEADER, bytes]);
    const received = await client.messagesUntil(3);
    expect(received[1]).toBe(BINARY_ECHO_HEADER);
    expect(received[2]).toBeInstanceOf(Uint8Array);
    expect([...(received[2] as Uint8Array)]).toEqual([...bytes]);
  });

  it("reports transport close when the server closes the connection", async () => {
    server = await startOfficialServer();
    const connected = new Promise<{ disconnect(close: boolean): void }>((resolve) => server!.io.on("connection", resolve));
    const client = openEngine(server.origin, { transports });
    await client.opened;
    client.engine.send([CONNECT]);
    (await connected).disconnect(true);
    expect((await client.closed).reason).toBe("transport close");
    expect(client.messages.at(-1)).toBe("1"); // Socket.IO DISCONNECT came first
    expect(client.engine.state).toBe("closed");
  });

  it("closes cleanly from the client side", async () => {
    server = await startOfficialServer();
    const reason = new Promise<string>((resolve) => {
      server!.io.on("connection", (socket) => socket.on("disconnect", resolve));
    });
    const client = openEngine(server.origin, { transports });
    await client.opened;
    client.engine.send([CONNECT]);
    await client.messagesUntil(1);
    client.engine.close();
    expect(await client.closed).toEqual({ reason: "io client disconnect" });
    expect(await reason).toBe("transport close");
  });

  it("keeps the connection alive by answering pings", async () => {
    server = await startOfficialServer({ pingInterval: 60, pingTimeout: 2000 });
    let pongs = 0;
    const fivePongs = new Promise<void>((resolve) => {
      server!.io.engine.on("connection", (socket: { on(event: string, cb: (packet: { type: string }) => void): void }) => {
        socket.on("packet", (packet) => {
          if (packet.type === "pong" && ++pongs === 5) resolve();
        });
      });
    });
    const client = openEngine(server.origin, { transports });
    await client.opened;
    await fivePongs;
    expect(client.engine.state).toBe("open");
  });
});

describe("against socket.io 4.8: transport choice", () => {
  it("falls back to polling when the server refuses WebSocket, and remembers it", async () => {
    server = await startOfficialServer({ transports: ["polling"] });
    const first = openEngine(server.origin);
    await first.opened;
    expect(first.engine.transport).toBe("polling");
    expect(server.upgrades).toHaveLength(1);
    first.engine.send([CONNECT]);
    await first.messagesUntil(1);
    first.engine.send([echo("via polling")]);
    expect(await first.messagesUntil(2)).toEqual([expect.stringMatching(/^0\{/), echo("via polling")]);

    const second = openEngine(server.origin);
    await second.opened;
    expect(second.engine.transport).toBe("polling");
    expect(server.upgrades).toHaveLength(1); // no second WebSocket attempt
  });

  it("loses and reorders nothing while sending continuously across the upgrade", async () => {
    server = await startOfficialServer({}, { upgradeDelayMs: 100 });
    const client = openEngine(server.origin, { transports: ["polling", "websocket"] });
    await client.opened;
    client.engine.send([CONNECT]);
    await client.messagesUntil(1);
    let sent = 0;
    // Keep sending on every tick until the upgrade is done, then a few more.
    while (client.engine.transport === "polling" || client.engine.state !== "open") {
      client.engine.send([echo(sent++)]);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const duringPolling = sent;
    for (let i = 0; i < 5; i++) client.engine.send([echo(sent++)]);
    expect(duringPolling).toBeGreaterThan(1);
    const received = await client.messagesUntil(sent + 1);
    expect(received.slice(1)).toEqual(Array.from({ length: sent }, (_, i) => echo(i)));
    expect(client.transports).toEqual(["polling", "websocket"]);
  });

  it("batches polling POSTs under maxPayload", async () => {
    server = await startOfficialServer({ maxHttpBufferSize: 100_000 });
    const client = openEngine(server.origin, { transports: ["polling"] });
    await client.opened;
    client.engine.send([CONNECT]);
    await client.messagesUntil(1);
    const big = "x".repeat(30_000);
    for (let i = 0; i < 12; i++) client.engine.send([echo(`${i}${big}`)]);
    const received = await client.messagesUntil(13);
    expect(received.slice(1)).toEqual(Array.from({ length: 12 }, (_, i) => echo(`${i}${big}`)));
  });

  it("reports a 403 with the Engine.IO error body", async () => {
    server = await startOfficialServer({ allowRequest: (_req, callback) => callback("go away", false) });
    const client = openEngine(server.origin, { transports: ["polling"] });
    const { reason, detail } = await client.closed;
    expect(reason).toBe("transport error");
    expect(detail?.status).toBe(403);
    expect(detail?.body).toEqual({ code: 4, message: "go away" });
  });

  it("works with the ws package as WebSocket and sends extraHeaders on both transports", async () => {
    server = await startOfficialServer();
    const headers: unknown[] = [];
    server.io.on("connection", (socket) => headers.push(socket.handshake.headers["x-token"]));
    for (const [transports, WebSocket] of [
      [["websocket"], WsWebSocket],
      [["websocket"], undefined],
      [["polling"], undefined],
    ] as const) {
      const client = openEngine(server.origin, { transports: [...transports], WebSocket, extraHeaders: { "x-token": "abc" } });
      await client.opened;
      client.engine.send([CONNECT]);
      await client.messagesUntil(1);
    }
    expect(headers).toEqual(["abc", "abc", "abc"]);
  });
});
