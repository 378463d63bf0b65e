import { decodeFrame, decodePayload, type EnginePacket, encodeFrame, encodePayload, ProtocolError } from "@cometa/protocol";
import { describe, expect, it } from "vitest";
import { readFrame, readPayload, writeFrame, writePayload } from "../../src/engine/frames.js";

// The client's compact Engine.IO frames must be the protocol package's wire, byte for byte, with the same verdicts.
const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7) % 256);
const packets: EnginePacket[] = [
  { type: "open", data: '{"sid":"a"}' },
  { type: "close" },
  { type: "ping" },
  { type: "ping", data: "probe" },
  { type: "pong", data: "probe" },
  { type: "message", data: "" },
  { type: "message", data: "héllo \u2028 ✓" },
  { type: "message", data: bytes(0) },
  { type: "message", data: bytes(5) },
  // Above one base64 chunk (12 KB), so the chunked conversion is exercised.
  { type: "message", data: bytes(40_000) },
  { type: "upgrade" },
  { type: "noop" },
];

describe("engine frames", () => {
  it("writes frames and payloads as the protocol package does", () => {
    for (const packet of packets) expect(writeFrame(packet)).toEqual(encodeFrame(packet));
    expect(writePayload(packets)).toBe(encodePayload(packets));
  });

  it("reads frames and payloads back", () => {
    for (const packet of packets) expect(readFrame(writeFrame(packet, true))).toEqual(decodeFrame(encodeFrame(packet)));
    expect(readPayload(writePayload(packets))).toEqual(decodePayload(encodePayload(packets)));
  });

  it("rejects what the protocol package rejects", () => {
    for (const frame of ["", "7", "x", "b!!!!", "bQQ", "bQQ=", "/0"]) {
      expect(readFrame(frame), frame).toBeUndefined();
      expect(decodeFrame(frame), frame).toBeInstanceOf(ProtocolError);
    }
    for (const body of ["", "4a\x1e9", "4a\x1ebQ", "\x1e4a", "2".concat("\x1e2".repeat(10_000))]) {
      expect(readPayload(body), JSON.stringify(body.slice(0, 9))).toMatchObject({ code: "INVALID_PAYLOAD" });
      expect(decodePayload(body)).toBeInstanceOf(ProtocolError);
    }
    // An empty base64 body is an empty binary message; exactly the packet limit is accepted.
    expect(readFrame("b")).toEqual(decodeFrame("b"));
    expect(readPayload("2".concat("\x1e2".repeat(9_999)))).toHaveLength(10_000);
  });
});
