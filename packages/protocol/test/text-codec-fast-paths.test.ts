/**
 * The text codec's fast paths against the general checks they stand in for
 * (they exist for speed only, see docs/benchmarks/codecs.md): over generated
 * input, each must give exactly what the general path gives, errors (class,
 * code and message) included.
 * - `validateTextPacket` against `validatePacket(raw, { binaryTypes: true })`;
 * - `guardJsonValue` against `guardValue`, on JSON.parse output, with limits
 *   small enough that depth, budget and `__proto__` faults, alone and together,
 *   are common;
 * - `encodeTextPacket`'s EVENT/ACK shortcut against `validatePacket` followed
 *   by `writeTextPacket`, also with a polluted `Object.prototype`.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Packet, ProtocolError, validatePacket } from "../src/index.js";
import { guardValue, type ValueLimits } from "../src/socketio/value-guard.js";
import { guardJsonValue } from "../src/text-codec/json-guard.js";
import { parseTextPacket, type RawTextPacket } from "../src/text-codec/parse-text-packet.js";
import { encodeTextPacket, writeTextPacket } from "../src/text-codec/text-encoder.js";
import { validateTextPacket } from "../src/text-codec/validate-text-packet.js";

/** A result in a form `toEqual` compares fully: errors by class, code and message. */
function outcome(run: () => unknown): unknown {
  try {
    const result = run();
    if (result instanceof ProtocolError) return { error: result.constructor.name, code: result.code, message: result.message };
    return { result };
  } catch (err) {
    const e = err as ProtocolError;
    return { thrown: e.constructor.name, code: e.code, message: e.message };
  }
}

const nspArb = fc.oneof(
  fc.constant("/"),
  fc.constantFrom("/chat", "/a/b", "", "chat", "/\u0001", "/\u007f", `/${"n".repeat(300)}`, "/ü"),
  fc.string({ maxLength: 6 }).map((s) => `/${s}`),
);
const nameArb = fc.oneof(
  fc.constantFrom("connect", "disconnect", "newListener", "removeListener", "connect_error", "disconnecting", "chat", ""),
  fc.string({ maxLength: 4 }),
  fc.constantFrom(0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, null, true, [], {}),
);
const dataArb = fc.oneof(
  fc.constant(undefined),
  fc.tuple(nameArb, fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 })).map(([name, rest]) => [name, ...rest]),
  fc.constant([]),
  fc.jsonValue({ maxDepth: 2 }),
);
const rawArb: fc.Arbitrary<RawTextPacket> = fc.record({
  type: fc.integer({ min: 0, max: 6 }),
  attachments: fc.constantFrom(0, 1, 2),
  nsp: nspArb,
  id: fc.oneof(fc.constant(undefined), fc.nat(), fc.constantFrom(0x7fffffff, 0x80000000, 9_999_999_999)),
  data: dataArb,
});

describe("validateTextPacket = validatePacket(raw, { binaryTypes: true })", () => {
  it("agrees on generated raw text packets", () => {
    fc.assert(
      fc.property(rawArb, (raw) => {
        expect(outcome(() => validateTextPacket(raw))).toEqual(outcome(() => validatePacket(raw, { binaryTypes: true })));
      }),
      { numRuns: 3000 },
    );
  });

  it("agrees on what parseTextPacket makes of generated frames", () => {
    const frameArb = fc.tuple(
      fc.constantFrom("0", "1", "2", "3", "4", "5", "6", "51-", "62-"),
      fc.constantFrom("", "/chat,", "/,", "/a\u0001,"),
      fc.constantFrom("", "0", "7", "2147483647", "2147483648"),
      fc.oneof(fc.constant(""), dataArb.map((d) => JSON.stringify(d) ?? "")),
    );
    fc.assert(
      fc.property(frameArb, (parts) => {
        const raw = parseTextPacket(parts.join(""), 10);
        if (raw instanceof ProtocolError) return;
        expect(outcome(() => validateTextPacket(raw))).toEqual(outcome(() => validatePacket(raw, { binaryTypes: true })));
      }),
      { numRuns: 3000 },
    );
  });
});

/** JSON text with nesting, wide containers and own `__proto__` keys (which only JSON.parse creates). */
const jsonTextArb: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom("1", '"s"', "true", "null", "[]", "{}"),
    fc.array(tie("value"), { maxLength: 5 }).map((items) => `[${items.join(",")}]`),
    fc
      .array(fc.tuple(fc.constantFrom("a", "b", "__proto__", "\\u005f_proto__", "_placeholder", "c"), tie("value")), { maxLength: 4 })
      .map((entries) => `{${entries.map(([k, v]) => `"${k}":${v}`).join(",")}}`),
  ),
})).value;

const limitsArb: fc.Arbitrary<ValueLimits> = fc.record({ maxDepth: fc.integer({ min: 0, max: 6 }), maxNodes: fc.integer({ min: 0, max: 40 }) });

describe("guardJsonValue = guardValue on JSON.parse output", () => {
  it("agrees on generated JSON under small limits", () => {
    fc.assert(
      fc.property(jsonTextArb, limitsArb, (text, limits) => {
        const value: unknown = JSON.parse(text);
        expect(outcome(() => guardJsonValue(value, limits))).toEqual(outcome(() => guardValue(value, limits)));
      }),
      { numRuns: 5000 },
    );
  });

  it("reports guardValue's error when several faults meet (budget before depth in guardValue's order)", () => {
    const limits = { maxDepth: 3, maxNodes: 10 };
    const value: unknown = JSON.parse(`[[[[[1]]]],${"0,".repeat(12)}0]`);
    expect(guardValue(value, limits)?.code).toBe("DECODE_BUDGET_EXCEEDED");
    expect(guardJsonValue(value, limits)?.code).toBe("DECODE_BUDGET_EXCEEDED");
    expect(guardJsonValue(JSON.parse('[{"__proto__":1}]'), limits)?.code).toBe("DECODE_FORBIDDEN_KEY");
    expect(guardJsonValue(JSON.parse('{"a":[1,{"b":2}]}'), limits)).toBeUndefined();
  });

  it("walks iteratively when the depth limit is too large for recursion", () => {
    const deep: unknown = JSON.parse(`${"[".repeat(50_000)}${"]".repeat(50_000)}`);
    expect(guardJsonValue(deep, { maxDepth: 1_000_000, maxNodes: 1_000_000 })).toBeUndefined();
    expect(guardJsonValue(deep, { maxDepth: 1_000_000, maxNodes: 100 })?.code).toBe("DECODE_BUDGET_EXCEEDED");
  });
});

/** What encodeTextPacket did before its shortcut: validatePacket (with the CONNECT_ERROR echo), then write. */
function generalEncode(packet: Packet): unknown {
  const echoes = packet.type === 4 && typeof packet.nsp === "string" && packet.nsp !== "/";
  const valid = validatePacket(echoes ? { ...packet, nsp: "/" } : packet);
  if (valid instanceof ProtocolError) throw valid;
  if (echoes) valid.nsp = packet.nsp;
  return writeTextPacket(valid);
}

const packetArb = fc
  .record(
    {
      type: fc.constantFrom(0, 1, 2, 3, 4, 5, 2.5, "2"),
      nsp: nspArb,
      data: dataArb,
      id: fc.oneof(fc.constant(undefined), fc.nat(), fc.constantFrom(-1, 0.5, 0x80000000, "1")),
      mid: fc.constantFrom(undefined, "m1", "", 7),
    },
    { requiredKeys: ["type", "nsp"] },
  )
  .map((p) => p as unknown as Packet);

describe("encodeTextPacket's EVENT/ACK shortcut = validatePacket + writeTextPacket", () => {
  it("agrees on generated packets, thrown errors included", () => {
    fc.assert(
      fc.property(packetArb, fc.boolean(), (packet, nullProto) => {
        const input = nullProto ? Object.assign(Object.create(null) as Packet, packet) : packet;
        expect(outcome(() => encodeTextPacket(input))).toEqual(outcome(() => generalEncode(input)));
      }),
      { numRuns: 3000 },
    );
  });

  it("agrees with a polluted Object.prototype, where the shortcut stands aside", () => {
    const proto = Object.prototype as Record<string, unknown>;
    const packets: Packet[] = [
      { type: 2, nsp: "/", data: ["e"] },
      { type: 3, nsp: "/", data: [] },
      { type: 3, nsp: "/", data: [], id: 1 },
      { type: 2, nsp: "/" } as Packet,
    ];
    for (const [key, value] of [["id", 5], ["data", ["polluted"]], ["mid", "m"], ["type", 2], ["nsp", "/x"]] as const) {
      const general: unknown[] = [];
      const shortcut: unknown[] = [];
      try {
        proto[key] = value;
        for (const packet of packets) {
          general.push(outcome(() => generalEncode(packet)));
          shortcut.push(outcome(() => encodeTextPacket(packet)));
        }
      } finally {
        delete proto[key];
      }
      expect(shortcut).toEqual(general);
    }
    expect(encodeTextPacket({ type: 3, nsp: "/chat", data: ["ok"], id: 9 })).toEqual(['3/chat,9["ok"]']);
  });
});
