import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_MAX_PAYLOAD_PACKETS,
  decodePayload,
  ENGINE_PACKET_TYPES,
  type EnginePacket,
  encodePayload,
  encodePayloadFrames,
  ProtocolError,
} from "../src/index.js";

const RS = "\x1e";
const bytes = (...b: number[]) => new Uint8Array(b);

function expectError(result: unknown, code = "INVALID_PAYLOAD"): void {
  expect(result).toBeInstanceOf(ProtocolError);
  expect((result as ProtocolError).code).toBe(code);
}

describe("long-polling payloads (PROTOCOL.md §2.3)", () => {
  // Bodies verified against the reference server (PROTOCOL.md §2.3, §4.1, §4.8).
  const golden: [string, EnginePacket[]][] = [
    [`4hello${RS}bAQIDBA==`, [{ type: "message", data: "hello" }, { type: "message", data: bytes(1, 2, 3, 4) }]],
    ["40", [{ type: "message", data: "0" }]],
    [
      `40{"sid":"S","pid":"P"}${RS}42["hey","Jude","Q7yZf0a"]`,
      [
        { type: "message", data: '0{"sid":"S","pid":"P"}' },
        { type: "message", data: '2["hey","Jude","Q7yZf0a"]' },
      ],
    ],
    [
      `42["hello","a"]${RS}420["hello","b"]`,
      [
        { type: "message", data: '2["hello","a"]' },
        { type: "message", data: '20["hello","b"]' },
      ],
    ],
    [
      `461-0["ok",{"_placeholder":true,"num":0}]${RS}bAQI=`,
      [
        { type: "message", data: '61-0["ok",{"_placeholder":true,"num":0}]' },
        { type: "message", data: bytes(1, 2) },
      ],
    ],
    [`2${RS}3${RS}6${RS}1`, [{ type: "ping" }, { type: "pong" }, { type: "noop" }, { type: "close" }]],
    // A msgpack CONNECT with no auth, as the official client POSTs it (PROTOCOL.md §4.1).
    [
      "bgqR0eXBlAKNuc3ChLw==",
      [{ type: "message", data: bytes(0x82, 0xa4, 0x74, 0x79, 0x70, 0x65, 0x00, 0xa3, 0x6e, 0x73, 0x70, 0xa1, 0x2f) }],
    ],
  ];

  it.each(golden)("encodes %j", (body, packets) => {
    expect(encodePayload(packets)).toBe(body);
  });

  it.each(golden)("decodes %j", (body, packets) => {
    expect(decodePayload(body)).toEqual(packets);
  });

  it("decodes the msgpack polling body of PROTOCOL.md §4.1 into two binary messages", () => {
    const body =
      "bg6R0eXBlAKRkYXRhgqNzaWS0aTFlelc3dlhBdlVSVVpzZEFBQUWjcGlk1AAAo25zcKEv" + RS + "bg6R0eXBlAqRkYXRhkqNiaW7EAwECA6Nuc3ChLw==";
    const packets = decodePayload(body) as EnginePacket[];
    expect(packets).toHaveLength(2);
    expect(packets[1]!.data).toEqual(Uint8Array.from(Buffer.from("g6R0eXBlAqRkYXRhkqNiaW7EAwECA6Nuc3ChLw==", "base64")));
    expect(encodePayload(packets)).toBe(body);
  });

  it("encodePayloadFrames writes codec frames as message packets", () => {
    expect(encodePayloadFrames(['61-0["ok",{"_placeholder":true,"num":0}]', bytes(1, 2)])).toBe(
      `461-0["ok",{"_placeholder":true,"num":0}]${RS}bAQI=`,
    );
    expect(encodePayloadFrames([])).toBe("");
  });

  it.each([
    ["empty body", ""],
    ["empty packet between others", `4a${RS}${RS}4b`],
    ["trailing separator", `4a${RS}`],
    ["unknown type", "9xyz"],
    ["letters", "abc"],
    ["bad base64", `4a${RS}b!!!!`],
    ["unpadded base64", "bAQI"],
  ])("rejects %s (RELIABILITY P2, P6)", (_label, body) => {
    expectError(decodePayload(body));
  });

  it(`caps packets per payload at ${DEFAULT_MAX_PAYLOAD_PACKETS} by default, and maxPackets overrides it`, () => {
    const many = (n: number) => Array.from({ length: n }, () => "3").join(RS);
    expect(decodePayload(many(DEFAULT_MAX_PAYLOAD_PACKETS))).toHaveLength(DEFAULT_MAX_PAYLOAD_PACKETS);
    expectError(decodePayload(many(DEFAULT_MAX_PAYLOAD_PACKETS + 1)));
    expectError(decodePayload(many(3), { maxPackets: 2 }));
    expect(decodePayload(many(2), { maxPackets: 2 })).toHaveLength(2);
  });

  it("P5: 100 000 empty packets are rejected, also without a packet cap; 100 000 tiny packets parse", () => {
    const empties = RS.repeat(99_999);
    expectError(decodePayload(empties));
    expectError(decodePayload(empties, { maxPackets: Number.POSITIVE_INFINITY }));
    const tiny = `4${RS}`.repeat(100_000) + "4";
    expectError(decodePayload(tiny));
    expect(decodePayload(tiny, { maxPackets: Number.POSITIVE_INFINITY })).toHaveLength(100_001);
  });

  const packetArb: fc.Arbitrary<EnginePacket> = fc.oneof(
    fc.record({
      type: fc.constantFrom(...ENGINE_PACKET_TYPES),
      data: fc.string({ minLength: 1, unit: "binary" }).filter((s) => !s.includes(RS)),
    }),
    fc.record({ type: fc.constantFrom(...ENGINE_PACKET_TYPES) }),
    fc.record({ type: fc.constant("message" as const), data: fc.uint8Array({ maxLength: 100 }) }),
  );

  it("decode(encode(packets)) equals packets", () => {
    fc.assert(
      fc.property(fc.array(packetArb, { minLength: 1, maxLength: 20 }), (packets) => {
        expect(decodePayload(encodePayload(packets))).toEqual(packets);
      }),
      { numRuns: 300 },
    );
  });

  it("any string gives packets or INVALID_PAYLOAD, never throws", () => {
    const bodyArb = fc.oneof(
      fc.string({ unit: "binary" }),
      fc.array(fc.oneof(fc.string(), fc.constantFrom("4", "b", "bAQI=", "2probe", "")), { maxLength: 8 }).map((p) => p.join(RS)),
    );
    fc.assert(
      fc.property(bodyArb, (body) => {
        const result = decodePayload(body);
        if (result instanceof ProtocolError) expect(result.code).toBe("INVALID_PAYLOAD");
        else for (const packet of result) expect(ENGINE_PACKET_TYPES).toContain(packet.type);
      }),
      { numRuns: 1000 },
    );
  });
});
