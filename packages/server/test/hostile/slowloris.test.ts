import { connect, type Socket } from "node:net";
import { expect } from "vitest";
import { pollingSession } from "./expect-http.js";
import { type HostileRow, hostileSuite } from "./harness.js";
import { rawHttp } from "./raw-http.js";

/**
 * Rows that end at a timeout (RELIABILITY H12, H17, P8). uWebSockets.js
 * closes a connection whose request head is not complete (or not parseable)
 * within about 10 s: a compiled-in timeout checked every 4 s, so 10–14 s.
 * The engine's own `bodyTimeout` (here 2 s) answers a slow POST body with 408.
 */

/** uWS's header timeout plus its 4 s timer granularity plus slack for a loaded machine. */
const UWS_TIMEOUT_MS = 18_000;
const HALF_OPEN = 5000;

/** Open `count` connections that each send part of a request head and then stall. */
async function openHalfSent(port: number, count: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i += 500) {
    const batch = Array.from({ length: Math.min(500, count - i) }, (_, j) => {
      const socket = connect(port, "127.0.0.1");
      socket.on("error", () => {});
      sockets.push(socket);
      return new Promise<void>((resolve) => {
        socket.once("connect", () => {
          // Half a request head, alternating the two slowloris shapes: a partial line, a partial header block.
          socket.write((i + j) % 2 === 0 ? "GET /socket.io/?EIO=4&transport=pol" : "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n");
          resolve();
        });
        socket.once("close", () => resolve());
      });
    });
    await Promise.all(batch);
  }
  return sockets;
}

/** Resolves with the ms each socket took to be closed by the peer. */
function closeTimes(sockets: readonly Socket[], started: number): Promise<number[]> {
  return Promise.all(
    sockets.map(
      (socket) =>
        new Promise<number>((resolve) => {
          if (socket.destroyed) resolve(performance.now() - started);
          else socket.once("close", () => resolve(performance.now() - started));
        }),
    ),
  );
}

const rows: HostileRow[] = [
  {
    id: "H12+H17",
    name: `garbage request heads and ${HALF_OPEN} half-sent handshakes → each closed by the header timeout; FDs back to baseline`,
    timeout: 40_000,
    async run(ctx) {
      const fdBaseline = ctx.server.fdCount();
      const started = performance.now();
      // H12: garbage, a TLS ClientHello, HTTP/0.9 and malformed heads. uWS answers none of them and
      // closes them at its header timeout: never a success, never a connection held forever.
      const garbage: (string | Buffer)[] = [
        "\x00\x01\x02garbage\r\nGET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n",
        Buffer.from(`16030100a5010000a10303${"00".repeat(32)}000004c02bc02f0100`, "hex"),
        "GET /socket.io/?EIO=4&transport=polling\r\n",
        "GET /socket.io/?EIO=4&transport=polling HTTP/9.9\r\nHost: x\r\n\r\n",
        "\r\n\r\n\r\n\r\n",
        "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\nHost: x\n\n",
        "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost x\r\n\r\n",
        "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nX-Ctl: a\x00b\r\n\r\n",
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
      ];
      const garbageResults = Promise.all(garbage.map((input) => rawHttp(ctx.server.port, input, { timeoutMs: UWS_TIMEOUT_MS })));
      // H17: thousands of stalled handshakes.
      const sockets = await openHalfSent(ctx.server.port, HALF_OPEN);
      const opened = ctx.server.fdCount();
      expect(opened - fdBaseline).toBeGreaterThan(HALF_OPEN * 0.9);
      // The service stays available while they are held.
      expect(await pollingSession(ctx.server)).toMatch(/\w/);
      const times = await closeTimes(sockets, started);
      for (const result of await garbageResults) {
        if (result.response !== null) expect(result.response.status).toBeGreaterThanOrEqual(400);
        else expect(result.closedByServer, JSON.stringify(result.raw.slice(0, 80))).toBe(true);
      }
      expect(Math.max(...times)).toBeLessThan(UWS_TIMEOUT_MS);
      await expect.poll(() => ctx.server.fdCount(), { timeout: 5000 }).toBeLessThanOrEqual(fdBaseline + 5);
      ctx.tried(garbage.length + 2);
    },
  },
  {
    id: "P8",
    name: "POST body trickled 1 byte / 200 ms → 408 at bodyTimeout (2 s), connection closed",
    timeout: 15_000,
    async run(ctx) {
      const sid = await pollingSession(ctx.server);
      const started = performance.now();
      const socket = connect(ctx.server.port, "127.0.0.1");
      socket.on("error", () => {});
      let received = "";
      socket.on("data", (chunk) => {
        received += chunk.toString("latin1");
      });
      await new Promise((resolve) => socket.once("connect", resolve));
      socket.write(`POST /socket.io/?EIO=4&transport=polling&sid=${sid} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n4`);
      const trickle = setInterval(() => socket.write("a"), 200);
      await new Promise((resolve) => socket.once("close", resolve));
      clearInterval(trickle);
      const ms = performance.now() - started;
      expect(received).toMatch(/^HTTP\/1\.1 408 /);
      expect(ms).toBeGreaterThan(1900);
      expect(ms).toBeLessThan(5000);
      // The session is closed (transport error): its sid is unknown now.
      const after = await rawHttp(ctx.server.port, `GET /socket.io/?EIO=4&transport=polling&sid=${sid} HTTP/1.1\r\nHost: x\r\n\r\n`);
      expect(after.response?.status).toBe(400);
      ctx.tried();
    },
  },
];

hostileSuite("timeouts (H12, H17, P8)", rows, { server: { bodyTimeout: 2000 } });
