import { describe, expect, it } from "vitest";
import { mutateFraming } from "../src/fuzz/frame-mutations.js";
import { Prng } from "../src/fuzz/prng.js";
import { encodeClientFrames, Opcode, ServerFrameReader } from "../src/fuzz/ws-frames.js";

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe("client frames", () => {
  it("encode masked frames that read back (7-bit, 16-bit and 64-bit lengths)", () => {
    const messages = [
      { opcode: Opcode.TEXT, payload: utf8("40") },
      { opcode: Opcode.BINARY, payload: new Uint8Array(300).fill(7) },
      { opcode: Opcode.BINARY, payload: new Uint8Array(70_000).fill(9) },
    ];
    const { wire, headers } = encodeClientFrames(messages);
    expect(headers.map((h) => h.extendedLength)).toEqual([0, 2, 8]);
    expect(wire[1]! & 0x80).toBe(0x80); // masked, as RFC 6455 requires of clients
    const frames = new ServerFrameReader(1 << 20).push(wire);
    expect(frames.map((f) => [f.fin, f.opcode, f.payload.length])).toEqual([
      [true, Opcode.TEXT, 2],
      [true, Opcode.BINARY, 300],
      [true, Opcode.BINARY, 70_000],
    ]);
    expect(new TextDecoder().decode(frames[0]!.payload)).toBe("40");
    expect(frames[2]!.payload.every((b) => b === 9)).toBe(true);
  });

  it("fragment data messages into continuation frames", () => {
    const { wire } = encodeClientFrames([{ opcode: Opcode.TEXT, payload: utf8("42[\"echo\",1]") }], { fragments: 3 });
    const frames = new ServerFrameReader().push(wire);
    expect(frames.map((f) => [f.fin, f.opcode])).toEqual([
      [false, Opcode.TEXT],
      [false, Opcode.CONTINUATION],
      [true, Opcode.CONTINUATION],
    ]);
    expect(frames.map((f) => new TextDecoder().decode(f.payload)).join("")).toBe('42["echo",1]');
  });

  it("read frames split across chunks", () => {
    const { wire } = encodeClientFrames([{ opcode: Opcode.BINARY, payload: new Uint8Array(200).fill(1) }]);
    const reader = new ServerFrameReader();
    expect(reader.push(wire.subarray(0, 3))).toEqual([]);
    expect(reader.push(wire.subarray(3, 100))).toEqual([]);
    expect(reader.push(wire.subarray(100))).toHaveLength(1);
  });
});

describe("framing mutations", () => {
  it("change only header bytes, and reach every kind of lie", () => {
    const encoded = encodeClientFrames([
      { opcode: Opcode.TEXT, payload: utf8("40") },
      { opcode: Opcode.BINARY, payload: new Uint8Array(200) },
    ]);
    const second = encoded.headers[1]!.offset;
    const touched = new Set<number>();
    let lengths = 0;
    for (let i = 0; i < 500; i++) {
      const out = mutateFraming(encoded, new Prng(i));
      expect(out.length).toBe(encoded.wire.length);
      for (let at = 0; at < out.length; at++) if (out[at] !== encoded.wire[at]) touched.add(at);
      // A length lie: the 7-bit length of the first frame, or the 16-bit extended length of the second.
      if ((out[1]! & 0x7f) !== (encoded.wire[1]! & 0x7f) || out[second + 2] !== encoded.wire[second + 2] || out[second + 3] !== encoded.wire[second + 3]) {
        lengths++;
      }
    }
    const headerBytes = new Set([0, 1, second, second + 1, second + 2, second + 3]);
    for (const at of touched) expect(headerBytes.has(at), `byte ${at} changed`).toBe(true);
    expect(touched.size).toBeGreaterThanOrEqual(5);
    expect(lengths).toBeGreaterThan(20);
  });
});
