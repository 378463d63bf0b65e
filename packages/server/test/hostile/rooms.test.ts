import { expect } from "vitest";
import { type HostileRow, hostileSuite, type RowContext } from "./harness.js";
import { type SioPacket, SioSocket, T } from "./sio-socket.js";

/**
 * RELIABILITY.md §4(c) room-name rows R1–R4. Clients cannot join rooms by
 * themselves: the fixture's `join(room, ack)` handler passes whatever the
 * client sent to `socket.join()`, the way an app that forgets to validate
 * would, so these rows test what the Socket.IO layer accepts there.
 */

/** What the fixture's `join` handler answers. */
interface JoinResult {
  readonly ok: boolean;
  readonly code?: string;
  readonly rooms: number;
}

async function join(socket: SioSocket, room: unknown): Promise<JoinResult> {
  return (await socket.call("/", ["join", room]))[0] as JoinResult;
}

async function connected(ctx: RowContext): Promise<SioSocket> {
  return SioSocket.open(ctx.server.port);
}

/** The socket id the CONNECT reply carried. */
function socketId(socket: SioSocket): string {
  const reply = socket.packets.find((p) => p.type === T.CONNECT && p.nsp === "/") as SioPacket;
  return (reply.data as { sid: string }).sid;
}

const rows: HostileRow[] = [
  {
    id: "R1",
    name: 'join with a non-string name (number, object, null, array of non-strings) → rejected by type',
    async run(ctx) {
      const socket = await connected(ctx);
      try {
        // An array of strings is join()'s list form (Socket.IO API) and joins each: arrays holding a non-string are refused.
        for (const room of [123, { a: 1 }, null, ["a", 2], [["nested"]], true]) {
          expect(await join(socket, room), JSON.stringify(room)).toMatchObject({ ok: false });
          ctx.tried();
        }
      } finally {
        socket.close();
      }
    },
  },
  {
    id: "R1b",
    name: 'join "" or a 90 KB name → rejected by length (e.g. ≤ 128 bytes)',
    async run(ctx) {
      const socket = await connected(ctx);
      try {
        for (const room of ["", "r".repeat(90_000)]) {
          expect(await join(socket, room)).toMatchObject({ ok: false });
          ctx.tried();
        }
      } finally {
        socket.close();
      }
    },
  },
  {
    id: "R3",
    name: "join a room named exactly another socket's id → refused (socket-id rooms are private)",
    async run(ctx) {
      const victim = await connected(ctx);
      const thief = await connected(ctx);
      try {
        const result = await join(thief, socketId(victim));
        ctx.tried();
        expect(result).toMatchObject({ ok: false });
      } finally {
        victim.close();
        thief.close();
      }
    },
  },
  {
    id: "R4",
    name: "room names with glob / pattern characters (*, ?, [a-z], \\, separators) → a broadcast reaches only the literal room",
    async run(ctx) {
      const pairs: [literal: string, wouldMatch: string][] = [
        ["room*", "room1"],
        ["r?om", "room"],
        ["[a-z]", "a"],
        ["a\\b", "ab"],
        ["news#sports", "news"],
        ["x:y", "x"],
        ["/admin", "admin"],
        ["__proto__", "constructor"],
      ];
      for (const [literal, other] of pairs) {
        const inLiteral = await connected(ctx);
        const inOther = await connected(ctx);
        const sender = await connected(ctx);
        try {
          expect(await join(inLiteral, literal)).toMatchObject({ ok: true });
          expect(await join(inOther, other)).toMatchObject({ ok: true });
          sender.send({ type: T.EVENT, nsp: "/", data: ["to", literal, "payload"] });
          const got = await inLiteral.next((p) => p.type === T.EVENT && (p.data as unknown[])[0] === "room");
          expect(got.data).toEqual(["room", literal, "payload"]);
          // Ordered after the broadcast on the same server: if `inOther` were reached, it would be by now.
          sender.send({ type: T.EVENT, nsp: "/", data: ["to", other, "marker"] });
          await inOther.next((p) => p.type === T.EVENT && (p.data as unknown[])[2] === "marker");
          expect(inOther.packets.filter((p) => p.type === T.EVENT && (p.data as unknown[])[2] === "payload")).toEqual([]);
          ctx.tried();
        } finally {
          inLiteral.close();
          inOther.close();
          sender.close();
        }
      }
    },
  },
  {
    id: "R2",
    name: "join 100 000 distinct rooms from one socket → capped per socket (e.g. 100), memory flat",
    timeout: 30_000,
    async run(ctx) {
      const socket = await connected(ctx);
      let last: JoinResult = { ok: true, rooms: 0 };
      try {
        for (let i = 0; i < 100_000; i++) {
          socket.send({ type: T.EVENT, nsp: "/", data: ["join", `room-${i}`] });
          if (i % 5000 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
        last = await join(socket, "one-more");
        ctx.tried();
      } finally {
        socket.close();
      }
      expect(last.ok === false || last.rooms <= 101).toBe(true);
    },
  },
];

// R2 floods 100 000 join events to test the room cap, not the event rate limit (S6, packages/testing/test/security).
hostileSuite("room names (R)", rows, { server: { rateLimit: false } });
