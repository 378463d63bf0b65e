import { describe, expect, it } from "vitest";
import {
  ConnectRefusal,
  isValidAckId,
  isValidNamespace,
  MAX_ACK_ID,
  MAX_NAMESPACE_LENGTH,
  PacketType,
  ProtocolError,
  validatePacket,
} from "../src/index.js";

function expectCode(result: unknown, code: string): void {
  expect(result).toBeInstanceOf(ProtocolError);
  expect((result as ProtocolError).code).toBe(code);
}

describe("isValidAckId", () => {
  it.each([0, 1, 12, MAX_ACK_ID])("accepts %s", (id) => expect(isValidAckId(id)).toBe(true));
  it.each([-1, 2.5, 2 ** 31, 2 ** 53 + 1, 1e27, "1", Number.NaN, Number.POSITIVE_INFINITY, null, undefined, -0.5])(
    "rejects %s",
    (id) => expect(isValidAckId(id)).toBe(false),
  );
});

describe("isValidNamespace", () => {
  it.each(["/", "/admin", "/a/b", "/日本", "/../admin", "/аdmin", "/a,b", "/" + "x".repeat(MAX_NAMESPACE_LENGTH - 1)])(
    "accepts %j",
    (nsp) => expect(isValidNamespace(nsp)).toBe(true),
  );
  it.each([
    ["number", 123],
    ["empty", ""],
    ["no slash", "admin"],
    ["NUL", "/a\u0000"],
    ["newline", "/a\n"],
    ["DEL", "/\u007f"],
    ["too long", "/" + "x".repeat(MAX_NAMESPACE_LENGTH)],
    ["undefined", undefined],
  ])("rejects %s", (_label, nsp) => expect(isValidNamespace(nsp)).toBe(false));
});

describe("validatePacket", () => {
  it("returns a fresh plain object with only the known keys", () => {
    const data = ["hello", 1];
    const raw = { type: 2, nsp: "/", data, id: 3, options: { compress: true }, extra: 1 };
    const packet = validatePacket(raw);
    expect(packet).toEqual({ type: 2, nsp: "/", data, id: 3 });
    expect(packet).not.toBe(raw);
    expect(Object.getPrototypeOf(packet)).toBe(Object.prototype);
    expect(Object.keys(packet)).toEqual(["type", "nsp", "data", "id"]);
  });

  it("treats undefined values (notepack's absent) as absent", () => {
    const packet = validatePacket({ type: 0, nsp: "/", data: undefined, id: undefined, mid: undefined });
    expect(packet).toEqual({ type: 0, nsp: "/" });
    expect(Object.keys(packet)).toEqual(["type", "nsp"]);
  });

  it("never reads fields from the prototype chain", () => {
    const raw = Object.create({ type: 2, nsp: "/", data: ["e"] });
    expectCode(validatePacket(raw), "INVALID_PACKET");
  });

  it("normalises BINARY_EVENT/BINARY_ACK only with binaryTypes", () => {
    expect(validatePacket({ type: 5, nsp: "/", data: ["e"] }, { binaryTypes: true })).toEqual({ type: PacketType.EVENT, nsp: "/", data: ["e"] });
    expect(validatePacket({ type: 6, nsp: "/", data: [], id: 1 }, { binaryTypes: true })).toEqual({ type: PacketType.ACK, nsp: "/", data: [], id: 1 });
    expectCode(validatePacket({ type: 5, nsp: "/", data: ["e"] }), "INVALID_PACKET");
  });

  it("keeps mid on EVENT only", () => {
    expect(validatePacket({ type: 2, nsp: "/", data: ["e"], mid: "m1" })).toEqual({ type: 2, nsp: "/", data: ["e"], mid: "m1" });
    expect(validatePacket({ type: 3, nsp: "/", data: [], id: 1, mid: "m1" })).toEqual({ type: 3, nsp: "/", data: [], id: 1 });
    expectCode(validatePacket({ type: 2, nsp: "/", data: ["e"], mid: "" }), "INVALID_PACKET");
  });

  it("accepts numeric event names, as both reference parsers do, but not NaN", () => {
    expect(validatePacket({ type: 2, nsp: "/", data: [1] })).toEqual({ type: 2, nsp: "/", data: [1] });
    expectCode(validatePacket({ type: 2, nsp: "/", data: [Number.NaN] }), "INVALID_PACKET");
  });

  it("allows a 10 KB event name (length limits belong to the server)", () => {
    const name = "e".repeat(10_240);
    expect(validatePacket({ type: 2, nsp: "/", data: [name] })).toEqual({ type: 2, nsp: "/", data: [name] });
  });

  it.each([
    ["not an object", "2", "INVALID_PACKET"],
    ["null", null, "INVALID_PACKET"],
    ["an array", [2, "/"], "INVALID_PACKET"],
    ["class instance as CONNECT data", { type: 0, nsp: "/", data: new Date() }, "INVALID_PACKET"],
    ["CONNECT data array", { type: 0, nsp: "/", data: [] }, "INVALID_PACKET"],
    ["bad namespace", { type: 0, nsp: "x" }, "INVALID_NAMESPACE"],
    ["ack id out of range", { type: 2, nsp: "/", data: ["e"], id: 2 ** 31 }, "INVALID_ACK_ID"],
    ["ack id null", { type: 2, nsp: "/", data: ["e"], id: null }, "INVALID_ACK_ID"],
    ["ACK without id", { type: 3, nsp: "/", data: [] }, "INVALID_ACK_ID"],
    ["id on CONNECT_ERROR", { type: 4, nsp: "/", data: "x", id: 1 }, "INVALID_PACKET"],
    ["reserved name", { type: 2, nsp: "/", data: ["disconnecting"] }, "INVALID_PACKET"],
    ["type 2 as a string", { type: "2", nsp: "/", data: ["e"] }, "INVALID_PACKET"],
  ])("rejects %s", (_label, raw, code) => {
    expectCode(validatePacket(raw), code);
  });
});

describe("validatePacket: refused CONNECTs (RELIABILITY.md M12, M17)", () => {
  it.each(["", "admin", "/ad\u0000min", "/" + "n".repeat(10_000)])("a CONNECT to namespace %j is a ConnectRefusal carrying it", (nsp) => {
    const result = validatePacket({ type: 0, nsp, data: { token: "t" } });
    expect(result).toBeInstanceOf(ConnectRefusal);
    expect(result).toMatchObject({ nsp, reason: "namespace", code: "INVALID_NAMESPACE" });
  });

  it.each(["token", [1], 42, true, null, new Date(0)])("a CONNECT with auth %j is a ConnectRefusal carrying its namespace", (data) => {
    const result = validatePacket({ type: 0, nsp: "/chat", data });
    expect(result).toBeInstanceOf(ConnectRefusal);
    expect(result).toMatchObject({ nsp: "/chat", reason: "auth", code: "INVALID_PACKET" });
  });

  it.each([
    ["a non-string namespace (both reference parsers refuse it)", { type: 0, nsp: 123 }],
    ["a null namespace", { type: 0, nsp: null }],
    ["an array namespace", { type: 0, nsp: ["/"] }],
    ["an ack id, with a bad namespace", { type: 0, nsp: "admin", id: 1 }],
    ["a bad mid, with bad auth", { type: 0, nsp: "/", data: 1, mid: "" }],
  ])("%s stays a plain rejection", (_label, raw) => {
    const result = validatePacket(raw);
    expect(result).toBeInstanceOf(ProtocolError);
    expect(result).not.toBeInstanceOf(ConnectRefusal);
  });

  it("never refuses other packet types: an EVENT to a bad namespace is rejected", () => {
    expect(validatePacket({ type: 2, nsp: "admin", data: ["e"] })).not.toBeInstanceOf(ConnectRefusal);
    expect(validatePacket({ type: 4, nsp: "admin", data: "x" })).not.toBeInstanceOf(ConnectRefusal);
  });

  it("a valid CONNECT still passes, without mid", () => {
    expect(validatePacket({ type: 0, nsp: "/", data: { a: 1 }, mid: "m" })).toEqual({ type: 0, nsp: "/", data: { a: 1 } });
  });
});
