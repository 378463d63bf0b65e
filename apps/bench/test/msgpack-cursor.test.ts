import fc from "fast-check";
import { pack } from "msgpackr";
import { describe, expect, it } from "vitest";
import { MsgpackCursor } from "../src/servers/msgpack-cursor.js";

describe("MsgpackCursor.skip", () => {
  it("skips exactly one value of any shape msgpackr writes", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.uint8Array({ maxLength: 4 }), (value, trailer) => {
        const encoded = pack(value);
        const bytes = Buffer.concat([encoded, trailer]);
        const cursor = new MsgpackCursor(bytes);
        cursor.skip();
        expect(cursor.pos).toBe(encoded.length);
      }),
    );
  });

  it("skips binary, ext and wide integers", () => {
    for (const value of [Buffer.alloc(300), new Date(0), 2 ** 40, -(2 ** 40), -3, 1.5, null, true, "é".repeat(40)]) {
      const encoded = pack(value);
      const cursor = new MsgpackCursor(encoded);
      cursor.skip();
      expect(cursor.pos).toBe(encoded.length);
    }
  });

  it("throws RangeError instead of reading past the end, even for deeply nested input", () => {
    const encoded = pack({ a: [1, "two", { three: 3.5 }] });
    for (let cut = 0; cut < encoded.length; cut++) expect(() => new MsgpackCursor(encoded.subarray(0, cut)).skip()).toThrow(RangeError);
    const deep = new Uint8Array(200_000).fill(0x91); // [[[[…]]]] with no end
    expect(() => new MsgpackCursor(deep).skip()).toThrow(RangeError);
    expect(() => new MsgpackCursor(Uint8Array.of(0xc1)).skip()).toThrow(RangeError);
  });
});
