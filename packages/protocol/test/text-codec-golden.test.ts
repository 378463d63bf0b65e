import { describe, expect, it } from "vitest";
import { type Frame, MAX_ACK_ID, type Packet, PacketType, ProtocolError, textCodec } from "../src/index.js";

const bytes = (...b: number[]) => new Uint8Array(b);
const placeholder = (num: number) => ({ _placeholder: true, num });

/**
 * Frames verified on the wire against socket.io 4.8.4 (PROTOCOL.md §3.4, §4.8),
 * without the Engine.IO "4" prefix. `wire` is what the encoder writes; the
 * decoder returns `packet`.
 */
const GOLDEN: readonly (readonly [string, Packet, Frame[]])[] = [
  ["CONNECT / no auth", { type: PacketType.CONNECT, nsp: "/" }, ["0"]],
  ["CONNECT /admin with auth", { type: PacketType.CONNECT, nsp: "/admin", data: { token: "123" } }, ['0/admin,{"token":"123"}']],
  ["CONNECT /admin no auth", { type: PacketType.CONNECT, nsp: "/admin" }, ["0/admin,"]],
  ["CONNECT reply with recovery", { type: PacketType.CONNECT, nsp: "/", data: { sid: "wzmgAAAA", pid: "I7WaAAAB" } }, ['0{"sid":"wzmgAAAA","pid":"I7WaAAAB"}']],
  [
    "CONNECT_ERROR from middleware",
    { type: PacketType.CONNECT_ERROR, nsp: "/admin", data: { message: "Not authorized", data: { code: 42 } } },
    ['4/admin,{"message":"Not authorized","data":{"code":42}}'],
  ],
  ["Invalid namespace", { type: PacketType.CONNECT_ERROR, nsp: "/random", data: { message: "Invalid namespace" } }, ['4/random,{"message":"Invalid namespace"}']],
  ["EVENT", { type: PacketType.EVENT, nsp: "/", data: ["hey", "Jude"] }, ['2["hey","Jude"]']],
  ["EVENT with offset", { type: PacketType.EVENT, nsp: "/", data: ["hey", "Jude", "Q7yZf0a"] }, ['2["hey","Jude","Q7yZf0a"]']],
  ["EVENT ack id 0", { type: PacketType.EVENT, nsp: "/", data: ["hello", "b"], id: 0 }, ['20["hello","b"]']],
  ["EVENT ack id 1", { type: PacketType.EVENT, nsp: "/", data: ["hello", "c"], id: 1 }, ['21["hello","c"]']],
  ["EVENT /admin ack id 2^31-1", { type: PacketType.EVENT, nsp: "/admin", data: ["e"], id: MAX_ACK_ID }, ['2/admin,2147483647["e"]']],
  ["ACK", { type: PacketType.ACK, nsp: "/", data: ["ok"], id: 12 }, ['312["ok"]']],
  [
    "BINARY_ACK id 0 with one buffer",
    { type: PacketType.ACK, nsp: "/", data: ["ok", bytes(1, 2)], id: 0 },
    ['61-0["ok",{"_placeholder":true,"num":0}]', bytes(1, 2)],
  ],
  [
    "BINARY_ACK id 1 (WebSocket sample)",
    { type: PacketType.ACK, nsp: "/", data: ["ok", bytes(1, 2)], id: 1 },
    ['61-1["ok",{"_placeholder":true,"num":0}]', bytes(1, 2)],
  ],
  [
    "BINARY_EVENT /nsp with two buffers",
    { type: PacketType.EVENT, nsp: "/files", data: ["up", bytes(1), { b: bytes(2, 3) }], id: 7 },
    ['52-/files,7["up",{"_placeholder":true,"num":0},{"b":{"_placeholder":true,"num":1}}]', bytes(1), bytes(2, 3)],
  ],
  ["DISCONNECT /", { type: PacketType.DISCONNECT, nsp: "/" }, ["1"]],
  ["DISCONNECT /admin", { type: PacketType.DISCONNECT, nsp: "/admin" }, ["1/admin,"]],
];

describe("text codec golden frames (PROTOCOL.md §3.4)", () => {
  it.each(GOLDEN)("encodes %s", (_label, packet, frames) => {
    expect(textCodec.encode(packet)).toEqual(frames);
  });

  it.each(GOLDEN)("decodes %s", (_label, packet, frames) => {
    const decoder = textCodec.createDecoder();
    const results = frames.map((f) => decoder.add(f));
    expect(results.slice(0, -1).every((r) => r === undefined)).toBe(true);
    expect(results.at(-1)).toEqual(packet);
  });

  it("decodes what the reference accepts but never writes", () => {
    const decode = (text: string) => textCodec.createDecoder().add(text);
    expect(decode("0/admin")).toEqual({ type: 0, nsp: "/admin" }); // no trailing comma
    expect(decode('2/,["e"]')).toEqual({ type: 2, nsp: "/", data: ["e"] }); // explicit root namespace
    expect(decode('2007["e"]')).toEqual({ type: 2, nsp: "/", data: ["e"], id: 7 }); // leading zeros
    expect(decode('4"legacy"')).toEqual({ type: 4, nsp: "/", data: "legacy" }); // protocol v4 string error
  });

  it("placeholders are only special in BINARY_* packets, as in the reference", () => {
    const decoded = textCodec.createDecoder().add('2["e",{"_placeholder":true,"num":0}]');
    expect(decoded).toEqual({ type: 2, nsp: "/", data: ["e", placeholder(0)] });
  });

  it("drops mid, and refuses namespaces with a comma (the format cannot delimit them)", () => {
    expect(textCodec.encode({ type: 2, nsp: "/", data: ["e"], mid: "m1" })).toEqual(['2["e"]']);
    expect(() => textCodec.encode({ type: 0, nsp: "/a,b" })).toThrow(ProtocolError);
  });

  it("refuses invalid packets at encode time (programmer error)", () => {
    expect(() => textCodec.encode({ type: 2, nsp: "/", data: ["connect"] })).toThrow(ProtocolError);
    expect(() => textCodec.encode({ type: 3, nsp: "/", data: [] })).toThrow(ProtocolError);
  });
});
