import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { corruptMsgpackLength, corruptTextNumber } from "../src/fuzz/length-fields.js";
import { flipBits, mutate, splice } from "../src/fuzz/mutator.js";
import { Prng } from "../src/fuzz/prng.js";

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

describe("Prng", () => {
  it("is a pure function of its seed", () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const first = Array.from({ length: 8 }, () => a.u32());
    expect(Array.from({ length: 8 }, () => b.u32())).toEqual(first);
    expect(Array.from({ length: 8 }, () => c.u32())).not.toEqual(first);
  });

  it("derives distinct streams per (seed, phase, index)", () => {
    const starts = new Set<number>();
    for (let i = 0; i < 1000; i++) starts.add(Prng.derive(7, 1, i).u32());
    starts.add(Prng.derive(7, 2, 0).u32());
    expect(starts.size).toBe(1001);
  });

  it("keeps int() and range() within bounds", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 1000 }), fc.integer({ min: -50, max: 50 }), (seed, n, min) => {
        const prng = new Prng(seed);
        for (let i = 0; i < 20; i++) {
          const x = prng.int(n);
          const y = prng.range(min, min + n);
          expect(x >= 0 && x < n && Number.isInteger(x)).toBe(true);
          expect(y >= min && y <= min + n).toBe(true);
        }
      }),
    );
  });
});

describe("mutate", () => {
  it("is deterministic and never modifies its input", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer(), fc.constantFrom("msgpack", "text", "http" as const), (input, seed, flavour) => {
        const before = input.slice();
        const a = mutate(input, new Prng(seed), flavour);
        const b = mutate(input, new Prng(seed), flavour);
        expect(input).toEqual(before);
        expect(a).toEqual(b);
        expect(a).not.toBe(input);
      }),
    );
  });

  it("changes the input most of the time, and stays small", () => {
    const seed = utf8('2["echo",1,"a",{"k":[1,2]}]');
    let changed = 0;
    let longest = 0;
    for (let i = 0; i < 2000; i++) {
      const out = mutate(seed, new Prng(i), "text");
      if (text(out) !== text(seed)) changed++;
      longest = Math.max(longest, out.length);
    }
    expect(changed).toBeGreaterThan(1800);
    expect(longest).toBeLessThan(seed.length + 4 * 64 * 32 + 4 * 256); // bounded by the largest insertions
  });

  it("uses the format's dictionary", () => {
    const outputs = Array.from({ length: 3000 }, (_, i) => text(mutate(utf8('42["a"]'), new Prng(i), "text")));
    expect(outputs.some((o) => o.includes('"_placeholder":true'))).toBe(true);
    expect(outputs.some((o) => o.includes("__proto__"))).toBe(true);
    const binary = Array.from({ length: 3000 }, (_, i) => mutate(Uint8Array.of(0x82, 0xa1, 0x61, 0x01), new Prng(i), "msgpack"));
    expect(binary.some((b) => b.includes(0xc1))).toBe(true); // the never-used MessagePack byte
  });
});

describe("flipBits (zzuf's -r)", () => {
  it("flips nothing at ratio 0 and everything at ratio 1", () => {
    const input = Uint8Array.of(0x00, 0xff, 0x5a);
    expect(flipBits(input, 0, new Prng(1))).toEqual(input);
    expect(flipBits(input, 1, new Prng(1))).toEqual(Uint8Array.of(0xff, 0x00, 0xa5));
  });

  it("flips about ratio × bits", () => {
    const input = new Uint8Array(1000);
    const out = flipBits(input, 0.04, new Prng(3));
    let bits = 0;
    for (const byte of out) for (let b = 0; b < 8; b++) bits += (byte >> b) & 1;
    expect(bits).toBeGreaterThan(240);
    expect(bits).toBeLessThan(400);
  });
});

describe("splice", () => {
  it("joins a prefix of the first to a suffix of the second", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 20 }), fc.uint8Array({ maxLength: 20 }), fc.integer(), (a, b, seed) => {
        const out = Array.from(splice(a, b, new Prng(seed)));
        const cut = [...Array(a.length + 1).keys()].some(
          (i) => out.length - i <= b.length && out.length >= i && String(out.slice(0, i)) === String(Array.from(a.subarray(0, i))) && String(out.slice(i)) === String(Array.from(b.subarray(b.length - (out.length - i)))),
        );
        expect(cut).toBe(true);
      }),
    );
  });
});

describe("length-field corruption", () => {
  it("rewrites a MessagePack length field and keeps the rest", () => {
    // str 8 of length 3, then a fixint.
    const input = Uint8Array.of(0xd9, 0x03, 0x61, 0x62, 0x63, 0x07);
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const out = corruptMsgpackLength(input, new Prng(i));
      expect(out.length).toBe(input.length);
      expect(Array.from(out.subarray(2))).toEqual([0x61, 0x62, 0x63, 0x07]);
      seen.add(out[1]!);
    }
    expect(seen.has(0)).toBe(true);
    expect(seen.has(0xff)).toBe(true);
  });

  it("changes only the low bits of a fixarray", () => {
    for (let i = 0; i < 100; i++) {
      const out = corruptMsgpackLength(Uint8Array.of(0x92, 0x01, 0x02), new Prng(i));
      expect(out[0]! & 0xf0).toBe(0x90);
    }
  });

  it("replaces a digit run in text with a hostile number", () => {
    const outputs = new Set(Array.from({ length: 300 }, (_, i) => text(corruptTextNumber(utf8("451-7[]"), new Prng(i)))));
    expect([...outputs].some((o) => o.includes("99999999999999999999999"))).toBe(true);
    expect([...outputs].some((o) => o.includes("-1"))).toBe(true);
    for (const o of outputs) expect(o.endsWith("[]")).toBe(true);
  });
});
