import { connect, type Socket } from "node:net";
import { expect } from "vitest";
import { engineRequest, pollingSession } from "../../../server/test/hostile/expect-http.js";
import { Canary, type HostileRow, hostileSuite } from "../../../server/test/hostile/harness.js";
import type { HostileServer } from "../../../server/test/hostile/server-process.js";
import { SioSocket, T } from "../../../server/test/hostile/sio-socket.js";

/**
 * RELIABILITY.md §4(d) S9 (connection flood) and S10 (slow headers, slow
 * body, slow read), written as Node clients instead of slowhttptest so they
 * run wherever the suite runs and end on events, not on a fixed duration.
 *
 * They run through the hostile catalogue's harness
 * (`packages/server/test/hostile/harness.ts`): the server is a child
 * process, and every row passes only if the process is alive, a canary
 * connected before the row still round-trips an ack, and RSS stays bounded.
 * The half-sent handshakes (H17) and the 1-byte/200 ms POST body (P8) rows
 * there are the single-connection versions of S10; these rows scale them up
 * and add the slow reader.
 */

const FLOOD = 5000;
const FLOOD_WINDOW_MS = 10_000;
/** Per-address session cap of the server under test (the default is 100). */
const CAP = 100;
const MiB = 1024 * 1024;

/** Open `count` TCP connections from `localAddress`, `batch` at a time; each runs `onOpen` once connected. */
async function openMany(port: number, count: number, localAddress: string, onOpen: (socket: Socket) => void = () => {}): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i += 250) {
    await Promise.all(
      Array.from({ length: Math.min(250, count - i) }, () => {
        const socket = connect({ port, host: "127.0.0.1", localAddress });
        socket.on("error", () => {});
        sockets.push(socket);
        return new Promise<void>((resolve) => {
          socket.once("connect", () => {
            onOpen(socket);
            resolve();
          });
          socket.once("close", () => resolve());
        });
      }),
    );
  }
  return sockets;
}

/** Resolves when every socket has been closed (by either side). */
function allClosed(sockets: readonly Socket[]): Promise<void> {
  return Promise.all(sockets.map((s) => (s.destroyed ? undefined : new Promise((resolve) => s.once("close", resolve))))).then(() => undefined);
}

/** How long a fresh official client takes to connect and round-trip, ms. */
async function canaryConnectMs(server: HostileServer): Promise<number> {
  const started = performance.now();
  const canary = await Canary.connect(server);
  await canary.roundTrip();
  canary.close();
  return performance.now() - started;
}

const rows: HostileRow[] = [
  {
    id: "S9",
    name: `connection flood: ${FLOOD} TCP connects in under 10 s (mostly idle, 500 polling handshakes from one address) → cap enforced, a new client connects within 1 s`,
    timeout: 60_000,
    async run(ctx) {
      const port = ctx.server.port;
      const fdBaseline = ctx.server.fdCount();
      const started = performance.now();
      // 4 500 idle connections from five source addresses (the per-address cap counts sessions, not sockets).
      const idle = (
        await Promise.all(["127.0.1.1", "127.0.1.2", "127.0.1.3", "127.0.1.4", "127.0.1.5"].map((address) => openMany(port, 900, address)))
      ).flat();
      // 500 real handshakes from one address: the first CAP get sessions, the rest 429.
      const handshakes = await Promise.all(
        Array.from({ length: 500 }, () => engineRequest(ctx.server, "GET", "EIO=4&transport=polling", {}, undefined, { localAddress: "127.0.1.9", timeoutMs: 10_000 })),
      );
      const floodMs = performance.now() - started;
      expect(floodMs, "the flood itself must fit its window").toBeLessThan(FLOOD_WINDOW_MS);
      const statuses = handshakes.map((h) => h.response?.status ?? 0);
      expect(statuses.filter((s) => s === 200).length).toBe(CAP);
      expect(statuses.filter((s) => s === 429).length).toBe(500 - CAP);
      expect(ctx.server.fdCount() - fdBaseline, "the server holds the idle flood").toBeGreaterThan(idle.length * 0.9);
      // While it is held: a new client connects and round-trips within 1 s.
      expect(await canaryConnectMs(ctx.server)).toBeLessThan(1000);
      expect(ctx.server.alive()).toBe(true);
      for (const socket of idle) socket.destroy();
      await allClosed(idle);
      // The refused and abandoned polling sessions end at the heartbeat (1 s + 1 s); FDs back to baseline.
      await expect.poll(() => ctx.server.fdCount(), { timeout: 10_000 }).toBeLessThanOrEqual(fdBaseline + 5);
      ctx.tried(FLOOD);
    },
  },
  {
    id: "S10a",
    name: "slow headers: 1 000 connections trickling one header byte a second → all closed by the header timeout; service available meanwhile",
    timeout: 60_000,
    async run(ctx) {
      const fdBaseline = ctx.server.fdCount();
      const started = performance.now();
      const head = "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nX-Slow: ";
      const sockets = await openMany(ctx.server.port, 1000, "127.0.2.1", (socket) => socket.write(head));
      // One more header byte per connection every second: a timer that resets on data would never fire.
      const trickle = setInterval(() => {
        for (const socket of sockets) if (!socket.destroyed) socket.write("a");
      }, 1000);
      try {
        expect(await canaryConnectMs(ctx.server)).toBeLessThan(1000);
        expect(await pollingSession(ctx.server)).toMatch(/\w/);
        await allClosed(sockets);
      } finally {
        clearInterval(trickle);
      }
      // uWS closes a request head not complete within ~10 s (checked every 4 s), however it trickles.
      expect(performance.now() - started).toBeLessThan(30_000);
      await expect.poll(() => ctx.server.fdCount(), { timeout: 5000 }).toBeLessThanOrEqual(fdBaseline + 5);
      ctx.tried(1000);
    },
  },
  {
    id: "S10b",
    name: "slow body: 300 polling POSTs trickling one byte every 200 ms → each answered 408 at bodyTimeout; service available meanwhile",
    timeout: 40_000,
    async run(ctx) {
      const sids = await Promise.all(Array.from({ length: 300 }, (_, i) => pollingSession(ctx.server, {}, `127.0.3.${1 + (i % 50)}`)));
      const sockets: Socket[] = [];
      const answers: string[] = [];
      for (const [i, sid] of sids.entries()) {
        const socket = connect({ port: ctx.server.port, host: "127.0.0.1", localAddress: `127.0.3.${1 + (i % 50)}` });
        socket.on("error", () => {});
        let received = "";
        socket.on("data", (chunk) => {
          received += chunk.toString("latin1");
        });
        socket.once("close", () => answers.push(received));
        socket.once("connect", () => socket.write(`POST /socket.io/?EIO=4&transport=polling&sid=${sid} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n4`));
        sockets.push(socket);
      }
      const trickle = setInterval(() => {
        for (const socket of sockets) if (!socket.destroyed && socket.writable) socket.write("a");
      }, 200);
      try {
        expect(await canaryConnectMs(ctx.server)).toBeLessThan(1000);
        await allClosed(sockets);
      } finally {
        clearInterval(trickle);
      }
      expect(answers.length).toBe(sids.length);
      for (const answer of answers) expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      ctx.tried(sids.length);
    },
  },
  {
    id: "S10c",
    name: "slow read: 10 clients that stop reading while asking for 18 MB of acks each → cut off at the backpressure limit; RSS bounded; others served",
    timeout: 40_000,
    rssBound: 96 * MiB,
    async run(ctx) {
      const payload = "x".repeat(90_000);
      // Waves of 20 acks (1.8 MB) stay under the 2 MiB hard limit for a client that reads between waves.
      const WAVES = 10;
      const WAVE = 20;
      const witness = await Canary.connect(ctx.server);
      const readers = await Promise.all(Array.from({ length: 10 }, () => SioSocket.open(ctx.server.port)));
      for (const reader of readers) (reader.ws as unknown as { _socket: Socket })._socket.pause();
      try {
        for (let wave = 0; wave < WAVES; wave++) {
          for (const reader of readers) {
            for (let i = 0; i < WAVE; i++) reader.send({ type: T.EVENT, nsp: "/", data: ["echo", payload], id: wave * WAVE + i + 1 });
          }
          // Others are served between the waves (and it paces them).
          await witness.roundTrip();
        }
        expect(await canaryConnectMs(ctx.server)).toBeLessThan(1000);
        // The server cuts each one off past backpressureHardLimit rather than buffering 18 MB for it.
        await expect.poll(async () => (await ctx.server.stats()).clients, { timeout: 15_000 }).toBeLessThanOrEqual(2);
        for (const reader of readers) {
          (reader.ws as unknown as { _socket: Socket })._socket.resume();
          await reader.closed;
          expect(reader.packets.filter((p) => p.type === T.ACK).length).toBeLessThan(WAVES * WAVE);
        }
        // Control: a client that reads gets every ack of the same waves, so the cut above is the slow read.
        const reading = await SioSocket.open(ctx.server.port);
        for (let wave = 0; wave < WAVES; wave++) {
          for (let i = 0; i < WAVE; i++) reading.send({ type: T.EVENT, nsp: "/", data: ["echo", payload], id: wave * WAVE + i + 1 });
          await reading.next((p) => p.type === T.ACK && p.id === (wave + 1) * WAVE);
        }
        expect(reading.packets.filter((p) => p.type === T.ACK).length).toBe(WAVES * WAVE);
        reading.close();
      } finally {
        witness.close();
        for (const reader of readers) reader.close();
      }
      ctx.tried(10);
    },
  },
];

hostileSuite("security floods (S9, S10)", rows, { server: { maxConnectionsPerIp: CAP } });
