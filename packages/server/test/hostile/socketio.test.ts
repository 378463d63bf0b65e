import { expect } from "vitest";
import { type HostileRow, hostileSuite, type RowContext } from "./harness.js";
import { AnyKeyMap, concat, Float, hex, mp, Raw } from "./msgpack-bytes.js";
import { type SioOpenOptions, SioSocket, T } from "./sio-socket.js";

/**
 * RELIABILITY.md §4(c) Socket.IO / MessagePack rows M1–M19, as binary
 * frames on a real WebSocket session. A decoder refusal closes the
 * connection with 1002 `parse error`; a packet that is well formed but
 * invalid in the connection's state closes it with 1000 `forced server close`
 * (PROTOCOL.md §3.2); a refused namespace gets CONNECT_ERROR.
 */

const MAX_PAYLOAD = 100_000;
const PARSE_ERROR = { code: 1002, reason: "parse error" };
const INVALID_STATE = { code: 1000, reason: "forced server close" };

/** A Socket.IO packet map in wire order (`type`, `nsp`, `data`, `id`), any field any value. */
function packet(fields: Record<string, unknown>): Uint8Array {
  return mp(fields);
}

/** An EVENT on "/" whose data array holds `args` after the event name. */
function event(name: unknown, ...args: unknown[]): Uint8Array {
  return packet({ type: T.EVENT, nsp: "/", data: [name, ...args] });
}

async function open(ctx: RowContext, options?: SioOpenOptions): Promise<SioSocket> {
  return SioSocket.open(ctx.server.port, options);
}

/** Resolves with the close, or fails when the socket stays open for `ms`. */
async function closedWithin(socket: SioSocket, ms = 3000): Promise<{ code: number; reason: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      socket.closed,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    socket.close();
  }
}

/** Each input on a fresh connected socket: the connection must close with `expected`. */
async function expectClosedBy(ctx: RowContext, inputs: readonly Uint8Array[], expected: { code: number; reason: string }, options?: SioOpenOptions): Promise<void> {
  for (const [i, bytes] of inputs.entries()) {
    const socket = await open(ctx, options);
    socket.sendBytes(bytes);
    expect(await closedWithin(socket), `input #${i}: ${Buffer.from(bytes.subarray(0, 24)).toString("hex")}`).toEqual(expected);
    ctx.tried();
  }
}

/** What the fixture's `inspect` handler saw (see fixtures/hostile-server.ts `describe`). */
interface Inspection {
  readonly type: string;
  readonly plain: boolean;
  readonly isAdmin: string | null;
  readonly ownKeys: string[];
  readonly polluted: boolean;
}

/** Send `bytes` (an `inspect` EVENT with ack id 7): the ack's inspection, or null when the connection was closed for it. */
async function inspect(ctx: RowContext, bytes: Uint8Array): Promise<Inspection | null> {
  const socket = await open(ctx);
  socket.sendBytes(bytes);
  const outcome = await Promise.race([
    socket.next((p) => p.type === T.ACK && p.id === 7).then((p) => (p.data as [Inspection])[0]),
    socket.closed.then(() => null),
  ]);
  socket.close();
  ctx.tried();
  return outcome;
}

const inspectPacket = (value: unknown): Uint8Array => packet({ type: T.EVENT, nsp: "/", data: ["inspect", value], id: 7 });

const rows: HostileRow[] = [
  {
    id: "M1",
    name: "truncated msgpack (str8 declares 200, has 3; cut maps and arrays) → parse error",
    async run(ctx) {
      const whole = event("echo", "abc");
      await expectClosedBy(
        ctx,
        [event("echo", hex("d9 c8 61 62 63")), whole.subarray(0, whole.length - 2), hex("84 a4 74 79 70 65").bytes, hex("dc 00 05 01").bytes, new Uint8Array([0x82])],
        PARSE_ERROR,
      );
    },
  },
  {
    id: "M2",
    name: "str32 / bin32 / array32 / map32 / ext32 declaring 2^32−1 → rejected before allocation",
    async run(ctx) {
      await expectClosedBy(
        ctx,
        ["db", "c6", "dd", "df", "c9"].map((tag) => event("echo", hex(`${tag} ff ff ff ff 00`))),
        PARSE_ERROR,
      );
    },
  },
  {
    id: "M3",
    name: "64 KB message = array of 60 000 empty maps → rejected by the node budget, heap delta < 1 MB",
    rssBound: 32 * 1024 * 1024,
    async run(ctx) {
      const before = (await ctx.server.stats("gc")).heapUsed;
      const maps = concat(hex("dc ea 60").bytes, new Uint8Array(60_000).fill(0x80));
      const deep = concat(hex("dc 75 30").bytes, new Uint8Array(30_000).fill(0x90));
      await expectClosedBy(ctx, [event("echo", new Raw(maps)), event("echo", new Raw(deep))], PARSE_ERROR);
      const after = (await ctx.server.stats("gc")).heapUsed;
      expect(after - before).toBeLessThan(1024 * 1024);
    },
  },
  {
    id: "M4",
    name: "nesting depth 33 … 99 000 (0x91 repeated) → rejected at the depth limit, not a RangeError",
    async run(ctx) {
      const nest = (depth: number) => event("echo", new Raw(concat(new Uint8Array(depth).fill(0x91), new Uint8Array([0xc0]))));
      const maps = (depth: number) => event("echo", new Raw(concat(...Array.from({ length: depth }, () => hex("81 a1 61").bytes), new Uint8Array([0xc0]))));
      await expectClosedBy(ctx, [nest(33), nest(100), nest(5000), nest(99_000), maps(40), maps(20_000)], PARSE_ERROR);
      // Depth 30 is fine (the limit is 32 including the packet map and data array).
      expect(await inspect(ctx, packet({ type: T.EVENT, nsp: "/", data: ["inspect", new Raw(concat(new Uint8Array(28).fill(0x91), new Uint8Array([0xc0])))], id: 7 }))).toMatchObject({
        type: "array",
      });
    },
  },
  {
    id: "M5",
    name: '{"__proto__":{"isAdmin":true}} in args or auth → rejected (or own data), never pollution',
    async run(ctx) {
      const poison = JSON.parse('{"__proto__":{"isAdmin":true}}') as Record<string, unknown>;
      const nested = JSON.parse('{"a":[{"__proto__":{"isAdmin":true}}]}') as Record<string, unknown>;
      for (const value of [poison, nested]) {
        const seen = await inspect(ctx, inspectPacket(value));
        if (seen !== null) {
          expect(seen.isAdmin).toBe("undefined");
          expect(seen.polluted).toBe(false);
        }
      }
      const socket = await open(ctx, { nsp: null });
      socket.sendBytes(packet({ type: T.CONNECT, nsp: "/", data: poison }));
      expect(await closedWithin(socket)).toEqual(PARSE_ERROR);
      // The server's own objects are untouched: a fresh inspection reports no pollution.
      expect(await inspect(ctx, inspectPacket({}))).toMatchObject({ polluted: false, plain: true });
      ctx.tried();
    },
  },
  {
    id: "M6",
    name: "keys and event names constructor / hasOwnProperty / toString / prototype / valueOf → no crash, no dispatch",
    async run(ctx) {
      const keys = { constructor: 1, hasOwnProperty: 2, toString: 3, prototype: 4, valueOf: 5, __defineGetter__: 6 };
      expect(await inspect(ctx, inspectPacket(keys))).toMatchObject({ plain: true, ownKeys: Object.keys(keys) });
      const before = await ctx.server.stats();
      const socket = await open(ctx);
      for (const name of Object.keys(keys)) {
        socket.sendBytes(packet({ type: T.EVENT, nsp: "/", data: [name, 1], id: 9 }));
        ctx.tried();
      }
      // Still open and answering: the odd names reached no inherited method.
      expect(await socket.call("/", ["echo", "after"])).toEqual(["after"]);
      socket.close();
      const after = await ctx.server.stats();
      expect(after.handlerErrors).toBe(before.handlerErrors);
    },
  },
  {
    id: "M7",
    name: "ext types 0x78 RegExp, 0x65 Error, 0x73 Set, 0x74, 0x42 BigInt, 0x62, 0x69/0x70 refs, 0x72 records, 0x10, timestamp −1 → rejected",
    async run(ctx) {
      const exts = [0x78, 0x65, 0x73, 0x74, 0x42, 0x62, 0x69, 0x70, 0x72, 0x10, 0x7f, 0x01].map((type) =>
        inspectPacket(new Raw(Uint8Array.from([0xc7, 0x03, type, 0x61, 0x62, 0x63]))),
      );
      const fixed = [0xd4, 0xd5, 0xd6, 0xd7, 0xd8].map((tag) => inspectPacket(new Raw(Uint8Array.from([tag, 0x78, ...new Uint8Array(16)]).subarray(0, 2 + (1 << (tag - 0xd4))))));
      const timestamps = [hex("d6 ff 00 00 00 01"), hex("c7 05 ff 00 00 00 00 00"), hex("d7 ff 00 00 00 00 00 00 00 01")].map(inspectPacket);
      await expectClosedBy(ctx, [...exts, ...fixed, ...timestamps], PARSE_ERROR);
    },
  },
  {
    id: "M8",
    name: "reserved byte 0xc1 (anywhere) → rejected",
    async run(ctx) {
      await expectClosedBy(ctx, [inspectPacket(hex("c1")), hex("c1").bytes, packet({ type: T.EVENT, nsp: "/", data: ["inspect", [1, hex("c1")]] })], PARSE_ERROR);
    },
  },
  {
    id: "M9",
    name: "trailing bytes after a valid packet; two packets in one frame → rejected",
    async run(ctx) {
      const one = event("echo", 1);
      await expectClosedBy(ctx, [concat(one, new Uint8Array([0xc0])), concat(one, one), concat(one, new Uint8Array([0x00]))], PARSE_ERROR);
    },
  },
  {
    id: "M10",
    name: "maps with non-string keys (array, map, nil, int, bin) → rejected",
    async run(ctx) {
      const keys: unknown[] = [[1], {}, null, 1, new Uint8Array([1]), true, new Float(1.5)];
      const inputs = keys.map((key) => inspectPacket(new AnyKeyMap([[key, 1]])));
      inputs.push(mp(new AnyKeyMap([["type", T.EVENT], ["nsp", "/"], [null, 1], ["data", ["echo"]]])));
      await expectClosedBy(ctx, inputs, PARSE_ERROR);
    },
  },
  {
    id: "M11",
    name: 'packet type 9, −1, "2", 2.5, missing, 5 / 6 (BINARY_*) → rejected, socket closed',
    async run(ctx) {
      const types: unknown[] = [9, -1, "2", new Float(2.5), null, 5, 6, 2 ** 32];
      const inputs = types.map((type) => packet({ type, nsp: "/", data: ["echo", 1] }));
      inputs.push(packet({ nsp: "/", data: ["echo", 1] }), mp([2, "/", ["echo"]]), mp("2"), mp(2), mp(null));
      await expectClosedBy(ctx, inputs, PARSE_ERROR);
    },
  },
  {
    id: "M12",
    name: 'nsp "", no leading slash, 10 KB, \\0, /../admin, homoglyph /аdmin → CONNECT_ERROR "Invalid namespace", connection kept (as the reference server); nsp 123 / null / array / map → parse error (both reference parsers refuse a non-string nsp)',
    async run(ctx) {
      // socket.io-msgpack-parser's checkPacket throws "invalid namespace" for a non-string: the reference closes too.
      for (const nsp of [123, null, ["/"], { a: 1 }]) {
        const socket = await open(ctx, { nsp: null });
        socket.sendBytes(packet({ type: T.CONNECT, nsp }));
        expect(await closedWithin(socket), `nsp ${JSON.stringify(nsp)}`).toEqual(PARSE_ERROR);
        ctx.tried();
      }
      // Strings: impossible names (refused by the decoder) and unknown ones (refused by the server) alike.
      const strings = ["", "admin", `/${"n".repeat(10_000)}`, "/ad\u0000min", "/../admin", "/\u0430dmin", "/nope", "/ADMIN", "/admin/", "//admin", "/dyn-1000"];
      for (const nsp of strings) {
        const socket = await open(ctx, { nsp: null });
        socket.sendBytes(packet({ type: T.CONNECT, nsp }));
        const refusal = await socket.next((p) => p.type === T.CONNECT_ERROR);
        expect(refusal, nsp.slice(0, 30)).toEqual({ type: T.CONNECT_ERROR, nsp, data: { message: "Invalid namespace" } });
        // The connection stays: the same session joins "/" and round-trips.
        socket.send({ type: T.CONNECT, nsp: "/" });
        expect(await socket.next((p) => p.nsp === "/")).toMatchObject({ type: T.CONNECT });
        expect(await socket.call("/", ["echo", nsp.length])).toEqual([nsp.length]);
        socket.close();
        ctx.tried();
      }
    },
  },
  {
    id: "M13",
    name: "EVENT data not an array / empty / non-string name → rejected; reserved event names never dispatched",
    async run(ctx) {
      const shapes: unknown[] = ["echo", {}, [], [null], [[]], [{}], [true], null];
      await expectClosedBy(
        ctx,
        shapes.map((data) => packet({ type: T.EVENT, nsp: "/", data })),
        PARSE_ERROR,
      );
      const before = (await ctx.server.stats()).reservedDispatched;
      const socket = await open(ctx);
      for (const name of ["connect", "disconnect", "disconnecting", "connect_error", "newListener", "removeListener", "__proto__"]) {
        socket.sendBytes(packet({ type: T.EVENT, nsp: "/", data: [name, "x"] }));
        ctx.tried();
      }
      // Whether the connection stays (reserved names ignored) or is closed for them, nothing was dispatched.
      await Promise.race([socket.call("/", ["echo", 1]), socket.closed]);
      socket.close();
      expect((await ctx.server.stats()).reservedDispatched).toBe(before);
    },
  },
  {
    id: "M13b",
    name: "10 KB event name → length capped (rejected)",
    async run(ctx) {
      const socket = await open(ctx);
      socket.sendBytes(event("e".repeat(10_000), 1));
      // Packets are handled in order: an answered echo means the long name was taken.
      const outcome = await Promise.race([socket.call("/", ["echo", 1]).then(() => "accepted"), socket.closed.then(() => "closed")]);
      socket.close();
      ctx.tried();
      expect(outcome).toBe("closed");
    },
  },
  {
    id: "M14",
    name: 'ack id −1, 2.5, 2^53+1, 1e27, "1", NaN, 2^31 → rejected',
    async run(ctx) {
      const ids: unknown[] = [-1, new Float(2.5), new Float(2 ** 53 + 2), new Float(1e27), "1", new Float(Number.NaN), 2 ** 31, new Float(Number.POSITIVE_INFINITY)];
      const inputs = ids.flatMap((id) => [packet({ type: T.EVENT, nsp: "/", data: ["echo", 1], id }), packet({ type: T.ACK, nsp: "/", data: [1], id })]);
      await expectClosedBy(ctx, inputs, PARSE_ERROR);
    },
  },
  {
    id: "M15",
    name: "ACK for an id never sent, the same ACK twice, 100 000 ACKs with random ids → ignored, memory flat",
    async run(ctx) {
      const socket = await open(ctx);
      socket.sendBytes(packet({ type: T.ACK, nsp: "/", data: [1], id: 12345 }));
      socket.sendBytes(packet({ type: T.ACK, nsp: "/", data: [1], id: 12345 }));
      const ack = packet({ type: T.ACK, nsp: "/", data: [], id: 0x7fffffff });
      for (let i = 0; i < 100_000; i++) {
        // A random uint32 id in the same 5-byte slot (ce xx xx xx xx), kept under 2^31.
        const bytes = Uint8Array.from(ack);
        new DataView(bytes.buffer).setUint32(bytes.length - 4, Math.floor(Math.random() * 2 ** 31));
        socket.sendBytes(bytes);
        // Let the canary (same process as this sender) answer its pings.
        if (i % 5000 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      expect(await socket.call("/", ["echo", "still here"])).toEqual(["still here"]);
      socket.close();
      ctx.tried(3);
    },
  },
  {
    id: "M15b",
    name: "9 000 EVENTs with ack ids (1 KB each) to a handler that never answers → nothing kept per id, heap flat",
    async run(ctx) {
      const before = (await ctx.server.stats("gc")).heapUsed;
      const sockets: SioSocket[] = [];
      const blob = "x".repeat(1024);
      // 20 sockets × 450 events: under the default rate limit's burst, so every event reaches the handler.
      for (let s = 0; s < 20; s++) {
        const socket = await open(ctx);
        for (let id = 1; id <= 450; id++) socket.sendBytes(packet({ type: T.EVENT, nsp: "/", data: ["sink", blob], id }));
        expect(await socket.call("/", ["echo", s])).toEqual([s]);
        sockets.push(socket);
      }
      // Sockets still open: whatever the server kept per unanswered id would still be reachable.
      const after = (await ctx.server.stats("gc")).heapUsed;
      for (const socket of sockets) socket.close();
      ctx.tried();
      expect(after - before).toBeLessThan(3 * 1024 * 1024);
    },
  },
  {
    id: "M15c",
    name: "a client that never answers the server's acks → capped at maxPendingAcks (1000), ACK_LIMIT after, heap flat",
    async run(ctx) {
      const before = (await ctx.server.stats("gc")).heapUsed;
      const socket = await open(ctx);
      expect(await socket.call("/", ["ask-me", 5000])).toEqual([{ sent: 1000, refused: 4000 }]);
      // Still nothing answered: every further question is refused, none is sent.
      expect(await socket.call("/", ["ask-me", 5000])).toEqual([{ sent: 0, refused: 5000 }]);
      expect(socket.packets.filter((p) => p.type === T.EVENT && (p.data as unknown[])[0] === "question")).toHaveLength(1000);
      const after = (await ctx.server.stats("gc")).heapUsed;
      socket.close();
      ctx.tried(2);
      // 1000 pending entries cost ~0.25 MiB here; uncapped, the 10 000 questions would cost ~2.5 MiB.
      expect(after - before).toBeLessThan(1.5 * 1024 * 1024);
    },
  },
  {
    id: "M16",
    name: "BINARY_EVENT with attachment counts; _placeholder objects (CVE-2022-2421) → rejected or inert data",
    async run(ctx) {
      await expectClosedBy(
        ctx,
        [packet({ type: 5, nsp: "/", data: ["echo", { _placeholder: true, num: 0 }], attachments: 2 }), packet({ type: 6, nsp: "/", data: [], id: 1, attachments: 0 })],
        PARSE_ERROR,
      );
      for (const num of ["splice", -1, 99, 0, "__proto__", "toString"]) {
        const seen = await inspect(ctx, inspectPacket({ _placeholder: true, num }));
        // msgpack carries bytes natively: a placeholder is plain data, never resolved to a buffer or a function.
        expect(seen).toMatchObject({ type: "object", plain: true, ownKeys: ["_placeholder", "num"] });
      }
    },
  },
  {
    id: "M17",
    name: "CONNECT auth payload string / array / number / boolean / null → CONNECT_ERROR \"Invalid auth payload\" (data.code INVALID_AUTH_PAYLOAD), connection kept; 90 KB object accepted; 150 KB / 500 KB → message too big",
    async run(ctx) {
      // The reference parsers throw "invalid payload" here (a parse error close); we answer, as for any refused CONNECT.
      for (const auth of ["token", [1, 2], 42, new Float(-1.5), true, false, null]) {
        for (const nsp of ["/", "/secure"]) {
          const socket = await open(ctx, { nsp: null });
          socket.sendBytes(packet({ type: T.CONNECT, nsp, data: auth }));
          const refusal = await socket.next((p) => p.type === T.CONNECT_ERROR);
          expect(refusal, `${nsp} ${JSON.stringify(auth)}`).toEqual({
            type: T.CONNECT_ERROR,
            nsp,
            data: { message: "Invalid auth payload", data: { code: "INVALID_AUTH_PAYLOAD" } },
          });
          // Still usable: a proper CONNECT on the same session is accepted.
          socket.send({ type: T.CONNECT, nsp: "/" });
          expect(await socket.next((p) => p.nsp === "/" && p.type !== T.CONNECT_ERROR)).toMatchObject({ type: T.CONNECT });
          socket.close();
          ctx.tried();
        }
      }
      // Inside the payload limit: accepted by "/" (no middleware) and by /secure refused as unauthorized.
      const big = { blob: "x".repeat(90_000) };
      const secure = await open(ctx, { nsp: null });
      secure.sendBytes(packet({ type: T.CONNECT, nsp: "/secure", data: big }));
      expect(await secure.next((p) => p.nsp === "/secure")).toMatchObject({ type: T.CONNECT_ERROR, data: { message: "unauthorized" } });
      secure.close();
      // Over it: the message itself is refused (1009, or uWS's cut past maxPayload + headroom).
      for (const size of [150_000, 500_000]) {
        const huge = await open(ctx, { nsp: null });
        huge.sendBytes(packet({ type: T.CONNECT, nsp: "/", data: { blob: "x".repeat(size) } }));
        expect((await closedWithin(huge)).code).toBe(size < 2 * MAX_PAYLOAD ? 1009 : 1006);
      }
      ctx.tried(2);
    },
  },
  {
    id: "M18",
    name: "CONNECT twice; DISCONNECT / EVENT for a namespace never joined → closed as an invalid state, never a double registration",
    async run(ctx) {
      const before = (await ctx.server.stats()).clients;
      await expectClosedBy(
        ctx,
        [packet({ type: T.CONNECT, nsp: "/" }), packet({ type: T.DISCONNECT, nsp: "/dyn-1" }), packet({ type: T.EVENT, nsp: "/dyn-2", data: ["echo", 1] }), packet({ type: T.ACK, nsp: "/dyn-3", data: [], id: 1 })],
        INVALID_STATE,
      );
      // CONNECT_ERROR from a client is nonsense, too.
      await expectClosedBy(ctx, [packet({ type: T.CONNECT_ERROR, nsp: "/", data: { message: "x" } })], INVALID_STATE);
      await expect.poll(async () => (await ctx.server.stats()).clients).toBe(before);
    },
  },
  {
    id: "M19",
    name: "200 namespaces on one engine session → capped at maxNamespacesPerClient (10), CONNECT_ERROR after",
    async run(ctx) {
      const socket = await open(ctx);
      for (let i = 0; i < 200; i++) socket.send({ type: T.CONNECT, nsp: `/dyn-${i}` });
      await socket.next((p) => p.nsp === "/dyn-199");
      const replies = socket.packets.filter((p) => p.nsp.startsWith("/dyn-"));
      expect(replies.filter((p) => p.type === T.CONNECT)).toHaveLength(9);
      const refused = replies.filter((p) => p.type === T.CONNECT_ERROR);
      expect(refused).toHaveLength(191);
      expect(refused[0]!.data).toEqual({ message: "Too many namespaces" });
      expect(await socket.call("/", ["echo", 1])).toEqual([1]);
      socket.close();
      ctx.tried();
    },
  },
];

hostileSuite("Socket.IO / MessagePack (M)", rows, { server: { maxPayload: MAX_PAYLOAD } });
