/**
 * The bare uWS server's hand-built frames and packet reader, checked byte for byte against the
 * official socket.io-msgpack-parser.
 */
import { Decoder, Encoder } from "socket.io-msgpack-parser";
import { describe, expect, it } from "vitest";
import { ackFrame, connectReplyFrame, TRUE_VALUE, tickFrame } from "../src/servers/bare-frames.js";
import { type ClientPacket, readClientPacket } from "../src/servers/bare-packet.js";
import { MsgpackCursor } from "../src/servers/msgpack-cursor.js";

/** The official encoding: `encode` returns a one-element array holding the frame (PROTOCOL.md §4.1). */
const official = (packet: object): Buffer => Buffer.from((new Encoder().encode(packet) as unknown as Uint8Array[])[0]!);

/** msgpack bytes of `value` alone, cut out of an official encoding of `[value]`. */
function valueBytes(value: unknown): Uint8Array {
  return official({ type: 2, data: [value], nsp: "/" }).subarray(1 + 5 + 1 + 5 + 1, -6);
}

function decodeOfficial(frame: Uint8Array): unknown {
  const decoder = new Decoder();
  let decoded: unknown;
  decoder.on("decoded", (packet: unknown) => {
    decoded = packet;
  });
  decoder.add(frame);
  return decoded;
}

describe("bare uWS frames", () => {
  const payload = { t: 12_345.678, s: 7, p: "x".repeat(57) };

  it("builds the tick EVENT exactly as socket.io-msgpack-parser encodes io.emit('tick', payload)", () => {
    expect(valueBytes(payload)[0]).toBe(0x83);
    const frame = tickFrame(valueBytes(payload));
    expect(Buffer.from(frame).equals(official({ type: 2, data: ["tick", payload], nsp: "/" }))).toBe(true);
    expect(frame.length).toBe(100);
  });

  it.each([0, 12, 127, 128, 300, 70_000])("builds an ACK with id %i the official decoder accepts", (id) => {
    expect(decodeOfficial(ackFrame(id, valueBytes(payload)))).toEqual({ type: 3, id, data: [payload], nsp: "/" });
    expect(decodeOfficial(ackFrame(id, TRUE_VALUE))).toEqual({ type: 3, id, data: [true], nsp: "/" });
  });

  it("builds the CONNECT reply with the session id", () => {
    expect(decodeOfficial(connectReplyFrame("abc"))).toEqual({ type: 0, data: { sid: "abc" }, nsp: "/" });
  });
});

describe("bare uWS packet reader", () => {
  const read = (bytes: Uint8Array): ClientPacket => {
    const packet: ClientPacket = { type: -1, id: -1, isRootNamespace: false, dataAt: -1 };
    readClientPacket(new MsgpackCursor(bytes), packet);
    return packet;
  };

  it("reads the official client's EVENT with options and ack id (PROTOCOL.md §4.4)", () => {
    const bytes = Buffer.from(
      "85a474797065 02 a464617461 92 a568656c6c6f a178 a76f7074696f6e73 81 a8636f6d7072657373 c3 a26964 00 a36e7370 a12f".replace(/ /g, ""),
      "hex",
    );
    const packet = read(bytes);
    expect(packet).toMatchObject({ type: 2, id: 0, isRootNamespace: true });
    const cursor = new MsgpackCursor(bytes);
    cursor.pos = packet.dataAt;
    expect(cursor.arrayHeader()).toBe(2);
    expect(cursor.str()).toBe("hello");
    expect(cursor.str()).toBe("x");
  });

  it("reads a CONNECT to another namespace as not-root and without an id", () => {
    expect(read(official({ type: 0, nsp: "/admin" }))).toMatchObject({ type: 0, id: -1, isRootNamespace: false });
  });

  it("throws RangeError on truncated or non-map input", () => {
    const whole = official({ type: 2, data: ["echo", payloadOf(3)], id: 5, nsp: "/" });
    for (let cut = 0; cut < whole.length; cut++) expect(() => read(whole.subarray(0, cut))).toThrow(RangeError);
    expect(() => read(Uint8Array.of(0x92, 0x01, 0x02))).toThrow(RangeError);
  });
});

function payloadOf(seq: number): object {
  return { t: 1.5, s: seq, p: "pad" };
}
