/**
 * Shared conformance suite for Socket.IO codecs (STYLE.md #8: written once,
 * run per implementation). Every `Codec` Cometa ships must pass it:
 *
 * ```ts
 * import { runCodecSuite } from "../../protocol/test/codec-suite.js";
 * runCodecSuite("msgpack", () => createMsgpackCodec(), { binaryInData: true });
 * ```
 *
 * `make()` must return a codec with the default value limits
 * (`DEFAULT_VALUE_LIMITS`: depth 32, 10 000 nodes).
 *
 * Invalid packets are checked through the codec itself: `encode` may refuse
 * them (throwing is allowed: it is programmer misuse), but when it produces
 * frames the decoder must reject them. A codec that can also write raw fields
 * without validation passes `forge`, which makes every invalid case also go
 * over the wire as a hostile peer would send it.
 *
 * This file imports only vitest, fast-check and the protocol sources, so codec
 * packages can import it by relative path.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Codec,
  ConnectRefusal,
  type Frame,
  MAX_ACK_ID,
  type Packet,
  PacketType,
  type PacketDecoder,
  ProtocolError,
  RESERVED_EVENTS,
} from "../src/index.js";

/** How a codec lays out its frames, and which optional tests apply. */
export interface CodecSuiteOptions {
  /**
   * `true`: every packet is exactly one frame and binary values live inside it
   * (MessagePack). `false`: a text frame followed by one binary frame per
   * binary value (the Socket.IO default text codec).
   */
  readonly binaryInData: boolean;
  /** `true` when the codec carries the `mid` extension field (MessagePack); otherwise it must drop it. */
  readonly carriesMid?: boolean;
  /**
   * Write raw packet fields WITHOUT validation, the way a hostile or buggy
   * peer would. Fields the wire format cannot represent as given may be
   * written in any form that is not a valid packet (e.g. a JSON-quoted id).
   */
  readonly forge?: (raw: Record<string, unknown>) => Frame[];
  /**
   * `true` for a client codec, which checks packet shapes the way a client
   * needs (`trustedPacket`) instead of with `validatePacket`: the
   * invalid-shape cases (ack ids, reserved names, shapes, namespaces, mids)
   * are skipped here (trusted-packet.test.ts covers what it rejects). Round
   * trips and value hardening are tested as for every codec.
   */
  readonly trustsShape?: boolean;
}

/** Every code a decoder may report (errors.ts). */
const ERROR_CODES = new Set([
  "INVALID_FRAME",
  "INVALID_PAYLOAD",
  "INVALID_PACKET",
  "INVALID_NAMESPACE",
  "INVALID_ACK_ID",
  "INVALID_ATTACHMENTS",
  "DECODE_MALFORMED",
  "DECODE_TYPE_REJECTED",
  "DECODE_DEPTH_EXCEEDED",
  "DECODE_BUDGET_EXCEEDED",
  "DECODE_LENGTH_EXCEEDED",
  "DECODE_FORBIDDEN_KEY",
]);

const PACKET_KEYS = new Set(["type", "nsp", "data", "id", "mid"]);

// ---------------------------------------------------------------- helpers

/** Bytes of any binary value, or undefined for non-binary values. */
function bytesOf(value: unknown): Uint8Array | undefined {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return undefined;
}

/** A comparable form: binary becomes `{ $bytes: [...] }`, so Buffer, views and Uint8Array compare by content. */
function comparable(value: unknown): unknown {
  const bytes = bytesOf(value);
  if (bytes) return { $bytes: Array.from(bytes) };
  if (Array.isArray(value)) return value.map(comparable);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      // defineProperty keeps keys such as "__proto__" as plain data.
      Object.defineProperty(out, key, {
        value: comparable((value as Record<string, unknown>)[key]),
        enumerable: true,
        configurable: true,
        writable: true,
      });
    }
    return out;
  }
  return value;
}

/** The packet a decoder should produce for `sent` (mid dropped when the codec cannot carry it). */
function expectedOf(sent: Packet, carriesMid: boolean): Packet {
  const { mid, ...rest } = sent;
  return carriesMid && mid !== undefined ? { ...rest, mid } : rest;
}

/** Throws unless `value` holds only wire-safe data: no functions, class instances or `__proto__` keys. */
function assertPlainValue(value: unknown): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || v === undefined) continue;
    const kind = typeof v;
    if (kind === "string" || kind === "boolean" || kind === "number") continue;
    expect(kind, "decoded value type").toBe("object");
    // Date: MessagePack peers (notepack ext 0) send it; it carries no behaviour.
    if (v instanceof Uint8Array || v instanceof Date) continue;
    if (Array.isArray(v)) {
      stack.push(...v);
      continue;
    }
    const proto = Object.getPrototypeOf(v);
    expect(proto === Object.prototype || proto === null, "decoded objects are plain").toBe(true);
    expect(Object.hasOwn(v as object, "__proto__"), "no own __proto__ key").toBe(false);
    for (const key of Object.keys(v as object)) stack.push((v as Record<string, unknown>)[key]);
  }
}

/** Any decoder result must be undefined, a ProtocolError with a known code, or a valid plain packet. */
function assertDecodeResult(result: unknown): void {
  if (result === undefined) return;
  if (result instanceof ProtocolError) {
    expect(ERROR_CODES.has(result.code), `known error code ${result.code}`).toBe(true);
    return;
  }
  expect(result, "a packet object").toBeTypeOf("object");
  expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
  const packet = result as Packet;
  for (const key of Object.keys(packet)) {
    expect(PACKET_KEYS.has(key), `packet key ${key}`).toBe(true);
    expect((packet as unknown as Record<string, unknown>)[key], `packet.${key} is not undefined`).not.toBe(undefined);
  }
  expect([0, 1, 2, 3, 4]).toContain(packet.type);
  expect(typeof packet.nsp === "string" && packet.nsp.startsWith("/")).toBe(true);
  if (packet.id !== undefined) {
    expect(Number.isInteger(packet.id) && packet.id >= 0 && packet.id <= MAX_ACK_ID).toBe(true);
  }
  assertPlainValue(packet.data);
}

/** Feed frames to a decoder: every frame but the last must be "need more", the last is returned. */
function feed(decoder: PacketDecoder, frames: readonly Frame[]): Packet | undefined | ProtocolError {
  let result: Packet | undefined | ProtocolError;
  for (let i = 0; i < frames.length; i++) {
    result = decoder.add(frames[i]!);
    if (i < frames.length - 1 && result !== undefined) {
      // An early error is a valid outcome; an early packet is not.
      expect(result).toBeInstanceOf(ProtocolError);
    }
  }
  return result;
}

/** Encode then decode with a fresh decoder, checking frame layout on the way. */
function roundTrip(codec: Codec, packet: Packet, options: CodecSuiteOptions): Packet {
  const frames = codec.encode(packet);
  expect(frames.length).toBeGreaterThan(0);
  if (options.binaryInData) {
    expect(frames).toHaveLength(1);
  } else {
    expect(typeof frames[0]).toBe("string");
    for (const f of frames.slice(1)) expect(f).toBeInstanceOf(Uint8Array);
  }
  const result = feed(codec.createDecoder(), frames);
  if (result instanceof ProtocolError) throw result;
  assertDecodeResult(result);
  expect(result).toBeDefined();
  return result as Packet;
}

function expectRoundTrip(codec: Codec, packet: Packet, options: CodecSuiteOptions): void {
  const decoded = roundTrip(codec, packet, options);
  expect(comparable(decoded)).toEqual(comparable(expectedOf(packet, options.carriesMid ?? false)));
}

/**
 * An invalid packet must never survive the codec: `encode` throws an Error, or
 * its frames decode to a ProtocolError (with `code` when given). With `forge`,
 * the raw fields sent over the wire must be rejected too.
 */
function expectRejected(
  codec: Codec,
  raw: Record<string, unknown>,
  options: CodecSuiteOptions,
  code?: string | readonly string[],
): void {
  const codes = code === undefined ? undefined : typeof code === "string" ? [code] : code;
  const check = (result: unknown) => {
    expect(result, `rejected: ${describeRaw(raw)}`).toBeInstanceOf(ProtocolError);
    if (codes) expect(codes).toContain((result as ProtocolError).code);
  };
  let frames: Frame[] | undefined;
  try {
    frames = codec.encode(raw as unknown as Packet);
  } catch (err) {
    expect(err).toBeInstanceOf(Error);
  }
  if (frames) check(feed(codec.createDecoder(), frames));
  if (options.forge) check(feed(codec.createDecoder(), options.forge(raw)));
}

/**
 * A CONNECT the server must answer with CONNECT_ERROR: the decoder yields a
 * `ConnectRefusal` carrying the namespace string, through `encode` when it
 * produces frames and through `forge`. A codec whose wire format cannot
 * express `raw` as given (`expressible` false) only has to reject it.
 */
function expectRefused(codec: Codec, raw: Record<string, unknown>, options: CodecSuiteOptions, reason: "namespace" | "auth", expressible: boolean): void {
  const check = (result: unknown) => {
    expect(result, `refused: ${describeRaw(raw)}`).toBeInstanceOf(expressible ? ConnectRefusal : ProtocolError);
    if (!expressible) return;
    expect((result as ConnectRefusal).nsp).toBe(raw.nsp);
    expect((result as ConnectRefusal).reason).toBe(reason);
  };
  let frames: Frame[] | undefined;
  try {
    frames = codec.encode(raw as unknown as Packet);
  } catch (err) {
    expect(err).toBeInstanceOf(Error);
  }
  if (frames) check(feed(codec.createDecoder(), frames));
  if (options.forge) check(feed(codec.createDecoder(), options.forge(raw)));
}

function describeRaw(raw: Record<string, unknown>): string {
  try {
    return JSON.stringify(raw, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v)).slice(0, 120);
  } catch {
    return String(raw);
  }
}

// ---------------------------------------------------------------- arbitraries

/** Namespace characters: ASCII, punctuation that is legal in URLs, non-Latin scripts and astral emoji. No comma. */
const NSP_CHARS = [..."abcxyzABZ0189-_.~/ ", "é", "ß", "日", "本", "Ж", "🎉", "👍🏽"];

const nspArb: fc.Arbitrary<string> = fc.oneof(
  fc.constant("/"),
  fc
    .array(fc.constantFrom(...NSP_CHARS), { minLength: 1, maxLength: 24 })
    .map((chars) => "/" + chars.join("")),
);

const ackIdArb = fc.oneof(fc.constantFrom(0, 1, MAX_ACK_ID), fc.integer({ min: 0, max: MAX_ACK_ID }));

/** Well-formed strings (no lone surrogates: UTF-8 codecs cannot carry them). */
const textArb = fc.string({ unit: "binary", maxLength: 24 });

const keyArb = textArb.filter((k) => k !== "__proto__");

const numberArb = fc.oneof(
  fc.integer(),
  fc.maxSafeInteger(),
  // -0 does not survive JSON, NaN and ±Infinity are not JSON values.
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
);

/** JSON-like values, optionally with binary leaves. Depth stays far below the default limit. */
function valueArb(withBinary: boolean): fc.Arbitrary<unknown> {
  const leaves: fc.Arbitrary<unknown>[] = [fc.constant(null), fc.boolean(), numberArb, textArb];
  if (withBinary) leaves.push(fc.uint8Array({ maxLength: 32 }));
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      ...leaves,
      fc.array(tie("value"), { maxLength: 5 }),
      fc.array(fc.tuple(keyArb, tie("value")), { maxLength: 5 }).map(toObject),
    ),
  }));
  return value;
}

function toObject(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) out[k] = v;
  return out;
}

const objectArb = (withBinary: boolean) =>
  fc.array(fc.tuple(keyArb, valueArb(withBinary)), { maxLength: 5 }).map(toObject);

const eventNameArb = fc.oneof(
  textArb.filter((name) => !RESERVED_EVENTS.has(name)),
  fc.constantFrom("message", "chat:message", "évènement", "🎉"),
);

/** Any valid packet. `mid` appears on some EVENTs (codecs that cannot carry it must drop it). */
export const packetArb: fc.Arbitrary<Packet> = fc.oneof(
  fc.record({ type: fc.constant(PacketType.CONNECT), nsp: nspArb, data: objectArb(false) }, { requiredKeys: ["type", "nsp"] }),
  fc.record({ type: fc.constant(PacketType.DISCONNECT), nsp: nspArb }),
  fc.record(
    {
      type: fc.constant(PacketType.EVENT),
      nsp: nspArb,
      data: fc.tuple(eventNameArb, fc.array(valueArb(true), { maxLength: 4 })).map(([name, args]) => [name, ...args]),
      id: ackIdArb,
      mid: fc.string({ minLength: 1, maxLength: 64 }),
    },
    { requiredKeys: ["type", "nsp", "data"] },
  ),
  fc.record({
    type: fc.constant(PacketType.ACK),
    nsp: nspArb,
    data: fc.array(valueArb(true), { maxLength: 4 }),
    id: ackIdArb,
  }),
  fc.record({
    type: fc.constant(PacketType.CONNECT_ERROR),
    nsp: nspArb,
    data: fc.oneof(
      textArb,
      fc.record({ message: textArb, data: valueArb(false) }, { requiredKeys: ["message"] }),
    ),
  }),
);

// ---------------------------------------------------------------- fixed cases

const NAMESPACES = ["/", "/admin", "/a/b/c", "/日本語", "/émoji-🎉", "/with space", "/" + "x".repeat(200)];

const UNICODE = ["héllo wörld", "日本語テキスト", "🎉👍🏽👨‍👩‍👧", "\u2028\u2029", 'quotes " \\ \'', "\u0000\u001e\u001f\u007f", ""];

const NESTED = {
  a: [1, -1, 0, 1.5, -2.25, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e300, 5e-324],
  b: { c: { d: { e: { f: [null, true, false, "", [], {}] } } } },
  // Keys that shadow Object.prototype members stay plain data (RELIABILITY M6).
  constructor: { prototype: { polluted: true } },
  toString: "x",
  hasOwnProperty: 1,
  prototype: null,
};

const FIXED: readonly (readonly [string, Packet])[] = [
  ["CONNECT without auth", { type: PacketType.CONNECT, nsp: "/" }],
  ["CONNECT with auth", { type: PacketType.CONNECT, nsp: "/admin", data: { token: "123" } }],
  ["CONNECT reply", { type: PacketType.CONNECT, nsp: "/", data: { sid: "wzmgAAAA", pid: "I7WaAAAB" } }],
  ["DISCONNECT /", { type: PacketType.DISCONNECT, nsp: "/" }],
  ["DISCONNECT /admin", { type: PacketType.DISCONNECT, nsp: "/admin" }],
  ["EVENT", { type: PacketType.EVENT, nsp: "/", data: ["hey", "Jude"] }],
  ["EVENT with only a name", { type: PacketType.EVENT, nsp: "/", data: ["ping"] }],
  ["EVENT with a numeric name", { type: PacketType.EVENT, nsp: "/", data: [42, "x"] }],
  ["EVENT ack id 0", { type: PacketType.EVENT, nsp: "/", data: ["hello", "b"], id: 0 }],
  ["EVENT ack id 2^31-1", { type: PacketType.EVENT, nsp: "/chat", data: ["hello"], id: MAX_ACK_ID }],
  ["EVENT 10 KB name", { type: PacketType.EVENT, nsp: "/", data: ["n".repeat(10_240)] }],
  ["ACK empty", { type: PacketType.ACK, nsp: "/", data: [], id: 0 }],
  ["ACK id 2^31-1", { type: PacketType.ACK, nsp: "/admin", data: ["ok", { a: 1 }], id: MAX_ACK_ID }],
  ["CONNECT_ERROR object", { type: PacketType.CONNECT_ERROR, nsp: "/admin", data: { message: "Not authorized", data: { code: 42 } } }],
  ["CONNECT_ERROR string", { type: PacketType.CONNECT_ERROR, nsp: "/", data: "legacy error" }],
  ["unicode", { type: PacketType.EVENT, nsp: "/", data: ["unicode", ...UNICODE, { [UNICODE[1]!]: UNICODE[2] }] }],
  ["nested objects", { type: PacketType.EVENT, nsp: "/", data: ["nested", NESTED], id: 7 }],
  ["binary", { type: PacketType.EVENT, nsp: "/", data: ["bin", new Uint8Array([1, 2, 3, 4])] }],
  ["empty binary", { type: PacketType.EVENT, nsp: "/", data: ["bin", new Uint8Array(0)] }],
  [
    "several nested binaries",
    {
      type: PacketType.EVENT,
      nsp: "/files",
      data: ["upload", { name: "a", parts: [new Uint8Array([0, 255]), { deep: new Uint8Array(300).fill(7) }] }, new Uint8Array([9])],
      id: 12,
    },
  ],
  ["binary ACK", { type: PacketType.ACK, nsp: "/", data: ["ok", new Uint8Array([1, 2])], id: 0 }],
];

// ---------------------------------------------------------------- the suite

/**
 * Register the conformance suite for one codec.
 *
 * @param name label used in the describe block
 * @param make returns a fresh codec with default limits
 * @param options frame layout and optional capabilities
 *
 * @example
 * ```ts
 * runCodecSuite("text", () => createTextCodec(), { binaryInData: false });
 * ```
 */
export function runCodecSuite(name: string, make: () => Codec, options: CodecSuiteOptions): void {
  describe(`codec conformance: ${name}`, () => {
    describe("round trip", () => {
      for (const [label, packet] of FIXED) {
        it(label, () => expectRoundTrip(make(), packet, options));
      }

      it("every namespace form, for every packet type", () => {
        const codec = make();
        for (const nsp of NAMESPACES) {
          expectRoundTrip(codec, { type: PacketType.CONNECT, nsp }, options);
          expectRoundTrip(codec, { type: PacketType.CONNECT, nsp, data: { k: nsp } }, options);
          expectRoundTrip(codec, { type: PacketType.DISCONNECT, nsp }, options);
          expectRoundTrip(codec, { type: PacketType.EVENT, nsp, data: ["e", 1], id: 3 }, options);
          expectRoundTrip(codec, { type: PacketType.ACK, nsp, data: [nsp], id: 4 }, options);
          expectRoundTrip(codec, { type: PacketType.CONNECT_ERROR, nsp, data: { message: "no" } }, options);
        }
      });

      it("mid is carried or dropped as declared", () => {
        const decoded = roundTrip(make(), { type: PacketType.EVENT, nsp: "/", data: ["e"], id: 1, mid: "m-1" }, options);
        expect(decoded.mid).toBe(options.carriesMid ? "m-1" : undefined);
      });

      it("binary frames are laid out as declared", () => {
        const frames = make().encode({ type: PacketType.EVENT, nsp: "/", data: ["b", new Uint8Array([1]), { x: new Uint8Array([2]) }] });
        expect(frames).toHaveLength(options.binaryInData ? 1 : 3);
      });

      it("accepts Buffer, ArrayBuffer, offset views, other typed arrays and DataView; decodes to Uint8Array", () => {
        const backing = new Uint8Array([9, 9, 1, 2, 3, 4, 9, 9]);
        const inputs: unknown[] = [
          Buffer.from([1, 2, 3, 4]),
          new Uint8Array([1, 2, 3, 4]).buffer,
          backing.subarray(2, 6),
          new Uint16Array(backing.buffer, 2, 2),
          new DataView(backing.buffer, 2, 4),
        ];
        for (const input of inputs) {
          const decoded = roundTrip(make(), { type: PacketType.EVENT, nsp: "/", data: ["bin", input] }, options);
          const value = (decoded.data as unknown[])[1];
          expect(value).toBeInstanceOf(Uint8Array);
          expect(Array.from(value as Uint8Array)).toEqual([1, 2, 3, 4]);
        }
      });

      it("encode does not mutate the packet (frozen input)", () => {
        const packet = deepFreeze({
          type: PacketType.EVENT,
          nsp: "/x",
          data: ["e", { bin: new Uint8Array([1, 2]) }, [new Uint8Array([3])]],
          id: 5,
        });
        const before = comparable(packet);
        expectRoundTrip(make(), packet, options);
        expect(comparable(packet)).toEqual(before);
      });

      it("encodes objects with toJSON as JSON.stringify would", () => {
        const when = new Date(Date.UTC(2024, 0, 1));
        const packet = roundTrip(make(), { type: PacketType.EVENT, nsp: "/", data: ["t", { custom: { toJSON: () => ({ v: 1 }) } }] }, options);
        expect(comparable(packet.data)).toEqual(["t", { custom: { v: 1 } }]);
        // Dates: the text codec sends the ISO string, MessagePack a Date; both keep the instant.
        const dated = roundTrip(make(), { type: PacketType.EVENT, nsp: "/", data: ["d", when] }, options);
        const got = (dated.data as unknown[])[1];
        const instant = got instanceof Date ? got.getTime() : Date.parse(String(got));
        expect(instant).toBe(when.getTime());
      });

      it("one decoder handles many packets in sequence, binary and not", () => {
        const codec = make();
        const decoder = codec.createDecoder();
        for (const [, packet] of [...FIXED, ...FIXED]) {
          const result = feed(decoder, codec.encode(packet));
          expect(comparable(result)).toEqual(comparable(expectedOf(packet, options.carriesMid ?? false)));
        }
      });

      it("decode(encode(p)) equals p for generated packets", () => {
        const codec = make();
        const decoder = codec.createDecoder();
        fc.assert(
          fc.property(packetArb, (packet) => {
            const result = feed(decoder, codec.encode(packet));
            assertDecodeResult(result);
            expect(comparable(result)).toEqual(comparable(expectedOf(packet, options.carriesMid ?? false)));
          }),
          { numRuns: 300 },
        );
      });
    });

    describe("hostile input", () => {
      it("any bytes or strings: Packet | undefined | ProtocolError, never throws, never non-plain values", () => {
        const codec = make();
        const decoder = codec.createDecoder();
        const frameArb = fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.string({ maxLength: 200 }), fc.string({ unit: "binary", maxLength: 50 }));
        fc.assert(
          fc.property(fc.array(frameArb, { minLength: 1, maxLength: 6 }), (frames) => {
            for (const frame of frames) assertDecodeResult(decoder.add(frame));
          }),
          { numRuns: 1000 },
        );
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      });

      it("mutated valid encodings never throw", () => {
        const codec = make();
        fc.assert(
          fc.property(packetArb, fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }), (packet, edits) => {
            const frames = codec.encode(packet).map((f) => mutate(f, edits));
            const decoder = codec.createDecoder();
            for (const frame of frames) assertDecodeResult(decoder.add(frame));
            // Truncations too: every prefix of the first frame.
            const first = frames[0]!;
            for (let cut = 0; cut < first.length; cut += Math.max(1, first.length >> 3)) {
              const truncated = typeof first === "string" ? first.slice(0, cut) : first.subarray(0, cut);
              assertDecodeResult(codec.createDecoder().add(truncated));
            }
          }),
          { numRuns: 300 },
        );
      });

      it("the decoder stays usable after an error", () => {
        const codec = make();
        const decoder = codec.createDecoder();
        for (const junk of ["9garbage", "", new Uint8Array([0xc1]), new Uint8Array([0xff, 0x00, 0x12])]) {
          assertDecodeResult(decoder.add(junk));
        }
        const packet: Packet = { type: PacketType.EVENT, nsp: "/", data: ["ok"] };
        expect(comparable(feed(decoder, codec.encode(packet)))).toEqual(comparable(packet));
      });

      it("reset() drops partial state", () => {
        const codec = make();
        const decoder = codec.createDecoder();
        const frames = codec.encode({ type: PacketType.EVENT, nsp: "/", data: ["b", new Uint8Array([1]), new Uint8Array([2])] });
        decoder.add(frames[0]!);
        decoder.reset();
        const packet: Packet = { type: PacketType.ACK, nsp: "/", data: [], id: 1 };
        expect(comparable(feed(decoder, codec.encode(packet)))).toEqual(comparable(packet));
      });

      // A client codec trusts its server for packet shapes (see `trustsShape`).
      if (!options.trustsShape) {
        it.each(INVALID_ACK_IDS.map((id) => [id]))(
          "invalid ack id %s is rejected",
          (id) => {
            expectRejected(make(), { type: PacketType.EVENT, nsp: "/", data: ["e"], id }, options);
            expectRejected(make(), { type: PacketType.ACK, nsp: "/", data: [], id }, options);
          },
        );

        it("ACK without an id is rejected", () => {
          expectRejected(make(), { type: PacketType.ACK, nsp: "/", data: ["x"] }, options, "INVALID_ACK_ID");
        });

        it.each([...RESERVED_EVENTS])("reserved event name %s is rejected", (eventName) => {
          expectRejected(make(), { type: PacketType.EVENT, nsp: "/", data: [eventName, 1] }, options, "INVALID_PACKET");
        });

        it.each(INVALID_SHAPES)("invalid shape: %s", (_label, raw) => {
          expectRejected(make(), raw, options);
        });

        it.each(INVALID_NAMESPACES.map((nsp) => [label(nsp), nsp]))("invalid namespace %s is rejected", (_label, nsp) => {
          expectRejected(make(), { type: PacketType.CONNECT, nsp }, options);
          expectRejected(make(), { type: PacketType.EVENT, nsp, data: ["e"] }, options);
        });

        it.each(REFUSED_NAMESPACES.map((nsp) => [label(nsp), nsp]))("CONNECT to namespace %s is a ConnectRefusal carrying it", (_label, nsp) => {
          // "" and names without "/" cannot be written in the text format (its parser reads them as "/" + payload).
          const expressible = options.binaryInData || nsp.startsWith("/");
          expectRefused(make(), { type: PacketType.CONNECT, nsp }, options, "namespace", expressible);
          expectRefused(make(), { type: PacketType.CONNECT, nsp, data: { token: "t" } }, options, "namespace", expressible);
        });

        it.each(REFUSED_AUTH.map((auth) => [label(auth), auth]))("CONNECT with auth %s is a ConnectRefusal carrying its namespace", (_label, data) => {
          expectRefused(make(), { type: PacketType.CONNECT, nsp: "/", data }, options, "auth", true);
          expectRefused(make(), { type: PacketType.CONNECT, nsp: "/admin", data }, options, "auth", true);
        });

        it("a refused CONNECT leaves the decoder usable", () => {
          const codec = make();
          const decoder = codec.createDecoder();
          const refused = feed(decoder, options.forge?.({ type: PacketType.CONNECT, nsp: "/", data: ["x"] }) ?? []);
          if (options.forge) expect(refused).toBeInstanceOf(ConnectRefusal);
          expect(feed(decoder, codec.encode({ type: PacketType.CONNECT, nsp: "/", data: { ok: 1 } }))).toEqual({ type: PacketType.CONNECT, nsp: "/", data: { ok: 1 } });
        });

        it("CONNECT_ERROR echoes a refused namespace", () => {
          for (const nsp of REFUSED_NAMESPACES.filter((n) => n.startsWith("/"))) {
            const frames = make().encode({ type: PacketType.CONNECT_ERROR, nsp, data: { message: "Invalid namespace" } });
            expect(frames.length).toBeGreaterThan(0);
          }
        });

        it.each(INVALID_MIDS.map((mid) => [label(mid), mid]))("invalid mid %s is never delivered", (_label, mid) => {
          const raw = { type: PacketType.EVENT, nsp: "/", data: ["e"], mid };
          if (options.carriesMid) {
            expectRejected(make(), raw, options);
            return;
          }
          // A codec that cannot carry mid may drop it (even an invalid one) or refuse the packet.
          const codec = make();
          let frames: Frame[] | undefined;
          try {
            frames = codec.encode(raw as unknown as Packet);
          } catch (err) {
            expect(err).toBeInstanceOf(Error);
          }
          const result = frames && feed(codec.createDecoder(), frames);
          if (result && !(result instanceof ProtocolError)) expect(result.mid).toBeUndefined();
        });
      }

      it("__proto__ keys never pollute and are rejected", () => {
        const codec = make();
        const hostile = JSON.parse('{"__proto__":{"polluted":"yes"},"a":{"__proto__":{"polluted":"yes"}}}');
        const nested = JSON.parse('[{"x":[{"__proto__":{"polluted":"yes"}}]}]');
        expectRejected(codec, { type: PacketType.EVENT, nsp: "/", data: ["e", hostile] }, options, "DECODE_FORBIDDEN_KEY");
        expectRejected(codec, { type: PacketType.EVENT, nsp: "/", data: ["e", nested] }, options, "DECODE_FORBIDDEN_KEY");
        expectRejected(codec, { type: PacketType.CONNECT, nsp: "/", data: hostile }, options, "DECODE_FORBIDDEN_KEY");
        expectRejected(codec, { type: PacketType.ACK, nsp: "/", data: [hostile], id: 1 }, options, "DECODE_FORBIDDEN_KEY");
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.prototype).not.toHaveProperty("polluted");
      });

      it("nesting beyond the depth limit is rejected", () => {
        let deep: unknown = "leaf";
        for (let i = 0; i < 40; i++) deep = [deep];
        expectRejected(make(), { type: PacketType.EVENT, nsp: "/", data: ["deep", deep] }, options, "DECODE_DEPTH_EXCEEDED");
      });

      it("more values than the node budget are rejected", () => {
        const wide = new Array<number>(20_000).fill(0);
        expectRejected(make(), { type: PacketType.EVENT, nsp: "/", data: ["wide", wide] }, options, "DECODE_BUDGET_EXCEEDED");
      });
    });
  });
}

/** Ack ids that are not an integer in 0…2^31−1 (RELIABILITY.md M14, plus non-numbers). */
const INVALID_ACK_IDS: readonly unknown[] = [
  -1,
  2.5,
  2 ** 31,
  2 ** 32,
  2 ** 53 + 1,
  1e27,
  "1",
  Number.NaN,
  Number.POSITIVE_INFINITY,
  null,
  true,
  [1],
  { n: 1 },
];

/** Invalid packet shapes (PROTOCOL.md §3.1, §4.5; RELIABILITY.md M11, M13, M17). */
const INVALID_SHAPES: readonly (readonly [string, Record<string, unknown>])[] = [
  ["type 5 (BINARY_EVENT is a wire detail)", { type: 5, nsp: "/", data: ["e"] }],
  ["type 6", { type: 6, nsp: "/", data: [], id: 1 }],
  ["type 7", { type: 7, nsp: "/" }],
  ["type 9", { type: 9, nsp: "/" }],
  ["type -1", { type: -1, nsp: "/" }],
  ["type 2.5", { type: 2.5, nsp: "/", data: ["e"] }],
  ['type "2"', { type: "2", nsp: "/", data: ["e"] }],
  ["type null", { type: null, nsp: "/" }],
  ["type missing", { nsp: "/", data: ["e"] }],
  ["CONNECT data array", { type: 0, nsp: "/", data: [1] }],
  ["CONNECT data string", { type: 0, nsp: "/", data: "token" }],
  ["CONNECT data number", { type: 0, nsp: "/", data: 1 }],
  ["CONNECT data null", { type: 0, nsp: "/", data: null }],
  ["CONNECT with an id", { type: 0, nsp: "/", id: 1 }],
  ["DISCONNECT with object data", { type: 1, nsp: "/", data: {} }],
  ["DISCONNECT with string data", { type: 1, nsp: "/", data: "x" }],
  ["DISCONNECT with array data", { type: 1, nsp: "/", data: [] }],
  ["DISCONNECT with an id", { type: 1, nsp: "/", id: 2 }],
  ["EVENT without data", { type: 2, nsp: "/" }],
  ["EVENT data empty array", { type: 2, nsp: "/", data: [] }],
  ["EVENT data object", { type: 2, nsp: "/", data: { 0: "e" } }],
  ["EVENT data string", { type: 2, nsp: "/", data: "e" }],
  ["EVENT name null", { type: 2, nsp: "/", data: [null] }],
  ["EVENT name object", { type: 2, nsp: "/", data: [{}] }],
  ["EVENT name boolean", { type: 2, nsp: "/", data: [true, 1] }],
  ["EVENT name array", { type: 2, nsp: "/", data: [["e"]] }],
  ["ACK data object", { type: 3, nsp: "/", data: {}, id: 1 }],
  ["ACK data string", { type: 3, nsp: "/", data: "ok", id: 1 }],
  ["ACK without data", { type: 3, nsp: "/", id: 1 }],
  ["CONNECT_ERROR number", { type: 4, nsp: "/", data: 1 }],
  ["CONNECT_ERROR array", { type: 4, nsp: "/", data: ["x"] }],
  ["CONNECT_ERROR null", { type: 4, nsp: "/", data: null }],
  ["CONNECT_ERROR without data", { type: 4, nsp: "/" }],
];

/** Namespace strings no namespace can have: a CONNECT to them is refused with CONNECT_ERROR (RELIABILITY.md M12). */
const REFUSED_NAMESPACES: readonly string[] = ["", "admin", "/a\u0000b", "/a\nb", "/\u007f", "/" + "x".repeat(10_240)];

/** CONNECT auth payloads that are not objects: refused with CONNECT_ERROR (RELIABILITY.md M17). A plain 42 reads as an ack id in the text format. */
const REFUSED_AUTH: readonly unknown[] = ["token", [1, 2], -1.5, true, false, null];

/** Invalid `mid` values: rejected by codecs that carry `mid`, never delivered by the others. */
const INVALID_MIDS: readonly unknown[] = ["", "m".repeat(65), 7, null, ["m"]];

/** Namespaces that are not a "/"-prefixed string of at most 256 characters without control characters. */
const INVALID_NAMESPACES: readonly unknown[] = [
  undefined,
  null,
  123,
  "",
  "admin",
  "/a\u0000b",
  "/a\nb",
  "/\u007f",
  "/" + "x".repeat(10_240),
];

/** A short test label for any value (long strings are abbreviated). */
function label(value: unknown): string {
  if (value === undefined) return "undefined";
  const text = typeof value === "string" ? JSON.stringify(value) : describeRaw({ v: value }).slice(5, -1);
  return text.length > 40 ? `${text.slice(0, 20)}…(${text.length} chars)` : text;
}

function mutate(frame: Frame, edits: readonly (readonly [number, number])[]): Frame {
  if (typeof frame === "string") {
    if (frame.length === 0) return frame;
    const chars = frame.split("");
    for (const [at, code] of edits) chars[at % chars.length] = String.fromCharCode(code);
    return chars.join("");
  }
  const copy = frame.slice();
  if (copy.length === 0) return copy;
  for (const [at, byte] of edits) copy[at % copy.length] = byte;
  return copy;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !ArrayBuffer.isView(value)) {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}
