import { describe, expect, it } from "vitest";
import { normalizeBinary, prepareArgs } from "../src/binary.js";

describe("normalizeBinary", () => {
  it("returns the same value when there is nothing to convert", () => {
    const value = { a: [1, "x", { b: new Uint8Array([1]) }], c: null };
    expect(normalizeBinary(value)).toBe(value);
  });

  it("copies only the containers on the way to a converted value, never mutating the input", () => {
    const buffer = new ArrayBuffer(2);
    const untouched = { keep: true };
    const value = { list: [buffer], other: untouched };
    const out = normalizeBinary(value) as { list: unknown[]; other: unknown };
    expect(out).not.toBe(value);
    expect(out.other).toBe(untouched);
    expect(out.list[0]).toEqual(new Uint8Array(2));
    expect(value.list[0]).toBe(buffer);
  });

  it("views typed arrays over the same bytes", () => {
    const source = new Uint32Array([0x01020304]);
    const view = normalizeBinary(source) as Uint8Array;
    expect(view).toBeInstanceOf(Uint8Array);
    expect(view.buffer).toBe(source.buffer);
    expect(view.byteLength).toBe(4);
  });

  it("leaves class instances and over-deep values alone", () => {
    const date = new Date(0);
    expect(normalizeBinary(date)).toBe(date);
    let deep: unknown = new ArrayBuffer(1);
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(normalizeBinary(deep)).toBe(deep);
  });
});

describe("prepareArgs", () => {
  it("finds Blobs and reads them into Uint8Arrays, normalising the other binary values", async () => {
    const value = { file: new Blob([new Uint8Array([1, 2])]), list: [new Blob(["hi"])], n: 1, ab: new ArrayBuffer(1) };
    const prepared = prepareArgs(value);
    expect(prepared).toBeInstanceOf(Promise);
    expect(await prepared).toEqual({
      file: new Uint8Array([1, 2]),
      list: [new Uint8Array([104, 105])],
      n: 1,
      ab: new Uint8Array(1),
    });
  });

  it("is synchronous without Blobs", () => {
    const value = [{ n: 1, b: new Uint8Array(1) }, new Uint16Array([1])];
    expect(prepareArgs(value)).toEqual([{ n: 1, b: new Uint8Array(1) }, new Uint8Array([1, 0])]);
  });
});
