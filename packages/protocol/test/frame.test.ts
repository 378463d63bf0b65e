import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeFrame, ENGINE_PACKET_TYPES, type EnginePacket, encodeFrame, ProtocolError } from "../src/index.js";

describe("WebSocket frames (PROTOCOL.md §2.3)", () => {
  const golden: [EnginePacket, string][] = [
    [{ type: "open", data: '{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}' }, '0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}'],
    [{ type: "close" }, "1"],
    [{ type: "ping" }, "2"],
    [{ type: "ping", data: "probe" }, "2probe"],
    [{ type: "pong" }, "3"],
    [{ type: "pong", data: "probe" }, "3probe"],
    [{ type: "message", data: "hello" }, "4hello"],
    [{ type: "message", data: '21["hello","c"]' }, '421["hello","c"]'],
    [{ type: "upgrade" }, "5"],
    [{ type: "noop" }, "6"],
  ];

  it.each(golden)("encodes %j as %j", (packet, frame) => {
    expect(encodeFrame(packet)).toBe(frame);
  });

  it.each(golden)("decodes %j from %j", (packet, frame) => {
    expect(decodeFrame(frame)).toEqual(packet);
  });

  it("a binary message is its raw bytes, with no type byte", () => {
    const data = new Uint8Array([1, 2]);
    expect(encodeFrame({ type: "message", data })).toBe(data);
    expect(decodeFrame(data)).toEqual({ type: "message", data });
  });

  it("a binary frame is always a message, even if its first byte looks like a type", () => {
    const data = new Uint8Array([0x32, 0x33]); // "23"
    expect(decodeFrame(data)).toEqual({ type: "message", data });
  });

  it("decodes b + base64 text as a binary message (peers without binary support)", () => {
    expect(decodeFrame("bAQI=")).toEqual({ type: "message", data: new Uint8Array([1, 2]) });
    expect(decodeFrame("b")).toEqual({ type: "message", data: new Uint8Array(0) });
  });

  it.each([
    ["empty", ""],
    ["type 7", "7"],
    ["type 9", "9xyz"],
    ["letters", "abc"],
    ["space", " 4hello"],
    ["bad base64", "b!!!!"],
    ["unpadded base64", "bAQI"],
  ])("rejects %s with INVALID_FRAME", (_label, frame) => {
    const result = decodeFrame(frame);
    expect(result).toBeInstanceOf(ProtocolError);
    expect((result as ProtocolError).code).toBe("INVALID_FRAME");
  });

  it("refuses binary data on a packet other than message (programmer error)", () => {
    expect(() => encodeFrame({ type: "ping", data: new Uint8Array([1]) })).toThrow(ProtocolError);
  });

  it("decode(encode(p)) equals p for any packet", () => {
    const packetArb = fc.oneof(
      fc.record({ type: fc.constantFrom(...ENGINE_PACKET_TYPES), data: fc.string({ minLength: 1 }) }),
      fc.record({ type: fc.constantFrom(...ENGINE_PACKET_TYPES) }),
      fc.record({ type: fc.constant("message" as const), data: fc.uint8Array() }),
    );
    fc.assert(
      fc.property(packetArb, (packet) => {
        expect(decodeFrame(encodeFrame(packet))).toEqual(packet);
      }),
    );
  });

  it("any string decodes to a packet or INVALID_FRAME, never throws", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        const result = decodeFrame(text);
        if (result instanceof ProtocolError) expect(result.code).toBe("INVALID_FRAME");
        else expect(ENGINE_PACKET_TYPES).toContain(result.type);
      }),
      { numRuns: 1000 },
    );
  });
});
