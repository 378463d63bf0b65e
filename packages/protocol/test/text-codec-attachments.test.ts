import { describe, expect, it } from "vitest";
import { textCodec } from "../src/index.js";

/** A BINARY_EVENT whose one attachment arrives as `frame`; returns the decoded bytes. */
function decodeAttachment(frame: Uint8Array): Uint8Array {
  const decoder = textCodec.createDecoder();
  expect(decoder.add('51-["file",{"_placeholder":true,"num":0}]')).toBeUndefined();
  const packet = decoder.add(frame);
  if (packet === undefined || packet instanceof Error) throw new Error(`not decoded: ${String(packet)}`);
  return (packet.data as unknown[])[1] as Uint8Array;
}

describe("text codec attachments", () => {
  it("copies an attachment that is a window on a larger buffer (a slab), so keeping it keeps only its bytes", () => {
    const slab = new ArrayBuffer(64 * 1024);
    const frame = new Uint8Array(slab, 4096, 3);
    frame.set([1, 2, 3]);
    const bytes = decodeAttachment(frame);
    expect([...bytes]).toEqual([1, 2, 3]);
    expect(bytes.buffer).not.toBe(slab);
    expect(bytes.buffer.byteLength).toBe(3);
    // A copy: the slab being reused later does not change what the application kept.
    frame.fill(9);
    expect([...bytes]).toEqual([1, 2, 3]);
  });

  it("hands over a frame that owns its whole buffer without copying", () => {
    const frame = new Uint8Array([4, 5, 6]);
    expect(decodeAttachment(frame)).toBe(frame);
  });
});
