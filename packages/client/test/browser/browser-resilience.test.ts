import type { Socket as ServerSocket } from "socket.io";
import { describe, expect, it } from "vitest";
import { browserSuitesRun, useBrowser } from "./browser-fixture.js";
import type { ReferenceServer } from "./reference-server.js";

/**
 * The built client in headless Chromium when things go wrong: a proxy that
 * does not forward WebSocket upgrades (RELIABILITY.md §2.5, F10), a server
 * without WebSocket, and a server restart on the same port.
 */

function nextConnection(server: ReferenceServer): Promise<ServerSocket> {
  return new Promise((resolve) => server.io.once("connection", resolve));
}

/** Collect the first argument of every `event` a server socket receives. */
function collect(socket: ServerSocket, event: string): unknown[] {
  const seen: unknown[] = [];
  socket.on(event, (value: unknown) => seen.push(value));
  return seen;
}

describe.skipIf(!browserSuitesRun)("@cometa/client in Chromium: fallback and reconnection", () => {
  const browser = useBrowser();

  it("falls back to long-polling behind a proxy that blocks WebSocket upgrades, and stays there", async () => {
    const server = await browser.server();
    const proxy = await browser.proxy(server.port);
    const page = await browser.page();
    const remote = nextConnection(server);
    await page.open(proxy.origin);
    expect((await page.waitFor("connect")).args).toEqual(["polling"]);
    const socket = await remote;
    socket.on("double", (n: number, ack: (n: number) => void) => ack(n * 2));

    expect(await page.emitWithAck("double", [4])).toBe(8);
    socket.emit("news", "via polling");
    expect((await page.waitFor("event:news")).args).toEqual(["via polling"]);

    // Engine.IO sends a ping every second here; an ack after it proves the heartbeat works over the proxy too.
    await new Promise<void>((resolve) =>
      socket.conn.on("packetCreate", (packet: { type: string }) => {
        if (packet.type === "ping") resolve();
      }),
    );
    expect(await page.emitWithAck("double", [5])).toBe(10);
    const state = await page.state();
    expect(state.transport).toBe("polling");
    expect(proxy.blockedUpgrades).toBeGreaterThanOrEqual(1);
    expect(server.upgrades).toBe(0);
    expect((await page.entries("disconnect")).length).toBe(0);
  });

  it("reports a clear connect_error behind that proxy when only WebSocket is allowed", async () => {
    const server = await browser.server();
    const proxy = await browser.proxy(server.port);
    const page = await browser.page();
    await page.open(proxy.origin, { transports: ["websocket"], reconnection: false });
    const [message, code] = (await page.waitFor("connect_error")).args as [string, string];
    expect(code).toBe("CONNECT_FAILED");
    expect(message).toMatch(/connection failed/);
    expect((await page.state()).connected).toBe(false);
    expect(proxy.blockedUpgrades).toBeGreaterThanOrEqual(1);
    expect(server.upgrades).toBe(0);
  });

  it("connects over polling to a server without WebSocket (transports: ['polling'])", async () => {
    const server = await browser.server({ options: { transports: ["polling"] } });
    const page = await browser.page();
    const remote = nextConnection(server);
    await page.open(server.origin);
    expect((await page.waitFor("connect")).args).toEqual(["polling"]);
    (await remote).on("double", (n: number, ack: (n: number) => void) => ack(n * 2));
    expect(await page.emitWithAck("double", [50])).toBe(100);
  });

  it("reconnects after the server restarts on the same port and delivers emits buffered offline, in order", async () => {
    const first = await browser.server();
    const page = await browser.page();
    const firstRemote = nextConnection(first);
    await page.open(first.origin, { reconnectionDelay: 100, reconnectionDelayMax: 400 });
    await page.waitFor("connect");
    const oldId = (await firstRemote).id;

    await first.close();
    const disconnect = await page.waitFor("disconnect");
    expect(disconnect.args).toEqual(["transport close"]);
    expect((await page.state()).connected).toBe(false);

    for (let i = 1; i <= 5; i++) await page.emit("offline", i);
    expect((await page.state()).bufferedCount).toBe(5);

    const second = await browser.server({ port: first.port });
    const secondRemote = nextConnection(second);
    const socket = await secondRemote;
    const offline = collect(socket, "offline");
    await page.waitFor("connect", 2);
    await page.waitFor("reconnect");
    socket.on("double", (n: number, ack: (n: number) => void) => ack(n * 2));

    // The ack comes after the buffered emits on the same ordered connection, so they have all arrived by then.
    expect(await page.emitWithAck("double", [8])).toBe(16);
    expect(offline).toEqual([1, 2, 3, 4, 5]);
    const state = await page.state();
    expect(state.connected).toBe(true);
    expect(state.id).toBe(socket.id);
    expect(state.id).not.toBe(oldId);
    expect(state.bufferedCount).toBe(0);
  });
});
