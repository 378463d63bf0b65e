/**
 * The lite codec as the client uses it (`liteMsgpackClientCodec`): the
 * conformance suite for round trips and value hardening (packet shapes are
 * `trustedPacket`'s, tested in @cometa/protocol), the same bytes as the
 * validating lite codec, and the same verdict on every frame wherever the
 * value reader decides.
 */
import { type Frame, ProtocolError } from "@cometa/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { packetArb, runCodecSuite } from "../../protocol/test/codec-suite.js";
import { liteMsgpackClientCodec, liteMsgpackCodec } from "../src/lite/index.js";
import { beginEncode, endEncode, takeEncoded, writeValue } from "../src/value-writer.js";

/** Encode any map as is: no type/nsp/id checks, undefined written as notepack's ext 0. */
function forge(raw: Record<string, unknown>): Frame[] {
  beginEncode();
  try {
    writeValue(raw);
    return [takeEncoded()];
  } finally {
    endEncode();
  }
}

// The client never receives `mid` (only servers read it), so it decodes without it.
runCodecSuite("msgpack (lite client)", () => liteMsgpackClientCodec, { binaryInData: true, carriesMid: false, forge, trustsShape: true });

/** Mutate bytes at (index, value) pairs. */
const mutate = (frame: Uint8Array, edits: readonly (readonly [number, number])[]) => {
  const out = frame.slice();
  for (const [at, value] of edits) if (out.length > 0) out[at % out.length] = value;
  return out;
};

describe("lite client codec", () => {
  it("writes the same bytes as liteMsgpackCodec, mid included", () => {
    fc.assert(
      fc.property(packetArb, (packet) => {
        expect(liteMsgpackClientCodec.encode(packet)).toEqual(liteMsgpackCodec.encode(packet));
      }),
      { numRuns: 300 },
    );
  });

  it("decodes what liteMsgpackCodec accepts to the same packet, and fails like it wherever the value reader fails", () => {
    const strict = liteMsgpackCodec.createDecoder();
    const client = liteMsgpackClientCodec.createDecoder();
    const frameArb = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc
        .tuple(packetArb, fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 3 }))
        .map(([packet, edits]) => mutate(liteMsgpackCodec.encode(packet)[0] as Uint8Array, edits)),
    );
    fc.assert(
      fc.property(frameArb, (frame) => {
        const expected = strict.add(frame);
        const got = client.add(frame);
        if (expected instanceof ProtocolError) {
          if (!expected.code.startsWith("INVALID_")) expect((got as ProtocolError).code).toBe(expected.code);
          return;
        }
        const { mid: _mid, ...withoutMid } = expected!;
        expect(got).toEqual(withoutMid);
      }),
      { numRuns: 2000 },
    );
  });

  it("rejects text frames and what a client cannot dispatch", () => {
    const decoder = liteMsgpackClientCodec.createDecoder();
    expect(decoder.add('2["e"]')).toBeInstanceOf(ProtocolError);
    expect(decoder.add(forge({ type: 3, nsp: "/", data: [] })[0]!)).toBeInstanceOf(ProtocolError);
    expect(decoder.add(forge({ type: 2, nsp: "/", data: "e" })[0]!)).toBeInstanceOf(ProtocolError);
    expect(decoder.add(forge({ type: 9, nsp: "/" })[0]!)).toBeInstanceOf(ProtocolError);
  });
});
