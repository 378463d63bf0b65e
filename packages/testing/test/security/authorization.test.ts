import { createServer, type Server } from "@cometa/server";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import * as msgpackParser from "socket.io-msgpack-parser";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SioSocket, T } from "../../../server/test/hostile/sio-socket.js";

/**
 * RELIABILITY.md §4(d) S4 (handshake auth per namespace), S5 (room
 * authorization) and S6 (per-socket message rate limit).
 *
 * Token checks in depth (missing, forged, `alg:none`, expired, revoked, a
 * thousand failures from one address) are the hostile catalogue's rows
 * A1–A5 (`packages/server/test/hostile/auth.test.ts`); the room-name rows
 * R1–R4, including the R3 gap (a socket may join another socket's id room),
 * are in `rooms.test.ts` there. This file checks the per-namespace split and
 * room membership from the outside, with the official client.
 */

/** Tokens of the fake identity provider: the test's own, never logged. */
const USERS: Record<string, { readonly name: string; readonly admin: boolean }> = {
  "token-alice": { name: "alice", admin: true },
  "token-bob": { name: "bob", admin: false },
};

function userOf(auth: unknown): { name: string; admin: boolean } | undefined {
  const token = (auth as { token?: unknown } | undefined)?.token;
  return typeof token === "string" ? USERS[token] : undefined;
}

let io: Server;
let port: number;
/** Connections the `/admin` namespace accepted, by user name. */
const adminConnections: string[] = [];
/** Events `/admin` dispatched. */
const adminEvents: string[] = [];
/** Events dispatched per socket id (S6). */
const dispatched = new Map<string, number>();
let clients: ClientSocket[] = [];

beforeAll(async () => {
  // RELIABILITY S6's starting point as the server's rate limit (the default, 1000 per 10 s, leaves room for the load suite).
  io = createServer({ pingInterval: 5000, pingTimeout: 5000, rateLimit: { points: 100, intervalMs: 10_000 } });
  io.use((socket, next) => {
    const user = userOf(socket.handshake.auth);
    if (user === undefined) return next(Object.assign(new Error("unauthorized"), { data: { code: "BAD_TOKEN" } }));
    socket.data = user;
    next();
  });
  // Each namespace has its own middleware, and it checks its own socket: /admin asks for more than /.
  io.of("/admin").use((socket, next) => {
    const user = userOf(socket.handshake.auth);
    if (user?.admin !== true) return next(Object.assign(new Error("forbidden"), { data: { code: "NOT_ADMIN" } }));
    socket.data = user;
    next();
  });
  io.of("/admin").on("connection", (socket) => {
    adminConnections.push((socket.data as { name: string }).name);
    socket.onAny((event: string) => adminEvents.push(event));
  });
  io.on("connection", (socket) => {
    const user = socket.data as { name: string; admin: boolean };
    // The app's own rule: only admins get into "vip". Clients never join rooms by themselves.
    if (user.admin) socket.join("vip");
    socket.on("echo", (value: unknown, ack: unknown) => {
      if (typeof ack === "function") ack(value);
    });
    socket.on("noise", () => dispatched.set(socket.id, (dispatched.get(socket.id) ?? 0) + 1));
  });
  ({ port } = await io.listen(0, "127.0.0.1"));
});

afterAll(async () => {
  await io?.close();
});

afterEach(() => {
  for (const client of clients) client.disconnect();
  clients = [];
});

function client(nsp: string, token: string | undefined): ClientSocket {
  const socket = connect(`http://127.0.0.1:${port}${nsp}`, {
    transports: ["websocket"],
    parser: msgpackParser,
    reconnection: false,
    forceNew: true,
    auth: token === undefined ? {} : { token },
  });
  clients.push(socket);
  return socket;
}

/** Resolves with "connect" or the CONNECT_ERROR the server sent. */
function outcome(socket: ClientSocket): Promise<"connect" | { message: string; data: unknown }> {
  return new Promise((resolve) => {
    socket.once("connect", () => resolve("connect"));
    socket.once("connect_error", (error: Error & { data?: unknown }) => resolve({ message: error.message, data: error.data }));
  });
}

async function connected(nsp: string, token: string): Promise<ClientSocket> {
  const socket = client(nsp, token);
  expect(await outcome(socket)).toBe("connect");
  return socket;
}

describe("S4: handshake auth per namespace", () => {
  it("/admin refuses a valid non-admin with CONNECT_ERROR (message + code only), while / accepts the same token", async () => {
    const bob = client("/admin", "token-bob");
    expect(await outcome(bob)).toEqual({ message: "forbidden", data: { code: "NOT_ADMIN" } });
    expect(adminConnections).not.toContain("bob");
    const main = await connected("/", "token-bob");
    expect(await main.timeout(2000).emitWithAck("echo", 1)).toBe(1);
  });

  it("/admin accepts an admin; no token is refused on both namespaces", async () => {
    await connected("/admin", "token-alice");
    expect(adminConnections).toContain("alice");
    for (const nsp of ["/", "/admin"]) {
      const anonymous = client(nsp, undefined);
      const result = await outcome(anonymous);
      expect(result, nsp).toMatchObject({ message: nsp === "/" ? "unauthorized" : "forbidden" });
    }
  });

  it("raw packets: the refusal is `44/admin,{message,data}`, and an EVENT to /admin after it closes the connection undispatched", async () => {
    const raw = await SioSocket.open(port, { nsp: null });
    try {
      raw.send({ type: T.CONNECT, nsp: "/admin", data: { token: "token-bob" } });
      const refusal = await raw.next((p) => p.nsp === "/admin");
      expect(refusal).toMatchObject({ type: T.CONNECT_ERROR, nsp: "/admin", data: { message: "forbidden", data: { code: "NOT_ADMIN" } } });
      const before = adminEvents.length;
      raw.send({ type: T.EVENT, nsp: "/admin", data: ["drop-tables"], id: 7 });
      // An EVENT for a namespace the connection never joined is an invalid state (hostile row M18): closed, not dispatched.
      expect(await raw.closed).toEqual({ code: 1000, reason: "forced server close" });
      expect(adminEvents.length).toBe(before);
      expect(raw.packets.filter((p) => p.type === T.ACK)).toEqual([]);
    } finally {
      raw.close();
    }
  });
});

describe("S5: rooms", () => {
  it("a non-member never receives a room's broadcasts; members do", async () => {
    const alice = await connected("/", "token-alice");
    const bob = await connected("/", "token-bob");
    const seenByBob: string[] = [];
    bob.onAny((event: string) => seenByBob.push(event));
    const aliceGot = new Promise((resolve) => alice.once("vip-news", resolve));
    io.to("vip").emit("vip-news", "secret");
    expect(await aliceGot).toBe("secret");
    // A broadcast to everyone after the room's one: when bob has it, he would have had the room's by now.
    const bobGot = new Promise((resolve) => bob.once("everyone", resolve));
    io.emit("everyone");
    await bobGot;
    expect(seenByBob).toEqual(["everyone"]);
  });

  it("a client cannot join a room through the protocol: a `join` event with no app handler changes nothing", async () => {
    const bob = await connected("/", "token-bob");
    bob.emit("join", "vip");
    expect(await bob.timeout(2000).emitWithAck("echo", "barrier")).toBe("barrier");
    const members = (await io.in("vip").fetchSockets()).map((s) => s.id);
    expect(members).not.toContain(bob.id);
  });

  it(
    "R3: socket.join(<another socket's id>) is refused (RoomRefusedError ROOM_PRIVATE), and the would-be joiner never receives that socket's private messages",
    async () => {
      const victim = await connected("/", "token-alice");
      const thief = await connected("/", "token-bob");
      const [thiefSocket] = (await io.fetchSockets()).filter((s) => s.id === thief.id);
      let refused = false;
      try {
        thiefSocket!.join(victim.id!);
      } catch {
        refused = true;
      }
      const leaked = new Promise((resolve) => thief.once("private", resolve));
      io.to(victim.id!).emit("private", "for the victim only");
      const race = await Promise.race([leaked.then(() => "leaked"), thief.timeout(2000).emitWithAck("echo", "barrier")]);
      expect(refused || race !== "leaked").toBe(true);
    },
  );
});

describe("S6: per-socket message rate limit", () => {
  const BURST = 500;
  /** RELIABILITY S6's starting point: 100 messages per 10 s. */
  const ALLOWED = 100;

  it("a noisy client does not slow the others: 10 canaries round-trip while it floods", async () => {
    const noisy = await connected("/", "token-bob");
    const canaries = await Promise.all(Array.from({ length: 10 }, () => connected("/", "token-bob")));
    for (let i = 0; i < BURST; i++) noisy.emit("noise");
    const replies = await Promise.all(canaries.map((c, i) => c.timeout(3000).emitWithAck("echo", i)));
    expect(replies).toEqual(canaries.map((_, i) => i));
  });

  it(
    `above ${ALLOWED} messages per 10 s (rateLimit), the excess is dropped and, past as many again, the socket disconnected (reason "rate limited")`,
    async () => {
      const noisy = await connected("/", "token-bob");
      for (let i = 0; i < BURST; i++) noisy.emit("noise");
      const barrier = await Promise.race([
        noisy.timeout(3000).emitWithAck("echo", "barrier").catch(() => "refused"),
        new Promise((resolve) => noisy.once("disconnect", () => resolve("closed"))),
      ]);
      const count = dispatched.get(noisy.id!) ?? 0;
      expect(barrier === "closed" || count <= ALLOWED).toBe(true);
    },
  );
});
