import { deflateRawSync } from "node:zlib";
import { expect } from "vitest";
import { type HostileRow, hostileSuite, type RowContext } from "./harness.js";
import { type FrameSpec, type RawClose, RawWebSocket } from "./raw-websocket.js";

/**
 * RELIABILITY.md §4(c) WebSocket / RFC 6455 rows W1–W12, on raw frames
 * (Autobahn-style, hand-rolled). Frame-level violations are uWS's to catch:
 * it closes the TCP connection (no close frame, `code: null`) or answers
 * with a close frame. Engine.IO-level ones get the engine's close codes
 * (1002 `parse error`, 1009 `message too big`).
 */

const MAX_PAYLOAD = 100_000;

/** Resolves with how the socket was closed, or fails when it stays open for `ms`. */
async function closedWithin(ws: RawWebSocket, ms = 3000): Promise<RawClose> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([ws.closed, timeout]);
  } finally {
    clearTimeout(timer);
    ws.destroy();
  }
}

/** A fresh Engine.IO WebSocket session that already got its open packet. */
async function session(ctx: RowContext): Promise<RawWebSocket> {
  const ws = await RawWebSocket.open(ctx.server.port);
  await ws.waitText((t) => t.startsWith("0{"));
  return ws;
}

/** Each spec list goes on a fresh session, which must then be closed (code in `codes`, null = no close frame). */
async function expectClosedBy(ctx: RowContext, inputs: readonly (readonly FrameSpec[] | Buffer)[], codes: readonly (number | null)[]): Promise<void> {
  for (const [i, input] of inputs.entries()) {
    const ws = await session(ctx);
    if (Buffer.isBuffer(input)) ws.write(input);
    else for (const spec of input) ws.sendFrame(spec);
    const closed = await closedWithin(ws);
    expect(codes, `input #${i} closed with ${closed.code}`).toContain(closed.code);
    ctx.tried();
  }
}

const text = (payload: string | Buffer, extra: Partial<FrameSpec> = {}): FrameSpec => ({ opcode: 0x1, payload, ...extra });

const rows: HostileRow[] = [
  {
    id: "W1",
    name: "message over maxPayload → 1009 (up to maxPayload + headroom), uWS cut beyond",
    async run(ctx) {
      await expectClosedBy(ctx, [[text(`4${"a".repeat(MAX_PAYLOAD + 10)}`)], [{ opcode: 0x2, payload: Buffer.alloc(MAX_PAYLOAD + 10) }]], [1009]);
      // Past uWS's own limit (maxPayload + headroom): the connection is cut without a close frame.
      await expectClosedBy(ctx, [[{ opcode: 0x2, payload: Buffer.alloc(3 * MAX_PAYLOAD) }]], [null, 1006, 1009]);
      // A fragmented message whose fragments add up past the limit.
      const fragments: FrameSpec[] = [
        { opcode: 0x1, payload: `4${"b".repeat(60_000)}`, fin: false },
        { opcode: 0x0, payload: "c".repeat(60_000), fin: true },
      ];
      await expectClosedBy(ctx, [fragments], [1009]);
    },
  },
  {
    id: "W2",
    name: "permessage-deflate bomb with compression off (default) → RSV1 frame closed",
    async run(ctx) {
      const bomb = deflateRawSync(Buffer.alloc(8 * 1024 * 1024)).subarray(0, -4);
      await expectClosedBy(ctx, [[{ opcode: 0x1, payload: bomb, rsv: 0b100 }], [{ opcode: 0x2, payload: bomb, rsv: 0b100 }]], [null, 1002]);
    },
  },
  {
    id: "W3",
    name: "invalid UTF-8 in a text frame → 1007 or close",
    async run(ctx) {
      const inputs = [Buffer.from([0x34, 0xff, 0xfe]), Buffer.from([0x34, 0xc0, 0x80]), Buffer.from([0x34, 0xed, 0xa0, 0x80]), Buffer.from([0x34, 0xf4, 0x90, 0x80, 0x80])];
      await expectClosedBy(
        ctx,
        inputs.map((payload) => [text(payload)]),
        [null, 1002, 1007],
      );
      // Split across fragments: the sequence is only invalid as a whole.
      await expectClosedBy(ctx, [[text(Buffer.from([0x34, 0xe2, 0x82]), { fin: false }), { opcode: 0x0, payload: Buffer.from([0xff]) }]], [null, 1002, 1007]);
    },
  },
  {
    id: "W4",
    name: "RSV1/2/3 set without an extension, opcodes 3–7 and B–F → 1002 or close",
    async run(ctx) {
      const inputs: FrameSpec[][] = [0b100, 0b010, 0b001, 0b111].map((rsv) => [text("3", { rsv })]);
      for (const opcode of [3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf]) inputs.push([{ opcode, payload: "x" }]);
      await expectClosedBy(ctx, inputs, [null, 1002]);
    },
  },
  {
    id: "W5",
    name: "ping > 125 bytes, fragmented ping, stray continuation, data frame inside a fragmented message → 1002 or close",
    async run(ctx) {
      await expectClosedBy(
        ctx,
        [
          [{ opcode: 0x9, payload: Buffer.alloc(126) }],
          [{ opcode: 0x9, payload: "a", fin: false }],
          [{ opcode: 0x0, payload: "stray" }],
          [text("4a", { fin: false }), text("4b")],
          [{ opcode: 0xa, payload: Buffer.alloc(200) }],
          [{ opcode: 0x8, payload: Buffer.alloc(126), fin: true }],
        ],
        [null, 1002, 1005],
      );
    },
  },
  {
    id: "W6",
    name: "unmasked client frame → documented: uWS 20.30 misreads it as masked (no close of its own); the stream desyncs into a close",
    async run(ctx) {
      const ws = await session(ctx);
      // uWS ignores the MASK bit and takes the 4 bytes after the header as the key, so this
      // unmasked ping waits for 4 more bytes: the start of the next frame (RFC 6455 §5.1
      // says close at once; see mount-engine.ts). Nothing is echoed from server memory.
      ws.sendFrame({ opcode: 0x9, payload: "hello", mask: false });
      ws.sendFrame({ opcode: 0x1, payload: "1", maskKey: Buffer.alloc(4) });
      const pong = await ws.waitFrame((f) => f.opcode === 0xa);
      expect(pong.payload).toEqual(Buffer.from([0x6f ^ 0x68, 0x81 ^ 0x65, 0x81 ^ 0x6c, 0x00 ^ 0x6c, 0x00 ^ 0x68]));
      // The rest (00 00 '1') reads as a stray continuation frame: closed.
      expect([null, 1002]).toContain((await closedWithin(ws)).code);
      // Unmasked data frames take the same path into a protocol error (or a parse error above it).
      await expectClosedBy(ctx, [[text("4abc", { mask: false }), text("2", { maskKey: Buffer.alloc(4) })]], [null, 1002]);
      ctx.tried(2);
    },
  },
  {
    id: "W7",
    name: "close frame with a 1-byte body, codes 999/1004/1005/1006/5000, invalid UTF-8 reason → 1002 or close",
    async run(ctx) {
      const close = (code: number | null, reason: Buffer = Buffer.alloc(0)): FrameSpec[] => {
        if (code === null) return [{ opcode: 0x8, payload: Buffer.from([0x03]) }];
        const body = Buffer.alloc(2);
        body.writeUInt16BE(code);
        return [{ opcode: 0x8, payload: Buffer.concat([body, reason]) }];
      };
      await expectClosedBy(
        ctx,
        [close(null), close(999), close(1004), close(1005), close(1006), close(5000), close(1000, Buffer.from([0xff, 0xfe]))],
        [null, 1002, 1005],
      );
    },
  },
  {
    id: "W8",
    name: "64-bit length with the MSB set; length 2^40 followed by 10 bytes → close, no allocation",
    rssBound: 32 * 1024 * 1024,
    async run(ctx) {
      await expectClosedBy(
        ctx,
        [
          [{ opcode: 0x2, payload: Buffer.alloc(10), declaredLength: 2n ** 63n + 5n }],
          [{ opcode: 0x2, payload: Buffer.alloc(10), declaredLength: 2n ** 40n }],
          [{ opcode: 0x1, payload: Buffer.alloc(10), declaredLength: 2n ** 32n }],
        ],
        [null, 1006, 1009],
      );
    },
  },
  {
    id: "W9",
    name: "10 000 ping frames from one client → closed 1008 'too many pings'; the canary's p99 unaffected",
    async run(ctx) {
      const ws = await session(ctx);
      const ping = Buffer.concat(Array.from({ length: 10_000 }, () => Buffer.from([0x89, 0x80, 1, 2, 3, 4])));
      ws.write(ping);
      const closed = await closedWithin(ws);
      expect(closed).toEqual({ code: 1008, reason: "too many pings" });
      // A moderate, steady pinger is fine.
      const steady = await session(ctx);
      for (let i = 0; i < 20; i++) steady.sendFrame({ opcode: 0x9, payload: "k" });
      await steady.waitFrame((f) => f.opcode === 0xa && steady.frames.filter((g) => g.opcode === 0xa).length === 20);
      steady.destroy();
      ctx.tried(2);
    },
  },
  {
    id: "W10",
    name: "never answering Engine.IO pings → closed after pingInterval + pingTimeout (2 s, +10 %)",
    async run(ctx) {
      const ws = await RawWebSocket.open(ctx.server.port);
      ws.answerPings = false;
      await ws.waitText((t) => t.startsWith("0{"));
      const opened = performance.now();
      const closed = await closedWithin(ws, 5000);
      const ms = performance.now() - opened;
      expect(closed.code).toBe(1000);
      expect(ms).toBeGreaterThan(1900);
      // 10 % over, plus the heartbeat wheel's tick (1/8 of the shorter period) on a shared machine.
      expect(ms).toBeLessThan(2200 + 125 + 200);
      ctx.tried();
    },
  },
  {
    id: "W11",
    name: "2probe / 5 upgrade packets on a fresh WebSocket session → ignored or closed, never a second session",
    async run(ctx) {
      const before = (await ctx.server.stats()).clients;
      for (const packets of [["2probe"], ["5"], ["2probe", "5"], ["5", "5", "5"]]) {
        const ws = await session(ctx);
        for (const p of packets) ws.sendFrame(text(p));
        // Either closed, or still the one session: a round trip through it proves which.
        ws.sendFrame(text("1"));
        await closedWithin(ws);
        ctx.tried();
      }
      await expect.poll(async () => (await ctx.server.stats()).clients).toBe(before);
    },
  },
  {
    id: "W12",
    name: "binary frame where text is expected and vice versa, empty frames → parse error, close",
    async run(ctx) {
      await expectClosedBy(
        ctx,
        [[text("")], [text("4")], [text("9")], [text("\u00004")], [{ opcode: 0x2, payload: Buffer.alloc(0) }], [{ opcode: 0x2, payload: Buffer.from("40") }], [text("40")]],
        [1002],
      );
    },
  },
];

hostileSuite("WebSocket / RFC 6455 (W)", rows, { server: { maxPayload: MAX_PAYLOAD } });

/** With permessage-deflate turned on (S13: off by default): the bomb and the odd extension offer. */
const deflateRows: HostileRow[] = [
  {
    id: "W2",
    name: "permessage-deflate bomb (8 MiB of zeros, a few KB deflated) → closed, RSS delta < 2 × maxPayload + allocator slack",
    rssBound: 2 * MAX_PAYLOAD + 8 * 1024 * 1024,
    async run(ctx) {
      const bomb = deflateRawSync(Buffer.alloc(8 * 1024 * 1024)).subarray(0, -4);
      for (let i = 0; i < 5; i++) {
        const ws = await RawWebSocket.open(ctx.server.port, undefined, { "Sec-WebSocket-Extensions": "permessage-deflate" });
        expect(ws.headers).toMatch(/Sec-WebSocket-Extensions: permessage-deflate/i);
        await ws.waitText((t) => t.startsWith("0{"));
        ws.sendFrame({ opcode: i % 2 === 0 ? 0x1 : 0x2, payload: bomb, rsv: 0b100 });
        expect([null, 1006, 1009]).toContain((await closedWithin(ws)).code);
      }
      ctx.tried(2);
    },
  },
  {
    id: "H16",
    name: "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=99; foo → negotiated safely or declined, no crash",
    async run(ctx) {
      const offers = [
        "permessage-deflate; client_max_window_bits=99; foo",
        "permessage-deflate; server_max_window_bits=0",
        "permessage-deflate; client_max_window_bits; server_no_context_takeover; server_no_context_takeover",
        `permessage-deflate; ${"x=y; ".repeat(1000)}`,
        "foo, bar, permessage-deflate",
      ];
      for (const offer of offers) {
        const ws = await RawWebSocket.open(ctx.server.port, undefined, { "Sec-WebSocket-Extensions": offer });
        // Whatever was negotiated, the session works: an Engine.IO message round trip through the codec.
        await ws.waitText((t) => t.startsWith("0{"));
        ws.sendFrame(text("1"));
        await closedWithin(ws);
        ctx.tried();
      }
    },
  },
];

hostileSuite("WebSocket with permessage-deflate on (W2, H16)", deflateRows, { server: { maxPayload: MAX_PAYLOAD, perMessageDeflate: true } });
