/**
 * RELIABILITY.md §4(c) rows M1–M11 as one table, run against both codecs:
 * each hostile frame must yield the expected ProtocolError code (never a
 * throw, never a live object), and the heap growth of the decode must stay
 * bounded (measured around the call, after a forced GC: vitest runs with
 * --expose-gc).
 */
import { createRequire } from "node:module";
import { type Packet, ProtocolError } from "@cometa/protocol";
import { describe, expect, it } from "vitest";
import { CODECS, hex } from "./codecs.js";

const gc = (globalThis as { gc?: () => void }).gc;
const require = createRequire(import.meta.url);
const notepack = require("notepack.io") as { decode(b: Buffer): unknown };

/** Concatenate hex strings and byte arrays. */
function bytes(...parts: (string | Uint8Array | number[])[]): Uint8Array {
  const chunks = parts.map((p) => (typeof p === "string" ? hex(p) : Uint8Array.from(p)));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
const repeat = (h: string, times: number) => hex(h.repeat(times));

/** An EVENT packet map whose data array is ["e", <value bytes>]. */
const eventWith = (...value: (string | Uint8Array | number[])[]) =>
  bytes("83 a4 74 79 70 65 02 a4 64 61 74 61 92 a1 65", ...value, "a3 6e 73 70 a1 2f");
/** A packet map with only a raw `type` value. */
const typed = (typeBytes: string) => bytes("82 a4 74 79 70 65", typeBytes, "a3 6e 73 70 a1 2f");

const PROTO_KEY = "a9 5f 5f 70 72 6f 74 6f 5f 5f"; // "__proto__" as fixstr
const IS_ADMIN_TRUE = "81 a7 69 73 41 64 6d 69 6e c3"; // {isAdmin: true}

/** [id, label, frame, expected code]. */
const HOSTILE: readonly (readonly [string, string, Uint8Array | string, ProtocolError["code"]])[] = [
  ["M1", "str8 declares 200 bytes, has 3", eventWith("d9 c8 61 62 63"), "DECODE_MALFORMED"],
  ["M1", "frame cut inside a key", hex("83 a4 74 79"), "DECODE_MALFORMED"],
  ["M1", "empty frame", new Uint8Array(0), "DECODE_MALFORMED"],
  ["M1", "float64 cut short", eventWith("cb 40 09"), "DECODE_MALFORMED"],
  ["M2", "str32 declares 2^32−1", eventWith("db ff ff ff ff"), "DECODE_MALFORMED"],
  ["M2", "bin32 declares 2^32−1", eventWith("c6 ff ff ff ff"), "DECODE_MALFORMED"],
  ["M2", "array32 declares 2^32−1", eventWith("dd ff ff ff ff"), "DECODE_MALFORMED"],
  ["M2", "map32 declares 2^32−1", eventWith("df ff ff ff ff"), "DECODE_MALFORMED"],
  ["M2", "ext32 (type 0) declares 2^32−1", eventWith("c9 ff ff ff ff 00"), "DECODE_MALFORMED"],
  ["M2", "root array32 declares 2^32−1", hex("dd ff ff ff ff 00"), "DECODE_MALFORMED"],
  ["M2", "array16 declares 65 535 in a short frame", eventWith("dc ff ff c0 c0"), "DECODE_MALFORMED"],
  ["M3", "64 KB: array of 60 000 empty maps", eventWith("dc ea 60", repeat("80", 60_000)), "DECODE_BUDGET_EXCEEDED"],
  ["M3", "tree of 200 arrays of 100 nils (20 200 values)", eventWith("dc 00 c8", repeat(`dc 00 64${" c0".repeat(100)}`, 200)), "DECODE_BUDGET_EXCEEDED"],
  ["M4", "nesting depth 33", eventWith(repeat("91", 33), "c0"), "DECODE_DEPTH_EXCEEDED"],
  ["M4", "nesting depth 100 000", eventWith(repeat("91", 100_000), "c0"), "DECODE_DEPTH_EXCEEDED"],
  ["M4", "maps nested 100 000 deep", eventWith(repeat("81 a1 61", 100_000), "c0"), "DECODE_DEPTH_EXCEEDED"],
  ["M5", "__proto__ key in an argument", eventWith(`81 ${PROTO_KEY} ${IS_ADMIN_TRUE}`), "DECODE_FORBIDDEN_KEY"],
  ["M5", "__proto__ key as str8", eventWith(`81 d9 09 5f 5f 70 72 6f 74 6f 5f 5f ${IS_ADMIN_TRUE}`), "DECODE_FORBIDDEN_KEY"],
  ["M5", "__proto__ in CONNECT auth", bytes(`83 a4 74 79 70 65 00 a4 64 61 74 61 81 ${PROTO_KEY} ${IS_ADMIN_TRUE} a3 6e 73 70 a1 2f`), "DECODE_FORBIDDEN_KEY"],
  ["M5", "__proto__ as a packet key", bytes(`83 a4 74 79 70 65 02 ${PROTO_KEY} ${IS_ADMIN_TRUE} a3 6e 73 70 a1 2f`), "DECODE_FORBIDDEN_KEY"],
  ["M7", "ext 0x78 RegExp", eventWith("d4 78 00 92 a1 61 a1 67"), "DECODE_TYPE_REJECTED"],
  ["M7", "ext 0x65 Error", eventWith("d4 65 00 92 a5 45 72 72 6f 72 a1 78"), "DECODE_TYPE_REJECTED"],
  ["M7", "ext 0x73 Set", eventWith("d4 73 00 91 01"), "DECODE_TYPE_REJECTED"],
  ["M7", "ext 0x74 typed array", eventWith("c7 05 74 01 01 02 03 04"), "DECODE_TYPE_REJECTED"],
  ["M7", "ext 0x42 BigInt", eventWith("d5 42 01 00"), "DECODE_TYPE_REJECTED"],
  ["M7", "ext 0x62 bundled strings", eventWith("d6 62 00 00 00 10"), "DECODE_TYPE_REJECTED"],
  ["M7", "ext 0x69 structured-clone id", eventWith("d6 69 00 00 00 01 90"), "DECODE_TYPE_REJECTED"],
  ["M7", "ext 0x70 structured-clone pointer", eventWith("d6 70 00 00 00 01"), "DECODE_TYPE_REJECTED"],
  ["M7", "ext 0x72 record definition", eventWith("d4 72 40 91 a1 61 01"), "DECODE_TYPE_REJECTED"],
  ["M7", "unknown ext 0x10", eventWith("d4 10 00"), "DECODE_TYPE_REJECTED"],
  ["M7", "timestamp ext −1 (32-bit)", eventWith("d6 ff 65 92 00 80"), "DECODE_TYPE_REJECTED"],
  ["M7", "timestamp ext −1 with a bad length", eventWith("c7 03 ff 00 00 00"), "DECODE_TYPE_REJECTED"],
  ["M8", "reserved byte 0xc1 as a value", eventWith("c1"), "DECODE_TYPE_REJECTED"],
  ["M8", "reserved byte 0xc1 as the root", hex("c1"), "DECODE_TYPE_REJECTED"],
  ["M8", "reserved byte 0xc1 as a key", bytes("83 a4 74 79 70 65 02 c1 c0 a3 6e 73 70 a1 2f"), "DECODE_TYPE_REJECTED"],
  ["M9", "trailing byte after a valid packet", bytes(eventWith("c0"), "00"), "DECODE_MALFORMED"],
  ["M9", "two packets in one frame", bytes(eventWith("c0"), eventWith("c0")), "DECODE_MALFORMED"],
  ["M10", "array as a map key", eventWith("81 91 01 c0"), "DECODE_TYPE_REJECTED"],
  ["M10", "map as a map key", eventWith("81 80 c0"), "DECODE_TYPE_REJECTED"],
  ["M10", "nil as a map key", eventWith("81 c0 c0"), "DECODE_TYPE_REJECTED"],
  ["M10", "integer as a map key", eventWith("81 01 c0"), "DECODE_TYPE_REJECTED"],
  ["M10", "bin as a map key", eventWith("81 c4 01 61 c0"), "DECODE_TYPE_REJECTED"],
  ["M11", "type 9", typed("09"), "INVALID_PACKET"],
  ["M11", "type −1", typed("ff"), "INVALID_PACKET"],
  ["M11", 'type "2"', typed("a1 32"), "INVALID_PACKET"],
  ["M11", "type 2.5", typed("cb 40 04 00 00 00 00 00 00"), "INVALID_PACKET"],
  ["M11", "type missing", hex("81 a3 6e 73 70 a1 2f"), "INVALID_PACKET"],
  ["M11", "root is an array, not a map", hex("92 02 a1 2f"), "INVALID_PACKET"],
  ["M11", "root is a string", hex("a1 2f"), "INVALID_PACKET"],
  ["M11", "text frame", "2[\"e\"]", "INVALID_FRAME"],
  ["M14", "ack id uint64 beyond 2^53", bytes("84 a4 74 79 70 65 02 a4 64 61 74 61 91 a1 65 a2 69 64 cf ff ff ff ff ff ff ff ff a3 6e 73 70 a1 2f"), "INVALID_ACK_ID"],
  ["M14", "ack id nil (official decoder: invalid packet id)", bytes("84 a4 74 79 70 65 02 a4 64 61 74 61 91 a1 65 a2 69 64 c0 a3 6e 73 70 a1 2f"), "INVALID_ACK_ID"],
];

/** heapUsed growth across `fn`, after a full GC, with the result still referenced. */
function heapGrowth(fn: () => unknown): { bytes: number; result: unknown } {
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const result = fn();
  const bytes = process.memoryUsage().heapUsed - before;
  return { bytes, result };
}

const HEAP_BOUND = 1 << 20; // RELIABILITY.md M3: heap delta < 1 MB

describe("heap measurement", () => {
  it("runs with --expose-gc", () => {
    expect(typeof gc).toBe("function");
  });

  it("would catch an allocation bomb: notepack grows the heap by more than the bound on M3", () => {
    const frame = HOSTILE.find(([id]) => id === "M3")![2] as Uint8Array;
    const { bytes: grown } = heapGrowth(() => notepack.decode(Buffer.from(frame)));
    expect(grown).toBeGreaterThan(HEAP_BOUND);
  });
});

for (const [name, make] of CODECS) {
  describe(`hostile input (RELIABILITY.md M1–M11): ${name}`, () => {
    const decoder = make().createDecoder();

    it.each(HOSTILE.map(([id, label, frame, code]) => [`${id} ${label}`, code, frame] as const))(
      "%s → %s",
      (_label, code, frame) => {
        const { bytes: grown, result } = heapGrowth(() => decoder.add(frame));
        expect(result).toBeInstanceOf(ProtocolError);
        expect((result as ProtocolError).code).toBe(code);
        expect(grown).toBeLessThan(HEAP_BOUND);
      },
    );

    it("M5: nothing reaches a prototype", () => {
      decoder.add(eventWith(`81 ${PROTO_KEY} ${IS_ADMIN_TRUE}`));
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    });

    it("M6: keys named after Object.prototype members are plain own data", () => {
      const frame = eventWith(
        "84 ab 63 6f 6e 73 74 72 75 63 74 6f 72 01 ae 68 61 73 4f 77 6e 50 72 6f 70 65 72 74 79 02 a8 74 6f 53 74 72 69 6e 67 03 a9 70 72 6f 74 6f 74 79 70 65 04",
      );
      const packet = decoder.add(frame) as Packet;
      const arg = (packet.data as unknown[])[1] as Record<string, unknown>;
      expect(arg).toEqual({ constructor: 1, hasOwnProperty: 2, toString: 3, prototype: 4 });
      expect(Object.getPrototypeOf(arg)).toBe(Object.prototype);
      expect(Object.hasOwn(arg, "constructor")).toBe(true);
    });

    it("M3: a wide packet just under the budget is accepted, one more value is not", () => {
      // Packet map + type + data + nsp = 4 values, data holds "e" + the array + its entries.
      const under = eventWith("dc 27 0a", repeat("c0", 9994));
      expect(decoder.add(under)).not.toBeInstanceOf(ProtocolError);
      const over = eventWith("dc 27 0b", repeat("c0", 9995));
      expect((decoder.add(over) as ProtocolError).code).toBe("DECODE_BUDGET_EXCEEDED");
    });

    it("M4: nesting up to the depth limit is accepted, one level more is not", () => {
      // Packet map depth 0, data 1, "e" sibling; 30 more arrays reach depth 31 < 32.
      expect(decoder.add(eventWith(repeat("91", 30), "c0"))).not.toBeInstanceOf(ProtocolError);
      expect((decoder.add(eventWith(repeat("91", 31), "c0")) as ProtocolError).code).toBe("DECODE_DEPTH_EXCEEDED");
    });

    it("limits are options", () => {
      const strict = make({ maxDepth: 4, maxNodes: 8 }).createDecoder();
      expect((strict.add(eventWith("91 91 91 c0")) as ProtocolError).code).toBe("DECODE_DEPTH_EXCEEDED");
      expect((strict.add(eventWith("94 01 02 03 04")) as ProtocolError).code).toBe("DECODE_BUDGET_EXCEEDED");
      expect(() => make({ maxDepth: 0 })).toThrow(/maxDepth/);
      expect(() => make({ maxNodes: 1.5 })).toThrow(/maxNodes/);
    });

    it("uint64/int64 beyond 2^53 decode deterministically, as notepack computes them", () => {
      const packet = decoder.add(eventWith("cf ff ff ff ff ff ff ff ff")) as Packet;
      expect((packet.data as unknown[])[1]).toBe(0xffffffff * 2 ** 32 + 0xffffffff);
      const negative = decoder.add(eventWith("d3 80 00 00 00 00 00 00 01")) as Packet;
      expect((negative.data as unknown[])[1]).toBe(-(2 ** 63) + 1);
      expect((negative.data as unknown[])[1]).toBe(notepack.decode(Buffer.from(hex("d3 80 00 00 00 00 00 00 01"))));
    });

    it("thousands of hostile decodes leave the heap flat (no retained frames or errors)", () => {
      const frames = HOSTILE.map(([, , frame]) => frame);
      for (const frame of frames) decoder.add(frame);
      gc?.();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < 20; i++) for (const frame of frames) decoder.add(frame);
      gc?.();
      expect(process.memoryUsage().heapUsed - before).toBeLessThan(4 * HEAP_BOUND);
    });
  });
}
