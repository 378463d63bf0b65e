import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ProtocolError } from "@cometa/protocol";
import { decodePollingPayload, decodeTextPacket, PacketKind, pollingMessage, wsMessage } from "../../src/engine/wire.js";

describe("wire", () => {
  it("encodes frames for WebSocket and polling", () => {
    expect(wsMessage("hi")).toBe("4hi");
    const bytes = new Uint8Array([1, 2, 3, 4]);
    expect(wsMessage(bytes)).toBe(bytes);
    expect(pollingMessage("hello")).toBe("4hello");
    expect(pollingMessage(bytes)).toBe("bAQIDBA==");
    // A view into a larger buffer encodes only its own bytes.
    expect(pollingMessage(new Uint8Array([9, 1, 2, 9]).subarray(1, 3))).toBe("bAQI=");
  });

  it("decodes text packets", () => {
    expect(decodeTextPacket("4hello")).toEqual({ kind: PacketKind.MESSAGE, data: "hello" });
    expect(decodeTextPacket("2probe")).toEqual({ kind: PacketKind.PING, data: "probe" });
    expect(decodeTextPacket("3")).toEqual({ kind: PacketKind.PONG, data: "" });
    expect(decodeTextPacket("")).toBeUndefined();
    expect(decodeTextPacket("7")).toBeUndefined();
    expect(decodeTextPacket("abc")).toBeUndefined();
  });

  it("decodes the PROTOCOL.md §2.3 payload example", () => {
    expect(decodePollingPayload("4hello\x1ebAQIDBA==", 10)).toEqual([
      { kind: PacketKind.MESSAGE, data: "hello" },
      { kind: PacketKind.MESSAGE, data: new Uint8Array([1, 2, 3, 4]) },
    ]);
  });

  it.each([
    ["empty body", ""],
    ["empty packet", "4a\x1e"],
    ["unknown type", "9"],
    ["invalid base64", "b!!!!"],
    ["unpadded base64", "bAQI"],
    ["base64 with whitespace", "bAQ ID"],
  ])("rejects %s with INVALID_PAYLOAD", (_name, body) => {
    const result = decodePollingPayload(body, 10);
    expect(result).toBeInstanceOf(ProtocolError);
    expect((result as ProtocolError).code).toBe("INVALID_PAYLOAD");
  });

  it("caps the packet count and parses big payloads in linear time (P5)", () => {
    const body = Array(100_000).fill("4").join("\x1e");
    expect(decodePollingPayload(body, 1000)).toBeInstanceOf(ProtocolError);
    const all = decodePollingPayload(body, 100_000);
    expect(Array.isArray(all) && all.length).toBe(100_000);
  });

  it("round-trips any frames, and never throws on any body", () => {
    const frame = fc.oneof(
      fc.string().filter((s) => !s.includes("\x1e")),
      fc.uint8Array({ maxLength: 64 }),
    );
    fc.assert(
      fc.property(fc.array(frame, { minLength: 1, maxLength: 20 }), (frames) => {
        const decoded = decodePollingPayload(frames.map(pollingMessage).join("\x1e"), 100);
        expect(decoded).toEqual(frames.map((f) => ({ kind: PacketKind.MESSAGE, data: f })));
      }),
    );
    fc.assert(
      fc.property(fc.string(), (body) => {
        const result = decodePollingPayload(body, 1000);
        expect(Array.isArray(result) || result instanceof ProtocolError).toBe(true);
      }),
    );
  });
});
