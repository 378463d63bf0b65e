import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ProtocolError, trustedPacket, validatePacket } from "../src/index.js";

/** Raw packet fields, valid or not: every field absent or drawn from a mix of good and bad values. */
const rawArb = fc.record(
  {
    type: fc.oneof(fc.integer({ min: -1, max: 8 }), fc.constantFrom(2.5, "2", null, Number.NaN)),
    nsp: fc.oneof(fc.constantFrom("/", "/chat", "chat", "", "/a\u0001"), fc.integer()),
    data: fc.oneof(
      fc.constantFrom(undefined, null, "x", 1, {}, [], ["e"], [1], [null], [true], [["e"]], ["connect"], { message: "m" }),
      fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 3 }),
    ),
    id: fc.oneof(fc.constantFrom(0, 7, 2 ** 31 - 1, 2 ** 31, -1, 1.5, "1", null)),
    mid: fc.constantFrom("m", "", 7),
  },
  { requiredKeys: [] },
);

describe("trustedPacket", () => {
  it("returns the packet validatePacket returns, whenever validatePacket accepts (minus mid)", () => {
    fc.assert(
      fc.property(rawArb, fc.boolean(), (raw, binaryTypes) => {
        const strict = validatePacket(raw, { binaryTypes });
        if (strict instanceof ProtocolError) return;
        const { mid: _mid, ...expected } = strict;
        expect(trustedPacket(raw, binaryTypes)).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it("rejects, whatever else it passes on, what a client cannot dispatch safely", () => {
    fc.assert(
      fc.property(rawArb, fc.boolean(), (raw, binaryTypes) => {
        const packet = trustedPacket(raw, binaryTypes);
        if (packet instanceof ProtocolError) {
          expect(packet.code).toBe("INVALID_PACKET");
          return;
        }
        expect([0, 1, 2, 3, 4]).toContain(packet.type);
        expect(packet.nsp.startsWith("/")).toBe(true);
        if (packet.id !== undefined || packet.type === 3) expect(Number.isInteger(packet.id) && packet.id! >= 0 && packet.id! < 2 ** 31).toBe(true);
        if (packet.type === 2 || packet.type === 3) expect(Array.isArray(packet.data)).toBe(true);
        if (packet.type === 2) expect(["string", "number"]).toContain(typeof (packet.data as unknown[])[0]);
        expect("mid" in packet).toBe(false);
        for (const key of Object.keys(packet)) expect(packet[key as keyof typeof packet]).not.toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ["not an object", 2],
    ["null", null],
    ["an array", [2, "/", ["e"]]],
    ["type 5 without binaryTypes", { type: 5, nsp: "/", data: ["e"] }],
    ["type 7", { type: 7, nsp: "/" }],
    ['type "2"', { type: "2", nsp: "/", data: ["e"] }],
    ["no namespace", { type: 2, data: ["e"] }],
    ["a namespace without /", { type: 2, nsp: "chat", data: ["e"] }],
    ["EVENT without data", { type: 2, nsp: "/" }],
    ["EVENT with an empty array", { type: 2, nsp: "/", data: [] }],
    ["EVENT named by an object", { type: 2, nsp: "/", data: [{}] }],
    ["EVENT with a bad ack id", { type: 2, nsp: "/", data: ["e"], id: 2 ** 31 }],
    ["ACK without an id", { type: 3, nsp: "/", data: [] }],
    ["ACK with string data", { type: 3, nsp: "/", data: "ok", id: 1 }],
    ["CONNECT with a bad id", { type: 0, nsp: "/", id: -1 }],
  ])("rejects %s", (_label, raw) => {
    expect(trustedPacket(raw)).toBeInstanceOf(ProtocolError);
  });

  it("reads own properties only", () => {
    expect(trustedPacket(Object.create({ type: 2, nsp: "/", data: ["e"] }))).toBeInstanceOf(ProtocolError);
  });

  it("turns BINARY_EVENT/BINARY_ACK into EVENT/ACK with binaryTypes", () => {
    expect(trustedPacket({ type: 5, nsp: "/", data: ["e"], attachments: 1 }, true)).toEqual({ type: 2, nsp: "/", data: ["e"] });
    expect(trustedPacket({ type: 6, nsp: "/", data: [], id: 3 }, true)).toEqual({ type: 3, nsp: "/", data: [], id: 3 });
  });
});
