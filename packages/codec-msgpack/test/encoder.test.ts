/**
 * Encoder edge cases shared by both codecs (one writer): JSON-like handling of
 * functions, symbols, toJSON and class instances; programmer errors thrown as
 * MsgpackCodecError with a code; frames that stay valid while later packets
 * are encoded (slab reuse); binary of every kind as `bin`.
 */
import { type Packet, PacketType, type ProtocolError } from "@cometa/protocol";
import { describe, expect, it } from "vitest";
import { MsgpackCodecError } from "../src/lite/codec-options.js";
import { CODECS, toHex } from "./codecs.js";
import { normalise } from "./normalise.js";

for (const [name, make] of CODECS) {
  describe(`encoder: ${name}`, () => {
    const codec = make();
    const decoder = codec.createDecoder();
    const roundTrip = (data: unknown[]): unknown => (decoder.add(codec.encode({ type: 2, nsp: "/", data })[0]!) as Packet).data;

    it("skips function and symbol values in objects and writes them as nil in arrays, like JSON", () => {
      const data = ["e", { a: 1, f: () => 1, s: Symbol("x"), b: 2 }, [() => 1, Symbol("y"), 3]];
      expect(roundTrip(data)).toEqual(JSON.parse(JSON.stringify(data)));
    });

    it("rewrites map headers that shrink across the 16-entry boundary, even when the slab grows meanwhile", () => {
      const wide: Record<string, unknown> = { big: "x".repeat(20_000) };
      for (let i = 0; i < 10; i++) wide[`k${i}`] = i;
      for (let i = 0; i < 8; i++) wide[`f${i}`] = () => i;
      // Fill most of the slab first so the big string forces a move mid-object.
      codec.encode({ type: 2, nsp: "/", data: ["fill", "y".repeat(7_000)] });
      expect(roundTrip(["e", wide])).toEqual(["e", JSON.parse(JSON.stringify(wide))]);
    });

    it("uses toJSON, and writes Map, Set, RegExp, Error and class instances as their own enumerable keys", () => {
      class Point {
        constructor(
          readonly x: number,
          readonly y: number,
        ) {}
      }
      const data = ["e", { toJSON: () => "custom" }, new Map([["a", 1]]), new Set([1]), /re/g, new Error("no"), new Point(1, 2)];
      expect(roundTrip(data)).toEqual(JSON.parse(JSON.stringify(data)));
    });

    it("writes every binary kind as bin, honouring views' offsets", () => {
      const backing = new Uint8Array([9, 1, 2, 3, 4, 9]);
      const data = [
        "b",
        new Float32Array([1.5]),
        new DataView(backing.buffer, 1, 4),
        backing.subarray(1, 5).buffer.slice(1, 5),
        Buffer.from([7]),
        new Uint8ClampedArray([255]),
      ];
      const frame = codec.encode({ type: 2, nsp: "/", data })[0] as Uint8Array;
      expect(toHex(frame)).toContain("c4 04 00 00 c0 3f"); // Float32Array(1.5) as its 4 bytes (little-endian host)
      expect(normalise(roundTrip(data))).toEqual(normalise(["b", new Uint8Array(new Float32Array([1.5]).buffer), new Uint8Array([1, 2, 3, 4]), new Uint8Array([1, 2, 3, 4]), new Uint8Array([7]), new Uint8Array([255])]));
    });

    it("frames stay intact while thousands of later packets are encoded", () => {
      const frames = Array.from({ length: 3000 }, (_, i) => [i, codec.encode({ type: 2, nsp: "/", data: ["n", i, "z".repeat(i % 50)] })[0]!] as const);
      for (const [i, frame] of frames) expect(decoder.add(frame)).toEqual({ type: 2, nsp: "/", data: ["n", i, "z".repeat(i % 50)] });
    });

    it("writes strings around the JS/native boundary byte-exactly, also as the slab fills up", () => {
      // Lengths straddle the JS-writer / native-writer switch (64) and the fixstr/str8 headers; each
      // piece (every UTF-8 width, a pair cut by the length, lone surrogates) sits at the start, in the
      // middle and at the end, so the ASCII run stops at every place the JS writer can go on from.
      const pieces = ["a", "é", "€", "😀", "\ud800", "\udc00", "\ud83d\ude00\u00e9"];
      const lengths = [1, 2, 15, 16, 17, 31, 32, 33, 62, 63, 64, 65, 66];
      let round = 0;
      for (const length of lengths) {
        for (const piece of pieces) {
          for (const at of [0, length >> 1, length - 1]) {
            const text = `${"x".repeat(at)}${piece}${"y".repeat(length)}`.slice(0, length);
            const [frame] = codec.encode({ type: 2, nsp: "/", data: ["s", text, round++] });
            const utf8 = new TextEncoder().encode(text);
            const header = utf8.length < 32 ? [0xa0 | utf8.length] : [0xd9, utf8.length];
            // The str header and exactly TextEncoder's bytes, right after `fixarray(3) fixstr "s"`.
            const expected = toHex(Uint8Array.from([0x93, 0xa1, 0x73, ...header, ...utf8]));
            expect(toHex(frame as Uint8Array)).toContain(expected);
          }
        }
      }
      expect(roundTrip(["s", "\ud800x😀"])).toEqual(["s", "\ufffdx😀"]);
    });

    it("encodes packets larger than the slab and keeps working after a huge one", () => {
      const huge = "h".repeat(3 << 20);
      expect(roundTrip(["e", huge])).toEqual(["e", huge]);
      expect(roundTrip(["e", "small"])).toEqual(["e", "small"]);
    });

    it.each<[string, unknown]>([
      ["a BigInt", 1n],
      ["a symbol", Symbol("s")],
    ])("throws ENCODE_UNSUPPORTED_VALUE for %s as a value", (_label, value) => {
      expect(() => codec.encode({ type: 2, nsp: "/", data: value as unknown[] })).toThrow(
        expect.objectContaining({ code: "ENCODE_UNSUPPORTED_VALUE" }),
      );
    });

    it("throws ENCODE_TOO_DEEP for a cyclic value, and the next encode works", () => {
      const cyclic: unknown[] = ["e"];
      cyclic.push(cyclic);
      expect(() => codec.encode({ type: 2, nsp: "/", data: cyclic })).toThrow(expect.objectContaining({ code: "ENCODE_TOO_DEEP" }));
      expect(roundTrip(["ok"])).toEqual(["ok"]);
    });

    it("refuses to be re-entered from toJSON", () => {
      const sneaky = { toJSON: () => codec.encode({ type: 2, nsp: "/", data: ["inner"] }) };
      expect(() => codec.encode({ type: 2, nsp: "/", data: ["e", sneaky] })).toThrow(MsgpackCodecError);
      expect(roundTrip(["ok"])).toEqual(["ok"]);
    });

    it.each<[string, Packet]>([
      ["type 5", { type: PacketType.BINARY_EVENT, nsp: "/", data: ["e"] }],
      ["type 9", { type: 9 as PacketType, nsp: "/" }],
      ["nsp not a string", { type: 0, nsp: 1 as unknown as string }],
      ["ack id 2^31", { type: 2, nsp: "/", data: ["e"], id: 2 ** 31 }],
      ["ack id -1", { type: 3, nsp: "/", data: [], id: -1 }],
      ["ACK without id", { type: 3, nsp: "/", data: [] }],
      ["mid not a string", { type: 2, nsp: "/", data: ["e"], mid: 5 as unknown as string }],
    ])("throws ENCODE_INVALID_PACKET for %s", (_label, packet) => {
      expect(() => codec.encode(packet)).toThrow(expect.objectContaining({ code: "ENCODE_INVALID_PACKET" }));
    });

    it("drops mid on packets other than EVENT", () => {
      const frame = codec.encode({ type: 3, nsp: "/", data: [], id: 1, mid: "m" })[0]!;
      expect(decoder.add(frame)).toEqual({ type: 3, nsp: "/", data: [], id: 1 });
      expect(decoder.add(codec.encode({ type: 2, nsp: "/", data: ["e"], mid: "m" })[0]!)).toEqual({ type: 2, nsp: "/", data: ["e"], mid: "m" });
    });

    it("text frames are rejected with INVALID_FRAME", () => {
      expect((decoder.add("42[\"e\"]") as ProtocolError).code).toBe("INVALID_FRAME");
    });
  });
}
