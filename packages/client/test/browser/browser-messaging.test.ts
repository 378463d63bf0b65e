import type { Socket as ServerSocket } from "socket.io";
import { describe, expect, it } from "vitest";
import { browserSuitesRun, useBrowser } from "./browser-fixture.js";
import type { ReferenceServer } from "./reference-server.js";

/**
 * The built client bundle in headless Chromium against the official
 * socket.io 4.8.4 server with the MessagePack parser: connection, events
 * and acks in both directions, binary. The page is on another origin than
 * the server, so long-polling also exercises CORS.
 */

/** Resolve with the next server-side socket of the root namespace. */
function nextConnection(server: ReferenceServer): Promise<ServerSocket> {
  return new Promise((resolve) => server.io.once("connection", resolve));
}

/** Resolve with the arguments of the next `event` on a server-side socket. */
function nextEvent(socket: ServerSocket, event: string): Promise<unknown[]> {
  return new Promise((resolve) => socket.once(event, (...args: unknown[]) => resolve(args)));
}

describe.skipIf(!browserSuitesRun)("@cometa/client in Chromium, against socket.io 4.8.4 + msgpack", () => {
  const browser = useBrowser();

  describe.each([
    { mode: "WebSocket first (default)", transports: undefined, expected: "websocket" },
    { mode: "polling only", transports: ["polling" as const], expected: "polling" },
  ])("$mode", ({ transports, expected }) => {
    it("connects and gets the server's socket id", async () => {
      const server = await browser.server();
      const page = await browser.page();
      const remote = nextConnection(server);
      await page.open(server.origin, transports === undefined ? {} : { transports });
      const connect = await page.waitFor("connect");
      const state = await page.state();
      expect(connect.args).toEqual([expected]);
      expect(state.connected).toBe(true);
      expect(state.id).toBe((await remote).id);
      expect(state.transport).toBe(expected);
      expect(page.problems).toEqual([]);
    });

    it("exchanges events and acks in both directions", async () => {
      const server = await browser.server();
      const page = await browser.page();
      const remote = nextConnection(server);
      await page.open(server.origin, transports === undefined ? {} : { transports });
      await page.echoAcks("ask");
      await page.waitFor("connect");
      const socket = await remote;
      socket.on("double", (n: number, ack: (n: number) => void) => ack(n * 2));

      // page → server, no ack
      const hello = nextEvent(socket, "hello");
      await page.emit("hello", "héllo wörld ✓", { n: 1, list: [true, null, 2.5] });
      expect(await hello).toEqual(["héllo wörld ✓", { n: 1, list: [true, null, 2.5] }]);

      // page → server with ack
      expect(await page.emitWithAck("double", [21])).toBe(42);

      // server → page, no ack
      socket.emit("news", "flash", { at: 7 });
      expect((await page.waitFor("event:news")).args).toEqual(["flash", { at: 7 }]);

      // server → page with ack (the page echoes the arguments back)
      const answer = await new Promise<unknown[]>((resolve, reject) =>
        socket.timeout(5000).emit("ask", 1, "two", { three: 3 }, (err: Error | null, ...args: unknown[]) => {
          if (err) reject(err);
          else resolve(args);
        }),
      );
      expect(answer).toEqual([1, "two", { three: 3 }]);
      expect(page.problems).toEqual([]);
    });

    it("sends ArrayBuffer and Uint8Array as binary, and receives binary as Uint8Array", async () => {
      const server = await browser.server();
      const page = await browser.page();
      const remote = nextConnection(server);
      await page.open(server.origin, transports === undefined ? {} : { transports });
      await page.waitFor("connect");
      const socket = await remote;
      socket.on("binEcho", (value: unknown, ack: (value: unknown) => void) => ack(value));

      const received = nextEvent(socket, "upload");
      await page.emit(
        "upload",
        { $bin: "ArrayBuffer", bytes: [1, 2, 3] },
        { nested: { $bin: "Uint8Array", bytes: [4, 5, 6, 255] } },
      );
      const [buffer, holder] = (await received) as [unknown, { nested: unknown }];
      // The msgpack parser hands `bin` to the server as a Buffer: it travelled as binary, not as an array or base64.
      expect(Buffer.isBuffer(buffer)).toBe(true);
      expect([...(buffer as Buffer)]).toEqual([1, 2, 3]);
      expect(Buffer.isBuffer(holder.nested)).toBe(true);
      expect([...(holder.nested as Buffer)]).toEqual([4, 5, 6, 255]);

      socket.emit("download", Buffer.from([7, 8, 9]), { file: Buffer.from([0, 10]) });
      expect((await page.waitFor("event:download")).args).toEqual([
        { $bin: "Uint8Array", bytes: [7, 8, 9] },
        { file: { $bin: "Uint8Array", bytes: [0, 10] } },
      ]);

      const big = Array.from({ length: 70_000 }, (_, i) => i % 256);
      expect(await page.emitWithAck("binEcho", [{ $bin: "Uint8Array", bytes: big }])).toEqual({
        $bin: "Uint8Array",
        bytes: big,
      });
      expect(page.problems).toEqual([]);
    });
  });
});
