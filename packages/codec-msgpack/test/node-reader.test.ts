/**
 * What only the Node codec's reader does, on raw bytes: short strings built
 * by hand at every length and across the ASCII boundary, the short-key cache
 * (collisions, non-ASCII keys, never stale), binary values as Buffer copies
 * from both input species, the root packet map read into fixed fields, and
 * `toPacket`'s fast path returning exactly what `validatePacket` returns.
 */
import { type Packet, ProtocolError, RESERVED_EVENTS, validatePacket } from "@cometa/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createMsgpackCodec } from "../src/msgpack-codec.js";
import { RawPacket, toPacket } from "../src/raw-packet.js";
import { readFrame } from "../src/value-reader.js";
import { hex } from "./codecs.js";

const LIMITS = { maxDepth: 32, maxNodes: 10_000 };
const decoder = createMsgpackCodec().createDecoder();
const utf8 = (s: string) => Array.from(new TextEncoder().encode(s));

/** A MessagePack str of any length. */
function str(s: string): number[] {
  const b = utf8(s);
  if (b.length < 32) return [0xa0 | b.length, ...b];
  if (b.length < 256) return [0xd9, b.length, ...b];
  return [0xda, b.length >> 8, b.length & 0xff, ...b];
}

/** An EVENT packet on "/" whose data is [...args], each arg already encoded. */
function event(...args: number[][]): Uint8Array {
  return Uint8Array.from([0x83, ...str("type"), 0x02, ...str("data"), 0x90 | args.length, ...args.flat(), ...str("nsp"), ...str("/")]);
}

const dataOf = (frame: Uint8Array) => (decoder.add(frame) as Packet).data as unknown[];

describe("strings", () => {
  it("every length 0–40, ASCII, with a non-ASCII char at each end, and invalid UTF-8", () => {
    for (let n = 0; n <= 40; n++) {
      const ascii = "abcdefghijklmnopqrstuvwxyz0123456789!?-_".slice(0, n);
      const cases = [ascii, `é${ascii}`, `${ascii}ö`, `${ascii}😀`];
      expect(dataOf(event(...cases.map(str)))).toEqual(cases);
    }
    // Lone continuation byte and truncated sequence: U+FFFD, as TextDecoder does.
    expect(dataOf(event([0xa3, 0x61, 0x80, 0x62], [0xa2, 0x61, 0xe2]))).toEqual(["a\ufffdb", "a\ufffd"]);
  });

  it("keeps a leading BOM", () => {
    expect(dataOf(event(str("\ufeffhi")))).toEqual(["\ufeffhi"]);
  });
});

describe("short-key cache", () => {
  /** A one-entry map {key: 1} as an argument. */
  const mapWith = (key: number[]) => [0x81, ...key, 0x01];

  it("never returns a cached key for different bytes of the same length and hash inputs", () => {
    // 7 bytes each with the same first, middle and last byte: one cache slot, different keys.
    const keys = ["abcdefg", "azzdzzg", "a\u00e9dxyg", "abcdefg"];
    for (const key of keys) expect(dataOf(event(str("e"), mapWith(str(key))))[1]).toEqual({ [key]: 1 });
  });

  it("reads keys at every cacheable length and beyond, ASCII and not, repeatedly", () => {
    for (let round = 0; round < 3; round++) {
      for (let n = 1; n <= 30; n++) {
        for (const key of ["k".repeat(n), `${"k".repeat(n - 1)}ü`, `ü${"k".repeat(n - 1)}`]) {
          expect(dataOf(event(str("e"), mapWith(str(key))))[1]).toEqual({ [key]: 1 });
        }
      }
    }
  });

  it("rejects __proto__ whether or not a cached key shares its slot", () => {
    dataOf(event(str("e"), mapWith(str("__proto_x_"))));
    const result = decoder.add(event(str("e"), mapWith(str("__proto__"))));
    expect((result as ProtocolError).code).toBe("DECODE_FORBIDDEN_KEY");
  });
});

describe("binary values", () => {
  const frame = event(str("b"), [0xc4, 3, 1, 2, 3], [0xd6, 0, 9, 8, 7, 6], [0xc7, 2, 0, 5, 6]);

  it.each([
    ["a Uint8Array", frame],
    ["a Buffer", Buffer.from(frame)],
    ["a Buffer in a larger pool", Buffer.concat([Buffer.alloc(13), Buffer.from(frame)]).subarray(13)],
  ])("are Buffer copies with their own ArrayBuffer when the frame is %s", (_label, input) => {
    const [, bin, fixext, ext8] = dataOf(input) as Buffer[];
    for (const [value, bytes] of [
      [bin, [1, 2, 3]],
      [fixext, [9, 8, 7, 6]],
      [ext8, [5, 6]],
    ] as const) {
      expect(Buffer.isBuffer(value)).toBe(true);
      expect(Array.from(value!)).toEqual(bytes);
      expect(value!.byteOffset).toBe(0);
      expect(value!.buffer.byteLength).toBe(bytes.length);
      expect(value!.buffer).not.toBe(input.buffer);
    }
  });
});

describe("root packet map", () => {
  it("keeps the last of repeated keys and drops unknown ones after checking them", () => {
    const frame = Uint8Array.from([0x84, ...str("type"), 0x01, ...str("nsp"), ...str("/"), ...str("type"), 0x02, ...str("data"), 0x91, ...str("e")]);
    expect(decoder.add(frame)).toEqual({ type: 2, nsp: "/", data: ["e"] });
    const hostileExtra = Uint8Array.from([0x83, ...str("type"), 0x02, ...str("nsp"), ...str("/"), ...str("options"), 0xc1]);
    expect((decoder.add(hostileExtra) as ProtocolError).code).toBe("DECODE_TYPE_REJECTED");
  });

  it("is a RawPacket only for a fixmap root; other roots decode as plain values", () => {
    expect(readFrame(hex("82 a4 74 79 70 65 01 a3 6e 73 70 a1 2f"), LIMITS)).toBeInstanceOf(RawPacket);
    expect(readFrame(hex("de 00 02 a4 74 79 70 65 01 a3 6e 73 70 a1 2f"), LIMITS)).toEqual({ type: 1, nsp: "/" });
    // map16 root: validated the ordinary way.
    expect(decoder.add(hex("de 00 02 a4 74 79 70 65 01 a3 6e 73 70 a1 2f"))).toEqual({ type: 1, nsp: "/" });
  });
});

describe("toPacket: the validation fast path", () => {
  // Mostly values near the fast path's edges, sometimes absent, now and then anything at all.
  const field = <T>(values: T[]) =>
    fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.anything() });
  const eventName = fc.oneof(fc.constantFrom(...RESERVED_EVENTS), fc.string({ maxLength: 16 }), fc.constantFrom(1, Number.NaN, null));
  const rawArb = fc.record({
    type: field([2, 2, 2, 3, 3, 0, 1, 4, 5, 2.5, "2"]),
    nsp: field(["/", "/", "/chat", "chat", "", "/a\u0001", "/".repeat(300)]),
    data: fc.oneof(
      { weight: 4, arbitrary: fc.tuple(eventName, fc.anything()).map(([name, arg]) => [name, arg]) },
      { weight: 1, arbitrary: fc.array(fc.anything(), { maxLength: 3 }) },
      { weight: 1, arbitrary: fc.anything() },
    ),
    id: field([0, 1, 2 ** 31 - 1, 2 ** 31, -1, 1.5, "1"]),
    mid: field(["m", "", "x".repeat(64), "x".repeat(65), 7]),
  });

  it("returns exactly what validatePacket returns, for any fields", () => {
    fc.assert(
      fc.property(rawArb, (fields) => {
        const raw = Object.assign(new RawPacket(), fields);
        const fast = toPacket(raw);
        const reference = validatePacket(raw);
        if (reference instanceof ProtocolError) {
          expect(fast).toBeInstanceOf(ProtocolError);
          expect((fast as ProtocolError).code).toBe(reference.code);
        } else {
          expect(fast).toStrictEqual(reference);
          // Same key order: consumers may serialise the packet.
          expect(Object.keys(fast as object)).toEqual(Object.keys(reference));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("returns a fresh packet, never the raw fields' object", () => {
    const raw = Object.assign(new RawPacket(), { type: 2, nsp: "/", data: ["e"] });
    const packet = toPacket(raw);
    expect(packet).not.toBe(raw);
    expect(Object.getPrototypeOf(packet)).toBe(Object.prototype);
  });
});
