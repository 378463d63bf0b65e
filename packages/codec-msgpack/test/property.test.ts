/**
 * Properties over generated input:
 * - the Node codec and the lite codec are wire-identical: for any bytes
 *   (random, grammar-generated MessagePack with every type byte and ext type,
 *   mutated valid packets) they return the same packet or the same error code;
 * - they never throw and never return anything but plain data;
 * - decode(encode(p)) equals p for MessagePack-only values too (Date,
 *   undefined, NaN, ±Infinity, integers beyond 2^32, strings with a BOM).
 */
import { type Frame, type Packet, ProtocolError } from "@cometa/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { packetArb } from "../../protocol/test/codec-suite.js";
import { createLiteMsgpackCodec } from "../src/lite/index.js";
import { createMsgpackCodec } from "../src/msgpack-codec.js";
import { CODECS } from "./codecs.js";
import { normalise } from "./normalise.js";

// The Node reader (built for speed) against the browser reader (built for size).
const main = createMsgpackCodec().createDecoder();
const lite = createLiteMsgpackCodec().createDecoder();

/** What a decoder returned, in a form two decoders can be compared by. */
function outcome(decode: (frame: Frame) => unknown, frame: Uint8Array): unknown {
  const result = decode(frame);
  if (result instanceof ProtocolError) return { error: result.code };
  assertPlain(result);
  return normalise(result);
}

/** Only null/undefined/booleans/numbers/strings/Uint8Array/Date/arrays/plain objects, no own __proto__. */
function assertPlain(value: unknown): void {
  if (value === null || value === undefined || ["string", "number", "boolean"].includes(typeof value)) return;
  expect(typeof value).toBe("object");
  if (value instanceof Uint8Array || value instanceof Date) return;
  if (Array.isArray(value)) {
    for (const v of value) assertPlain(v);
    return;
  }
  expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  expect(Object.hasOwn(value as object, "__proto__")).toBe(false);
  for (const v of Object.values(value as object)) assertPlain(v);
}

const byte = fc.integer({ min: 0, max: 255 });
const u8 = (values: number[]) => Uint8Array.from(values);
const be = (n: number, width: number) => Array.from({ length: width }, (_, i) => Math.floor(n / 256 ** (width - 1 - i)) % 256);

/** Raw string payloads: ASCII, UTF-8, invalid UTF-8, and the __proto__ bytes. */
const strBytes = fc.oneof(
  fc.string({ maxLength: 12 }).map((s) => Array.from(new TextEncoder().encode(s))),
  fc.array(byte, { maxLength: 12 }),
  fc.constant(Array.from(new TextEncoder().encode("__proto__"))),
);
const strToken = strBytes.chain((b) =>
  fc.constantFrom<number[]>(
    [0xa0 | Math.min(b.length, 31), ...b.slice(0, 31)],
    [0xd9, b.length, ...b],
    [0xda, ...be(b.length, 2), ...b],
  ),
);

/** Grammar-generated MessagePack: every type byte, wrong lengths now and then, all ext types. */
const { doc } = fc.letrec<{ doc: number[]; key: number[] }>((tie) => ({
  key: fc.oneof({ weight: 8, arbitrary: strToken }, { weight: 1, arbitrary: tie("doc") }),
  doc: fc.oneof(
    { depthSize: "small" },
    byte.filter((b) => b < 0x80 || b >= 0xe0).map((b) => [b]),
    fc.constantFrom<number[]>([0xc0], [0xc2], [0xc3], [0xc1]),
    fc.tuple(fc.constantFrom(0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf, 0xd0, 0xd1, 0xd2, 0xd3), fc.array(byte, { minLength: 8, maxLength: 8 })).map(
      ([t, b]) => [t, ...b.slice(0, [4, 8, 1, 2, 4, 8, 1, 2, 4, 8][t - 0xca])],
    ),
    strToken,
    fc.array(byte, { maxLength: 8 }).map((b) => [0xc4, b.length, ...b]),
    fc.tuple(fc.constantFrom(0xd4, 0xd5, 0xd6, 0xd7, 0xd8), fc.oneof(fc.constant(0), byte), fc.array(byte, { minLength: 16, maxLength: 16 })).map(
      ([t, type, b]) => [t, type, ...b.slice(0, 1 << (t - 0xd4))],
    ),
    fc.tuple(fc.oneof(fc.constant(0), byte), fc.array(byte, { maxLength: 9 })).map(([type, b]) => [0xc7, b.length, type, ...b]),
    fc.array(tie("doc"), { maxLength: 4 }).map((items) => [0x90 | items.length, ...items.flat()]),
    fc.array(fc.tuple(tie("key"), tie("doc")), { maxLength: 3 }).map((entries) => [0x80 | entries.length, ...entries.flat(2)]),
    fc.tuple(fc.constantFrom(0xdc, 0xdd, 0xde, 0xdf, 0xdb, 0xc6, 0xc9), fc.nat()).map(([t, n]) => [t, ...be(n, t === 0xdc || t === 0xde ? 2 : 4)]),
  ),
}));

const enc = (s: string) => Array.from(new TextEncoder().encode(s));
/** A packet map around generated parts, so the packet rules are exercised too. */
const packetish = fc
  .tuple(
    fc.oneof(fc.integer({ min: -1, max: 6 }).map((t) => [t & 0xff]), doc),
    fc.oneof(fc.constant([0xa1, 0x2f]), doc),
    fc.option(doc, { nil: undefined }),
    fc.option(fc.oneof(fc.nat(300).map((n) => (n < 128 ? [n] : [0xcd, ...be(n, 2)])), doc), { nil: undefined }),
  )
  .map(([type, nsp, data, id]) => {
    const entries = [[0xa4, ...enc("type"), ...type]];
    entries.push([0xa3, ...enc("nsp"), ...nsp]);
    if (data) entries.push([0xa4, ...enc("data"), ...data]);
    if (id) entries.push([0xa2, ...enc("id"), ...id]);
    return [0x80 | entries.length, ...entries.flat()];
  });

const frames = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  doc.map(u8),
  packetish.map(u8),
  fc.tuple(packetish, fc.array(byte, { minLength: 1, maxLength: 3 })).map(([p, tail]) => u8([...p, ...tail])),
  fc.tuple(packetish, fc.nat()).map(([p, cut]) => u8(p.slice(0, cut % (p.length + 1)))),
);

describe("wire identity of the two codecs", () => {
  it("same packet or same error code for any input, never a throw, never a live object", () => {
    fc.assert(
      fc.property(frames, (frame) => {
        expect(outcome((f) => main.add(f), frame)).toEqual(outcome((f) => lite.add(f), frame));
      }),
      { numRuns: 5000 },
    );
  });

  it("same result for mutated valid packets", () => {
    const codec = createLiteMsgpackCodec();
    fc.assert(
      fc.property(packetArb, fc.array(fc.tuple(fc.nat(), byte), { minLength: 1, maxLength: 3 }), (packet, edits) => {
        const frame = (codec.encode(packet)[0] as Uint8Array).slice();
        for (const [at, value] of edits) frame[at % frame.length] = value;
        expect(outcome((f) => main.add(f), frame)).toEqual(outcome((f) => lite.add(f), frame));
      }),
      { numRuns: 1000 },
    );
  });

  it("same bytes for any packet", () => {
    const a = createMsgpackCodec();
    const b = createLiteMsgpackCodec();
    fc.assert(
      fc.property(packetArb, (packet) => {
        expect(Array.from(a.encode(packet)[0] as Uint8Array)).toEqual(Array.from(b.encode(packet)[0] as Uint8Array));
      }),
      { numRuns: 300 },
    );
  });
});

/** MessagePack-only values. */
const msgpackValue = fc.oneof(
  fc.date({ noInvalidDate: true }),
  fc.constant(undefined),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 32, -(2 ** 31) - 1, 2 ** 53 - 1, -(2 ** 53) + 1, 1e300),
  fc.double({ noNaN: true }).filter((n) => !Object.is(n, -0)),
  fc.integer(),
  fc.string({ unit: "grapheme", maxLength: 80 }).map((s) => `\ufeff${s}`),
  fc.string({ unit: "binary", minLength: 60, maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }),
);

for (const [name, make] of CODECS) {
  describe(`round trip of MessagePack-only values: ${name}`, () => {
    it("decode(encode(p)) equals p", () => {
      const codec = make();
      const decoder = codec.createDecoder();
      fc.assert(
        fc.property(fc.string({ minLength: 1, maxLength: 10 }), fc.array(msgpackValue, { maxLength: 6 }), (event, args) => {
          const packet: Packet = { type: 2, nsp: "/", data: [event, ...args, { nested: args }] };
          expect(normalise(decoder.add(codec.encode(packet)[0]!))).toEqual(normalise(packet));
        }),
        { numRuns: 500 },
      );
    });

    it("lone surrogates are written as U+FFFD, as TextEncoder does", () => {
      const codec = make();
      const packet = codec.createDecoder().add(codec.encode({ type: 2, nsp: "/", data: ["e", "a\ud800b", "\udc00", "x".repeat(70) + "\ud83d"] })[0]!);
      expect((packet as Packet).data).toEqual(["e", "a\ufffdb", "\ufffd", "x".repeat(70) + "\ufffd"]);
    });
  });
}
