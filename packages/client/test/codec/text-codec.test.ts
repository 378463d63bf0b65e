/**
 * The client text codec (`@cometa/client/json`'s `textCodec`): the protocol's
 * codec conformance suite, the same frames as the protocol's `textCodec`
 * (which is tested byte for byte against socket.io-parser), and the same
 * verdicts as the protocol's `clientTextCodec` on valid and hostile frames.
 */
import { clientTextCodec, type Frame, type Packet, PacketType, ProtocolError, textCodec as protocolTextCodec } from "@cometa/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { packetArb, runCodecSuite } from "../../../protocol/test/codec-suite.js";
import { forgeText } from "../../../protocol/test/forge-text.js";
import { textCodec } from "../../src/codec/text-codec.js";

runCodecSuite("text (client entry)", () => textCodec, { binaryInData: false, forge: forgeText, trustsShape: true });

/** Feed frames to one fresh decoder of `codec`; the last result. */
function decode(frames: readonly Frame[], codec = textCodec): unknown {
  const decoder = codec.createDecoder();
  let result: unknown;
  for (const frame of frames) result = decoder.add(frame);
  return result;
}

/** The outcome in comparable form: the packet, or the error code. */
function verdict(result: unknown): unknown {
  return result instanceof ProtocolError ? { error: result.code } : result;
}

const bin = new Uint8Array([1, 2, 3]);
const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

/** Frames a hostile or broken server could send, each with the attachments that follow it. */
const HOSTILE: readonly (readonly Frame[])[] = [
  // CVE-2022-2421 and other placeholder abuse.
  ['51-["e",{"_placeholder":true,"num":"splice"}]', bin],
  ['51-["e",{"_placeholder":true,"num":-1}]', bin],
  ['51-["e",{"_placeholder":true,"num":1}]', bin],
  ['51-["e",{"_placeholder":true,"num":0.5}]', bin],
  ['51-["e",{"_placeholder":true,"num":"0"}]', bin],
  ['51-["e",{"_placeholder":true}]', bin],
  ['51-["e",{"_placeholder":true,"num":0,"x":1}]', bin],
  ['51-["e",{"a":[{"_placeholder":true,"num":"toString"}]}]', bin],
  ['51-["e",[{"_placeholder":true,"num":0}]]', bin],
  ['51-["e",{"_placeholder":false,"num":0}]', bin],
  ['51-["e",[true,0]]', bin],
  ['2["e",{"_placeholder":true,"num":"splice"}]'],
  ['62-3[{"_placeholder":true,"num":1},{"_placeholder":true,"num":0}]', bin, new Uint8Array([9])],
  // Attachment counts.
  ['50-["e"]'],
  ['5-["e"]'],
  ['511-["e"]'],
  ['510-["e",{"_placeholder":true,"num":9}]', ...Array.from({ length: 10 }, () => bin)],
  ['51["e",{"_placeholder":true,"num":0}]', bin],
  ['5 1-["e"]'],
  // Value limits: depth, node budget, __proto__.
  [`2["e",${nested(30)}]`],
  [`2["e",${nested(31)}]`],
  [`2["e",${nested(32)}]`],
  [`2["e",${nested(100_000)}]`],
  [`2["e",${Array(9_998).fill(0).join(",")}]`],
  [`2["e",${Array(9_999).fill(0).join(",")}]`],
  ['2["e",{"__proto__":{"polluted":true}}]'],
  ['2["e",{"a":{"__proto__":1}}]'],
  ['2["e",{"constructor":{"prototype":{"x":1}}}]'],
  // Shapes, ids, namespaces, JSON.
  ["3[]"],
  ['3"ok"'],
  ['2{"a":1}'],
  ["2[null]"],
  ["2[]"],
  ['2[1,"x"]'],
  ["7"],
  ["/"],
  [""],
  ["2"],
  ['2/chat,x["e"]'],
  ['2/chat["e"]'],
  ["0/admin,"],
  ["0/admin"],
  ['4{"message":"no","data":{"code":42}}'],
  ['4"old style"'],
  ["1/chat,"],
  ['32147483647["ok"]'],
  ['32147483648["ok"]'],
  ['399999999999["ok"]'],
  ['2 ["e"]'],
  ['2["e"] '],
  ['2["e"'],
  // Frames out of order.
  [bin],
  ['51-["e",{"_placeholder":true,"num":0}]', '2["e"]'],
];

describe("client text codec", () => {
  it("writes the same frames as the protocol's textCodec", () => {
    fc.assert(
      fc.property(packetArb, (packet) => {
        expect(textCodec.encode(packet)).toEqual(protocolTextCodec.encode(packet));
      }),
      { numRuns: 500 },
    );
  });

  it("writes the same frames for toJSON, Buffer, DataView and nested binary", () => {
    const packets: Packet[] = [
      { type: PacketType.EVENT, nsp: "/", data: ["e", Buffer.from([1, 2]), new DataView(new ArrayBuffer(2))] },
      { type: PacketType.EVENT, nsp: "/x", id: 4, data: ["e", { toJSON: () => new Uint8Array([7]) }] },
      { type: PacketType.ACK, nsp: "/", id: 0, data: [{ a: [new Uint16Array([1, 2]).subarray(1)], d: new Date(0) }, new ArrayBuffer(3)] },
      { type: PacketType.EVENT, nsp: "/", data: ["e", { toJSON: () => ({ nested: { toJSON: () => "once" } }) }] },
      { type: PacketType.CONNECT, nsp: "/", data: { token: new Uint8Array([1]) } },
      { type: PacketType.EVENT, nsp: "/", data: ["e", () => 1, undefined, Number.NaN] },
      { type: PacketType.CONNECT_ERROR, nsp: "/a", data: { message: "no" } },
      { type: PacketType.DISCONNECT, nsp: "/" },
    ];
    for (const packet of packets) expect(textCodec.encode(packet)).toEqual(protocolTextCodec.encode(packet));
  });

  it("refuses a namespace with a comma (the format cannot delimit it)", () => {
    expect(() => textCodec.encode({ type: PacketType.EVENT, nsp: "/a,b", data: ["e"] })).toThrow(ProtocolError);
  });

  it.each(HOSTILE.map((frames, i) => [i, frames] as const))("frame set %i: the same verdict as clientTextCodec", (_i, frames) => {
    const ours = verdict(decode(frames));
    const reference = verdict(decode(frames, clientTextCodec));
    // One documented difference: an ack id above 2^31−1 is INVALID_ACK_ID here at any length (INVALID_PACKET there up to 10 digits).
    if ((reference as { error?: string }).error === "INVALID_PACKET" && (ours as { error?: string }).error === "INVALID_ACK_ID") return;
    expect(ours).toEqual(reference);
  });

  it("rejects each CVE-2022-2421 input with INVALID_ATTACHMENTS and resets", () => {
    for (const num of ['"splice"', "-1", "1", "0.5", '"0"', "null"]) {
      const decoder = textCodec.createDecoder();
      expect(verdict(decoder.add(`51-["e",{"_placeholder":true,"num":${num}}]`))).toEqual({ error: "INVALID_ATTACHMENTS" });
      expect(verdict(decoder.add(bin))).toEqual({ error: "INVALID_ATTACHMENTS" });
      expect(decoder.add('2["ok"]')).toEqual({ type: PacketType.EVENT, nsp: "/", data: ["ok"] });
    }
  });

  it("enforces the value limits with their codes", () => {
    expect(verdict(decode([`2["e",${nested(31)}]`]))).not.toHaveProperty("error");
    expect(verdict(decode([`2["e",${nested(32)}]`]))).toEqual({ error: "DECODE_DEPTH_EXCEEDED" });
    expect(verdict(decode([`2["e",${Array(9_999).fill(0).join(",")}]`]))).toEqual({ error: "DECODE_BUDGET_EXCEEDED" });
    expect(verdict(decode(['2["e",{"__proto__":{"polluted":true}}]']))).toEqual({ error: "DECODE_FORBIDDEN_KEY" });
    // A value error wins over a placeholder error, as in the protocol's decoder.
    expect(verdict(decode([`51-["e",{"_placeholder":true},${nested(40)}]`]))).toEqual({ error: "DECODE_DEPTH_EXCEEDED" });
  });

  it("decodes attachments into their slots, in any placeholder order", () => {
    const second = new Uint8Array([9]);
    expect(decode(['62-3[{"_placeholder":true,"num":1},{"a":{"_placeholder":true,"num":0}}]', bin, second])).toEqual({
      type: PacketType.ACK,
      nsp: "/",
      id: 3,
      data: [second, { a: bin }],
    });
  });

  it("agrees with clientTextCodec on generated mutations of valid frames", () => {
    const tokens = ["2", "3", "5", "6", "1", "-", "/", ",", "[", "]", "{", "}", '"e"', '"_placeholder"', ":", "true", "0", "9", '"num"', "__proto__"];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...tokens), { maxLength: 30 }), fc.integer({ min: 0, max: 2 }), (parts, extra) => {
        const frames: Frame[] = [parts.join(""), ...Array.from({ length: extra }, () => bin)];
        const ours = verdict(decode(frames));
        const reference = verdict(decode(frames, clientTextCodec));
        if ((reference as { error?: string }).error === "INVALID_PACKET" && (ours as { error?: string }).error === "INVALID_ACK_ID") return;
        expect(ours).toEqual(reference);
      }),
      { numRuns: 2000 },
    );
  });
});
