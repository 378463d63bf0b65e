import { describe, expect, it } from "vitest";
import { prepareArgs } from "../src/binary.js";

describe("prepareArgs", () => {
  it("finds Blobs and reads them into Uint8Arrays, leaving the other values as they are", async () => {
    const ab = new ArrayBuffer(1);
    const value = { file: new Blob([new Uint8Array([1, 2])]), list: [new Blob(["hi"])], n: 1, ab };
    const prepared = prepareArgs(value);
    expect(prepared).toBeInstanceOf(Promise);
    const out = (await prepared) as typeof value;
    expect(out).toEqual({ file: new Uint8Array([1, 2]), list: [new Uint8Array([104, 105])], n: 1, ab });
    expect(out.ab).toBe(ab);
  });

  it("copies only the containers on the way to a Blob, never mutating the input", async () => {
    const blob = new Blob(["x"]);
    const untouched = { keep: true };
    const value = { list: [blob], other: untouched };
    const out = (await prepareArgs(value)) as { list: unknown[]; other: unknown };
    expect(out).not.toBe(value);
    expect(out.other).toBe(untouched);
    expect(out.list[0]).toEqual(new Uint8Array([120]));
    expect(value.list[0]).toBe(blob);
  });

  it("is synchronous without Blobs and returns the value itself (the codecs take every binary type)", () => {
    const value = [{ n: 1, b: new Uint8Array(1) }, new Uint16Array([1]), new ArrayBuffer(2)];
    expect(prepareArgs(value)).toBe(value);
  });

  it("leaves Blobs inside class instances and beyond the depth limit alone", () => {
    const blob = new Blob(["x"]);
    const instance = new (class {
      blob = blob;
    })();
    let deep: unknown = blob;
    for (let i = 0; i < 40; i++) deep = [deep];
    const value = [instance, deep];
    expect(prepareArgs(value)).toBe(value);
  });
});
