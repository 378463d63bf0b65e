import { type Frame, type Packet, PacketType } from "@cometa/protocol";
import * as msgpackParser from "socket.io-msgpack-parser";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeConnection } from "./fake-engine.js";
import { createTestServer, type TestServer } from "./harness.js";
import { mp } from "./hostile/msgpack-bytes.js";

/**
 * RELIABILITY M12 / M17 through the real codecs: a CONNECT to a namespace
 * string no namespace can have, or with an auth payload that is not an
 * object, gets CONNECT_ERROR on that namespace and the connection stays, in
 * the text and the MessagePack format alike. The replies are read with the
 * official msgpack parser and, for text, as the exact frames the reference
 * encoder writes.
 */

let server: TestServer;

afterEach(async () => {
  await server?.io.close();
});

const INVALID_NAMESPACE = { message: "Invalid namespace" };
const INVALID_AUTH = { message: "Invalid auth payload", data: { code: "INVALID_AUTH_PAYLOAD" } };

/** A connection whose received packets are decoded by socket.io-msgpack-parser (what official clients run). */
function officialMsgpackConnection(): { conn: FakeConnection; packets: Packet[] } {
  const conn = server.engine.open();
  const packets: Packet[] = [];
  const decoder = new msgpackParser.Decoder();
  decoder.on("decoded", (p: Packet) => packets.push(p));
  // Copied at once: the codec's frames are views into a slab the next encode reuses (and the parser wants a Buffer).
  conn.onDeliver = (frames) => {
    for (const frame of frames) decoder.add(Buffer.from(frame as Uint8Array));
  };
  return { conn, packets };
}

/** A CONNECT frame with any fields, written without validation (a hostile or buggy peer). */
function msgpackConnect(nsp: unknown, data?: unknown): Frame {
  return mp(data === undefined ? { type: 0, nsp } : { type: 0, nsp, data });
}

describe("refused CONNECTs, MessagePack", () => {
  const cases: [string, string, unknown, unknown][] = [
    ["empty namespace", "", undefined, INVALID_NAMESPACE],
    ["no leading slash", "admin", { token: "t" }, INVALID_NAMESPACE],
    ["a NUL inside", "/ad\u0000min", undefined, INVALID_NAMESPACE],
    ["10 KB name", `/${"n".repeat(10_000)}`, undefined, INVALID_NAMESPACE],
    ["unknown namespace", "/../admin", undefined, INVALID_NAMESPACE],
    ["string auth", "/", "token", INVALID_AUTH],
    ["array auth", "/", [1, 2], INVALID_AUTH],
    ["number auth", "/", 42, INVALID_AUTH],
    ["boolean auth", "/", true, INVALID_AUTH],
    ["null auth", "/", null, INVALID_AUTH],
  ];

  it.each(cases)("%s → CONNECT_ERROR on that namespace, connection kept", (_label, nsp, auth, reply) => {
    server = createTestServer({ codec: "msgpack" });
    const { conn, packets } = officialMsgpackConnection();
    conn.receive(msgpackConnect(nsp, auth));
    expect(conn.closeReason).toBeUndefined();
    expect(packets).toEqual([{ type: PacketType.CONNECT_ERROR, nsp, data: reply }]);
    // The same connection then joins "/" normally.
    conn.receive(msgpackConnect("/", { ok: 1 }));
    expect(packets[1]).toMatchObject({ type: PacketType.CONNECT, nsp: "/" });
  });

  it("a non-string namespace stays a parse error, as in socket.io-msgpack-parser", () => {
    server = createTestServer({ codec: "msgpack" });
    for (const nsp of [123, null, ["/"]]) {
      const conn = server.engine.open();
      conn.receive(msgpackConnect(nsp));
      expect(conn.closeReason).toBe("parse error");
    }
  });

  it("a bad-auth CONNECT to a namespace already joined is an invalid state (closed)", () => {
    server = createTestServer({ codec: "msgpack" });
    const conn = server.engine.open();
    conn.receive(msgpackConnect("/"));
    conn.receive(msgpackConnect("/", "token"));
    expect(conn.closeReason).toBe("forced server close");
  });

  it("refusals do not count against maxNamespacesPerClient", () => {
    server = createTestServer({ codec: "msgpack", maxNamespacesPerClient: 1 });
    const { conn, packets } = officialMsgpackConnection();
    for (let i = 0; i < 5; i++) conn.receive(msgpackConnect("admin"));
    conn.receive(msgpackConnect("/"));
    expect(packets).toHaveLength(6);
    expect(packets.at(-1)).toMatchObject({ type: PacketType.CONNECT, nsp: "/" });
  });
});

describe("refused CONNECTs, text (the Socket.IO default parser)", () => {
  it.each([
    ["a NUL inside", "0/ad\u0000min,", '4/ad\u0000min,{"message":"Invalid namespace"}'],
    ["a newline inside", '0/a\nb,{"token":"t"}', '4/a\nb,{"message":"Invalid namespace"}'],
    ["string auth", '0"token"', '4{"message":"Invalid auth payload","data":{"code":"INVALID_AUTH_PAYLOAD"}}'],
    ["array auth on /admin", "0/admin,[1,2]", '4/admin,{"message":"Invalid auth payload","data":{"code":"INVALID_AUTH_PAYLOAD"}}'],
    ["boolean auth", "0true", '4{"message":"Invalid auth payload","data":{"code":"INVALID_AUTH_PAYLOAD"}}'],
    ["null auth", "0null", '4{"message":"Invalid auth payload","data":{"code":"INVALID_AUTH_PAYLOAD"}}'],
  ])("%s → the reference CONNECT_ERROR frame, connection kept", (_label, frame, reply) => {
    server = createTestServer({ codec: "text" });
    const conn = server.engine.open();
    conn.receive(frame);
    expect(conn.closeReason).toBeUndefined();
    expect(conn.sent).toEqual([reply]);
    conn.receive("0");
    expect(conn.sent[1]).toMatch(/^0\{"sid":"/);
  });

  it("an unparsable payload stays a parse error ('0admin' reads as nsp '/' + invalid JSON, as in socket.io-parser)", () => {
    server = createTestServer({ codec: "text" });
    const conn = server.engine.open();
    conn.receive("0admin");
    expect(conn.closeReason).toBe("parse error");
  });
});
