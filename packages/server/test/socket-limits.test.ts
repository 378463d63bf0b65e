import { PacketType } from "@cometa/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { ServerError } from "../src/errors.js";
import { RoomRefusedError } from "../src/room-guard.js";
import type { ServerOptions } from "../src/server-options.js";
import type { Socket } from "../src/socket.js";
import { connectClients, createTestServer, errors, type TestClient, type TestServer } from "./harness.js";

/** RELIABILITY M13 (event name cap), R1–R3 (room names, caps, private id rooms) and S6 (rate limit). */

let server: TestServer;

afterEach(async () => {
  await server?.io.close();
  errors.length = 0;
});

async function connected(n: number, options: ServerOptions = {}): Promise<{ sockets: Socket[]; clients: TestClient[] }> {
  const all = await connectClients(n, options);
  server = all.server;
  return all;
}

function refusal(run: () => void): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RoomRefusedError);
    return (error as RoomRefusedError).code;
  }
  return undefined;
}

describe("room names (R1, R3)", () => {
  it("refuses non-strings, the empty name and names past maxRoomNameLength with ROOM_NAME_INVALID", async () => {
    const { sockets } = await connected(1, { maxRoomNameLength: 8 });
    const s = sockets[0]!;
    for (const room of [1, null, { a: 1 }, ["a", 2], "", "r".repeat(9)]) {
      expect(refusal(() => s.join(room as string)), JSON.stringify(room)).toBe("ROOM_NAME_INVALID");
    }
    expect(refusal(() => s.join("r".repeat(8)))).toBeUndefined();
    expect(refusal(() => s.join(["a", "b"]))).toBeUndefined();
    expect([...s.rooms]).toEqual([s.id, "r".repeat(8), "a", "b"]);
  });

  it("a list with one bad name joins none of it", async () => {
    const { sockets } = await connected(1);
    const s = sockets[0]!;
    expect(refusal(() => s.join(["ok", ""]))).toBe("ROOM_NAME_INVALID");
    expect([...s.rooms]).toEqual([s.id]);
  });

  it("refuses another socket's id room with ROOM_PRIVATE; the own id is fine", async () => {
    const { sockets, clients } = await connected(2);
    const [victim, thief] = sockets as [Socket, Socket];
    expect(refusal(() => thief.join(victim.id))).toBe("ROOM_PRIVATE");
    expect(refusal(() => thief.join(thief.id))).toBeUndefined();
    server.io.to(victim.id).emit("private", 1);
    await clients[0]!.nextEvent();
    expect(clients[1]!.events()).toEqual([]);
  });

  it("the default cap is 128 characters", async () => {
    const { sockets } = await connected(1);
    expect(refusal(() => sockets[0]!.join("r".repeat(128)))).toBeUndefined();
    expect(refusal(() => sockets[0]!.join("r".repeat(129)))).toBe("ROOM_NAME_INVALID");
  });
});

describe("rooms per socket (R2)", () => {
  it("caps the rooms of one socket at maxRoomsPerSocket, own id not counted; re-joining and leaving work", async () => {
    const { sockets } = await connected(1, { maxRoomsPerSocket: 3 });
    const s = sockets[0]!;
    s.join(["a", "b", "c"]);
    expect(refusal(() => s.join("d"))).toBe("ROOMS_PER_SOCKET_EXCEEDED");
    expect(refusal(() => s.join(["a", s.id]))).toBeUndefined();
    s.leave("a");
    expect(refusal(() => s.join("d"))).toBeUndefined();
    expect(refusal(() => s.join(["e", "f"]))).toBe("ROOMS_PER_SOCKET_EXCEEDED");
    expect([...s.rooms]).toEqual([s.id, "b", "c", "d"]);
  });

  it("socketsJoin past the cap reports the refusal and still joins the other sockets", async () => {
    const { sockets } = await connected(2, { maxRoomsPerSocket: 1 });
    sockets[0]!.join("full");
    server.io.socketsJoin("news");
    expect([...server.io.sockets.adapter.rooms.get("news")!]).toEqual([sockets[1]!.id]);
    expect((errors[0] as RoomRefusedError).code).toBe("ROOMS_PER_SOCKET_EXCEEDED");
  });
});

describe("event names (M13)", () => {
  it("an event name past maxEventNameLength closes the connection undispatched and is reported", async () => {
    const { sockets, clients } = await connected(1, { maxEventNameLength: 16 });
    const seen: unknown[] = [];
    sockets[0]!.onAny((event) => seen.push(event));
    clients[0]!.emit("/", ["e".repeat(16)]);
    clients[0]!.emit("/", ["e".repeat(17)]);
    expect(seen).toEqual(["e".repeat(16)]);
    expect(clients[0]!.conn.closed).toBe(true);
    expect(clients[0]!.conn.closeReason).toBe("forced server close");
    expect((errors[0] as ServerError).code).toBe("EVENT_NAME_TOO_LONG");
  });
});

describe("rate limit (S6)", () => {
  const limit = { points: 5, intervalMs: 1000 };

  it("drops events past the budget (reported once), refills over time, and other sockets are unaffected", async () => {
    const { sockets, clients } = await connected(2, { rateLimit: limit });
    const counts = [0, 0];
    for (const [i, s] of sockets.entries()) s.on("e", () => counts[i]!++);
    // ACKs (here for ids never sent: ignored) do not spend the budget.
    for (let i = 0; i < 10; i++) clients[0]!.ack("/", i, []);
    for (let i = 0; i < 8; i++) clients[0]!.emit("/", ["e"]);
    clients[1]!.emit("/", ["e"]);
    expect(counts).toEqual([5, 1]);
    expect(errors.map((e) => (e as ServerError).code)).toEqual(["RATE_LIMITED"]);
    server.clock.advance(400); // 2 tokens back
    for (let i = 0; i < 3; i++) clients[0]!.emit("/", ["e"]);
    expect(counts[0]).toBe(7);
    expect(sockets[0]!.connected).toBe(true);
  });

  it("disconnects a socket whose drops in one interval exceed disconnectAfter, with reason `rate limited`", async () => {
    const { sockets, clients } = await connected(1, { rateLimit: { ...limit, disconnectAfter: 3 } });
    let reason: unknown;
    sockets[0]!.on("disconnect", (r) => {
      reason = r;
    });
    for (let i = 0; i < 5 + 3; i++) clients[0]!.emit("/", ["e"]);
    expect(sockets[0]!.connected).toBe(true);
    clients[0]!.emit("/", ["e"]);
    expect(reason).toBe("rate limited");
    expect(clients[0]!.packets.at(-1)).toEqual({ type: PacketType.DISCONNECT, nsp: "/" });
    expect(clients[0]!.conn.closed).toBe(false);
  });

  it("rateLimit: false turns it off", async () => {
    const { sockets, clients } = await connected(1, { rateLimit: false });
    let count = 0;
    sockets[0]!.on("e", () => count++);
    for (let i = 0; i < 2000; i++) clients[0]!.emit("/", ["e"]);
    expect(count).toBe(2000);
  });

  it("the default allows 1000 events per 10 s (a full client offline buffer flushed at once)", async () => {
    const { sockets, clients } = await connected(1);
    let count = 0;
    sockets[0]!.on("e", () => count++);
    for (let i = 0; i < 1001; i++) clients[0]!.emit("/", ["e"]);
    expect(count).toBe(1000);
    server.clock.advance(10_000);
    for (let i = 0; i < 1000; i++) clients[0]!.emit("/", ["e"]);
    expect(count).toBe(2000);
  });

  it("rejects impossible options", () => {
    expect(() => createTestServer({ rateLimit: { points: 0, intervalMs: 1000 } })).toThrow(ServerError);
    expect(() => createTestServer({ maxRoomsPerSocket: -1 })).toThrow(ServerError);
  });
});
