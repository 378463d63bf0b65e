/**
 * Interop with the official socket.io-parser 4.2.7, both directions, over
 * generated packets: what theirs encodes ours decodes to the same packet, and
 * what ours encodes theirs decodes to the same packet. Their decoder keeps
 * BINARY_* normalised to EVENT/ACK and binary values as given, so packets are
 * compared by content with binary values as byte lists.
 */
import fc from "fast-check";
import { Decoder, Encoder } from "socket.io-parser";
import { describe, expect, it } from "vitest";
import { type Frame, type Packet, ProtocolError, textCodec } from "../src/index.js";
import { packetArb } from "./codec-suite.js";

/** Binary values as `{ $bytes }`, so Buffer and Uint8Array compare by content. */
function comparable(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) return { $bytes: Array.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) };
  if (Array.isArray(value)) return value.map(comparable);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, comparable(v)]));
  }
  return value;
}

/** The packet as the reference would send it: Buffers for binary, no mid. */
function withBuffers(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value);
  if (Array.isArray(value)) return value.map(withBuffers);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withBuffers(v)]));
  }
  return value;
}

function expected(packet: Packet): unknown {
  const { mid: _mid, ...rest } = packet;
  return comparable(rest);
}

function decodeWithTheirs(frames: readonly Frame[]): unknown {
  const decoder = new Decoder();
  let decoded: unknown;
  decoder.on("decoded", (p: unknown) => {
    decoded = p;
  });
  for (const frame of frames) decoder.add(frame as string);
  return decoded;
}

function decodeWithOurs(frames: readonly unknown[]): unknown {
  const decoder = textCodec.createDecoder();
  let result: unknown;
  for (const frame of frames) result = decoder.add(frame as Frame);
  if (result instanceof ProtocolError) throw result;
  return result;
}

describe("text codec interop with socket.io-parser 4.2.7", () => {
  it("theirs → ours: generated packets (binary as Buffer, unicode, nested, large ack ids, every namespace form)", () => {
    const encoder = new Encoder();
    fc.assert(
      fc.property(packetArb, (packet) => {
        const { mid: _mid, ...plain } = packet;
        const frames = encoder.encode(withBuffers(plain) as Parameters<Encoder["encode"]>[0]);
        expect(comparable(decodeWithOurs(frames))).toEqual(expected(packet));
      }),
      { numRuns: 500 },
    );
  });

  it("ours → theirs: generated packets", () => {
    fc.assert(
      fc.property(packetArb, (packet) => {
        expect(comparable(decodeWithTheirs(textCodec.encode(packet)))).toEqual(expected(packet));
      }),
      { numRuns: 500 },
    );
  });

  it("ours encodes byte-for-byte like theirs", () => {
    const encoder = new Encoder();
    fc.assert(
      fc.property(packetArb, (packet) => {
        const { mid: _mid, ...plain } = packet;
        const theirs = encoder.encode(withBuffers(plain) as Parameters<Encoder["encode"]>[0]);
        const ours = textCodec.encode(packet);
        expect(ours.map(comparable)).toEqual(theirs.map(comparable));
      }),
      { numRuns: 500 },
    );
  });

  it("ours → theirs with ArrayBuffer, typed arrays and toJSON objects", () => {
    const backing = new Uint8Array([9, 1, 2, 3, 4, 9]);
    const packet = {
      type: 2,
      nsp: "/x",
      data: ["e", backing.subarray(1, 5), new Uint8Array([5]).buffer, { when: new Date(0), custom: { toJSON: () => "j" } }],
      id: 3,
    } as Packet;
    expect(comparable(decodeWithTheirs(textCodec.encode(packet)))).toEqual({
      type: 2,
      nsp: "/x",
      data: ["e", { $bytes: [1, 2, 3, 4] }, { $bytes: [5] }, { when: "1970-01-01T00:00:00.000Z", custom: "j" }],
      id: 3,
    });
  });
});
