import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBase64, encodeBase64 } from "../src/index.js";

const bytes = (...b: number[]) => new Uint8Array(b);
const ascii = (s: string) => new Uint8Array([...s].map((c) => c.charCodeAt(0)));

describe("base64", () => {
  // RFC 4648 §10 test vectors plus the Engine.IO examples (PROTOCOL.md §2.3, §3.4).
  const vectors: [Uint8Array, string][] = [
    [bytes(), ""],
    [ascii("f"), "Zg=="],
    [ascii("fo"), "Zm8="],
    [ascii("foo"), "Zm9v"],
    [ascii("foob"), "Zm9vYg=="],
    [ascii("fooba"), "Zm9vYmE="],
    [ascii("foobar"), "Zm9vYmFy"],
    [bytes(1, 2, 3, 4), "AQIDBA=="],
    [bytes(1, 2), "AQI="],
    [bytes(0xfb, 0xff, 0xbf), "+/+/"],
    [bytes(0, 0, 0), "AAAA"],
  ];

  it.each(vectors)("encodes %s as %j", (input, text) => {
    expect(encodeBase64(input)).toBe(text);
  });

  it.each(vectors)("decodes %s from %j", (output, text) => {
    expect(decodeBase64(text)).toEqual(output);
  });

  it("matches Node's Buffer for random bytes, including large inputs", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (input) => {
        const text = encodeBase64(input);
        expect(text).toBe(Buffer.from(input).toString("base64"));
        expect(decodeBase64(text)).toEqual(input);
      }),
      { numRuns: 500 },
    );
    // Large inputs cross the string-building chunk size several times.
    const large = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 7919) & 255);
    const text = encodeBase64(large);
    expect(text).toBe(Buffer.from(large).toString("base64"));
    expect(Buffer.from(decodeBase64(text)!).equals(Buffer.from(large))).toBe(true);
  });

  it("encodes a subarray view by its own bytes", () => {
    const backing = bytes(9, 1, 2, 3, 4, 9);
    expect(encodeBase64(backing.subarray(1, 5))).toBe("AQIDBA==");
  });

  it.each([
    ["wrong length", "AQI"],
    ["one char", "A"],
    ["padding only", "===="],
    ["too much padding", "A==="],
    ["padding in the middle", "AQ==AQ=="],
    ["padding before data", "AQ=D"],
    ["url-safe alphabet", "-_-_"],
    ["whitespace", "AQID BA="],
    ["newline", "AQIDBA==\n"],
    ["non-ASCII", "AQIé"],
    ["astral", "AQ🎉"],
    ["NUL", "AQI\u0000"],
  ])("rejects %s (%j)", (_label, text) => {
    expect(decodeBase64(text)).toBeUndefined();
  });

  it("never throws and agrees with Buffer on canonical input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const decoded = decodeBase64(text);
        if (decoded === undefined) return;
        // Whatever we accept, Buffer reads the same bytes.
        expect(Array.from(decoded)).toEqual(Array.from(Buffer.from(text, "base64")));
      }),
      { numRuns: 2000 },
    );
  });
});
