/**
 * The client text codec: the conformance suite for round trips and value
 * hardening (packet shapes are `trustedPacket`'s, tested beside it), and
 * byte-for-byte the same frames as the server's text codec.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clientTextCodec, type Frame, PacketType, ProtocolError, textCodec } from "../src/index.js";
import { packetArb, runCodecSuite } from "./codec-suite.js";
import { forgeText } from "./forge-text.js";

runCodecSuite("text (client)", () => clientTextCodec, { binaryInData: false, forge: forgeText, trustsShape: true });

describe("client text codec", () => {
  it("writes the same frames as textCodec", () => {
    fc.assert(
      fc.property(packetArb, (packet) => {
        expect(clientTextCodec.encode(packet)).toEqual(textCodec.encode(packet));
      }),
      { numRuns: 300 },
    );
  });

  it("decodes every packet textCodec accepts to the same packet, and rejects what a client cannot dispatch", () => {
    const frames: Frame[][] = [
      ['2["e",1]'],
      ['3/chat,7["ok"]'],
      ['51-["bin",{"_placeholder":true,"num":0}]', new Uint8Array([1])],
      ["0/admin,"],
      ['4{"message":"no"}'],
      ["1"],
    ];
    for (const packet of frames) {
      const strict = textCodec.createDecoder();
      const client = clientTextCodec.createDecoder();
      const results = packet.map((frame) => [strict.add(frame), client.add(frame)]);
      const [expected, got] = results.at(-1)!;
      expect(expected).not.toBeInstanceOf(ProtocolError);
      expect(got).toEqual(expected);
    }
    for (const frame of ["3[]", '2{"a":1}', "2[null]", "2[]", '3"ok"', "7", '2/chat,x["e"]']) {
      expect(clientTextCodec.createDecoder().add(frame)).toBeInstanceOf(ProtocolError);
    }
  });

  it("is named like textCodec, so connections and caches key on the same wire format", () => {
    expect(clientTextCodec.name).toBe(textCodec.name);
    expect(clientTextCodec.encode({ type: PacketType.EVENT, nsp: "/", data: ["hi"] })).toEqual(['2["hi"]']);
  });
});
