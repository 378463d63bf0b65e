/**
 * Interoperability with the official socket.io-msgpack-parser 3.0.2 (Node
 * notepack.io 2.2) and the browser build of its notepack, both ways, over
 * generated packets: binary, nested, unicode, large ack ids, every namespace
 * form (the shared `packetArb`), plus the value kinds only MessagePack has.
 */
import { createRequire } from "node:module";
import { type Packet, PacketType, ProtocolError } from "@cometa/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { packetArb } from "../../protocol/test/codec-suite.js";
import { CODECS, toHex } from "./codecs.js";
import { normalise, packetFields } from "./normalise.js";

interface OfficialDecoder {
  on(event: "decoded", listener: (packet: unknown) => void): void;
  add(frame: unknown): void;
}
const require = createRequire(import.meta.url);
const parser = require("socket.io-msgpack-parser") as {
  Encoder: new () => { encode(packet: unknown): Buffer[] };
  Decoder: new () => OfficialDecoder;
};
// The notepack.io the parser itself loads (2.2), and its browser decoder (what bundlers pick for official browser clients).
const notepackDir = require.resolve("notepack.io", { paths: [require.resolve("socket.io-msgpack-parser")] });
const notepackBrowserDecode = require(notepackDir.replace(/lib[/\\]index\.js$/, "browser/decode.js")) as (b: ArrayBuffer) => unknown;

/** Decode with the official parser; returns the packet or the thrown error. */
function officialDecode(frame: Uint8Array): unknown {
  const decoder = new parser.Decoder();
  let out: unknown;
  decoder.on("decoded", (packet) => {
    out = packet;
  });
  try {
    decoder.add(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
  } catch (err) {
    return err;
  }
  return out;
}

/** Binary leaves as Node Buffers: the official Node encoder writes only Buffers as `bin`. */
function withBuffers(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value);
  if (Array.isArray(value)) return value.map(withBuffers);
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withBuffers(v)]));
  }
  return value;
}

/** The packet as the reference server builds it: keys in its order, absent fields left out. */
function referenceObject(p: Packet): Record<string, unknown> {
  const out: Record<string, unknown> = p.type === PacketType.ACK ? { id: p.id, type: p.type } : { type: p.type };
  if (p.data !== undefined) out.data = withBuffers(p.data);
  if (p.id !== undefined && p.type !== PacketType.ACK) out.id = p.id;
  out.nsp = p.nsp;
  if (p.mid !== undefined && p.type === PacketType.EVENT) out.mid = p.mid;
  return out;
}

/** True when notepack and our writers (msgpackr's choice) pick the same number encodings (they differ for integers beyond int32/uint32). */
function sameNumberForms(value: unknown): boolean {
  if (typeof value === "number") return !Number.isInteger(value) || (value >= -(2 ** 31) && value < 2 ** 32);
  if (value instanceof Uint8Array) return true;
  if (Array.isArray(value)) return value.every(sameNumberForms);
  if (value !== null && typeof value === "object") return Object.values(value).every(sameNumberForms);
  return true;
}

/** True when every number fits notepack's int64 path (it silently corrupts integers of 2^63 and beyond). */
function notepackEncodable(value: unknown): boolean {
  if (typeof value === "number") return !Number.isInteger(value) || Math.abs(value) < 2 ** 63;
  if (value instanceof Uint8Array || value instanceof Date) return true;
  if (Array.isArray(value)) return value.every(notepackEncodable);
  if (value !== null && typeof value === "object") return Object.values(value).every(notepackEncodable);
  return true;
}

/** MessagePack-only values on top of the shared arbitrary: Dates, undefined, NaN/±Infinity, big integers. */
const extraValueArb = fc.oneof(
  fc.date({ noInvalidDate: true }),
  fc.constant(undefined),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 40, -(2 ** 40), 2 ** 53 - 1),
  fc.dictionary(fc.string({ maxLength: 8 }).filter((k) => k !== "__proto__"), fc.oneof(fc.date({ noInvalidDate: true }), fc.constant(undefined), fc.integer())),
);
const extraPacketArb = fc
  .tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.array(extraValueArb, { maxLength: 4 }), fc.option(fc.nat(), { nil: undefined }))
  .map(([name, args, id]): Packet => (id === undefined ? { type: 2, nsp: "/", data: [name, ...args] } : { type: 2, nsp: "/", data: [name, ...args], id }));

for (const [name, make] of CODECS) {
  describe(`interop with socket.io-msgpack-parser: ${name}`, () => {
    const codec = make();
    const decoder = codec.createDecoder();

    it("the official decoder reads every packet we encode", () => {
      fc.assert(
        fc.property(fc.oneof(packetArb, extraPacketArb), (packet) => {
          const [frame] = codec.encode(packet);
          const decoded = officialDecode(frame as Uint8Array);
          expect(decoded).not.toBeInstanceOf(Error);
          expect(packetFields(decoded)).toEqual(packetFields(packet));
        }),
        { numRuns: 400 },
      );
    });

    it("we read every packet the official encoder writes", () => {
      const encoder = new parser.Encoder();
      fc.assert(
        fc.property(fc.oneof(packetArb, extraPacketArb).filter((p) => notepackEncodable(p.data)), (packet) => {
          const [frame] = encoder.encode(referenceObject(packet));
          const decoded = decoder.add(frame!);
          expect(decoded).not.toBeInstanceOf(ProtocolError);
          expect(normalise(decoded)).toEqual(normalise(packet));
        }),
        { numRuns: 400 },
      );
    });

    it("writes the same bytes as the official encoder (where both pick the same number forms)", () => {
      const encoder = new parser.Encoder();
      fc.assert(
        fc.property(
          packetArb.filter((p) => sameNumberForms(p.data)),
          (packet) => {
            const ours = codec.encode(packet)[0] as Uint8Array;
            const theirs = encoder.encode(referenceObject(packet))[0]!;
            expect(toHex(ours)).toBe(toHex(theirs));
          },
        ),
        { numRuns: 400 },
      );
    });

    it("the official browser decoder reads our frames (bin → ArrayBuffer, ext 0 → Date)", () => {
      fc.assert(
        fc.property(fc.oneof(packetArb, extraPacketArb), (packet) => {
          const frame = codec.encode(packet)[0] as Uint8Array;
          // The browser build takes an ArrayBuffer or a view; give it an exact copy.
          const decoded = notepackBrowserDecode(frame.slice().buffer);
          expect(packetFields(decoded)).toEqual(packetFields(packet));
        }),
        { numRuns: 300 },
      );
    });

    it("reads what only official peers send: options key, ext-0 views, uint64 and int64", () => {
      const encoder = new parser.Encoder();
      const client = { type: 2, data: ["hello", new Uint8Array([5, 6, 7])], options: { compress: true }, id: 3, nsp: "/chat" };
      const [frame] = encoder.encode(client);
      // notepack 2.2 writes a non-Buffer Uint8Array as ext 8 of type 0 (its whole ArrayBuffer).
      expect(toHex(frame!)).toContain("c7 03 00 05 06 07");
      expect(normalise(decoder.add(frame!))).toEqual(normalise({ type: 2, nsp: "/chat", data: ["hello", new Uint8Array([5, 6, 7])], id: 3 }));
      const big = encoder.encode({ type: 2, data: ["n", 2 ** 40, -(2 ** 40), 2 ** 60, -(2 ** 60)], nsp: "/" })[0]!;
      expect(toHex(big)).toContain("cf 00 00 01 00 00 00 00 00");
      expect(decoder.add(big)).toEqual({ type: 2, nsp: "/", data: ["n", 2 ** 40, -(2 ** 40), 2 ** 60, -(2 ** 60)] });
    });

    it("an invalid Date is written as notepack writes it (epoch 0)", () => {
      const packet: Packet = { type: 2, nsp: "/", data: ["d", new Date(Number.NaN)] };
      const ours = codec.encode(packet)[0] as Uint8Array;
      expect(toHex(ours)).toBe(toHex(new parser.Encoder().encode(referenceObject(packet))[0]!));
      expect(((decoder.add(ours) as Packet).data as Date[])[1]!.getTime()).toBe(0);
    });

    it("the official decoder rejects what we refuse to write, and we never write it", () => {
      // id: nil and a missing nsp make the official decoder throw (PROTOCOL.md §4.5).
      expect(officialDecode(new Uint8Array([0x83, 0xa4, 0x74, 0x79, 0x70, 0x65, 0x02, 0xa2, 0x69, 0x64, 0xc0, 0xa3, 0x6e, 0x73, 0x70, 0xa1, 0x2f]))).toBeInstanceOf(Error);
      const frame = codec.encode({ type: PacketType.EVENT, nsp: "/", data: ["e"], id: undefined })[0] as Uint8Array;
      expect(toHex(frame)).not.toContain("a2 69 64");
      expect(toHex(frame)).not.toContain("c0");
    });
  });
}
