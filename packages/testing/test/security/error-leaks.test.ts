import { createServer, type Server } from "@cometa/server";
import { io as connect } from "socket.io-client";
import * as msgpackParser from "socket.io-msgpack-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpRequest, type RawResult, rawHttp, UPGRADE } from "../../../server/test/hostile/raw-http.js";
import { RawWebSocket } from "../../../server/test/hostile/raw-websocket.js";
import { SioSocket, T } from "../../../server/test/hostile/sio-socket.js";

/**
 * RELIABILITY.md §4(d) S11: errors carry codes, never internals. Every
 * refusal a client can provoke is collected (HTTP error statuses and their
 * headers, WebSocket close reasons, CONNECT_ERROR payloads) from a server
 * whose middleware and handlers fail with errors that *do* carry a stack
 * and a file path, then searched for stack frames, file paths and versions.
 * Secrets in logs (S12) are the hostile catalogue's A3/S12 rows
 * (`packages/server/test/hostile/auth.test.ts`).
 */

/** What must never reach a client: stack frames, file paths, module names, version strings. */
const LEAK =
  /\n\s*at |\bat [\w.<>$]+ \(|(^|[\s"'(])\/(work|home|usr|root|tmp|opt|srv|var)\/|[A-Z]:\\|node_modules|node:internal|\.[cm]?[jt]sx?:\d+|uWebSockets\.js|@cometa\/|@trufflesuite|\bv?\d+\.\d+\.\d+\b|"stack"/;
/** An internal error, as a real app's would look. */
const INTERNAL = "ECONNREFUSED 10.0.0.5:5432 in /srv/app/node_modules/pg/lib/client.js:132";
const GOOD = "https://good.example";
const WS = "/socket.io/?EIO=4&transport=websocket";
const POLLING = "/socket.io/?EIO=4&transport=polling";

let io: Server;
let port: number;
const handlerErrors: unknown[] = [];

beforeAll(async () => {
  io = createServer({
    cors: { origin: [GOOD] },
    maxPayload: 10_000,
    maxConnectionsPerIp: 2,
    onError: (error) => handlerErrors.push(error),
    allowRequest: (req) => {
      if (req.query.boom === "sync") throw new Error(INTERNAL);
      if (req.query.boom === "async") return Promise.reject(new Error(INTERNAL));
      return true;
    },
  });
  io.use((socket, next) => {
    const mode = (socket.handshake.auth as { mode?: string }).mode;
    if (mode === "throw") throw new Error(INTERNAL);
    if (mode === "next") return next(Object.assign(new Error("unauthorized"), { data: { code: "BAD_TOKEN" } }));
    next();
  });
  io.on("connection", (socket) => {
    socket.on("explode", () => {
      throw new TypeError(INTERNAL);
    });
  });
  ({ port } = await io.listen(0, "127.0.0.1"));
});

afterAll(async () => {
  await io?.close();
});

/** Every text a client saw in `result`: status line, header values, body. */
function seen(result: RawResult): string {
  return result.raw.replace(/\r\nuWebSockets: \d+/gi, "");
}

describe("S11: errors leak no internals", () => {
  it("the leak pattern catches what it is for (a real stack, a path, a version)", () => {
    expect(new Error("x").stack).toMatch(LEAK);
    expect(INTERNAL).toMatch(LEAK);
    expect('{"code":3,"message":"Bad request"}').not.toMatch(LEAK);
    expect("uWebSockets.js 20.30.0").toMatch(LEAK);
  });

  it("HTTP error responses (400/403/404/413/414/426/429/431 and allowRequest failures) carry no stack, path or version", async () => {
    const requests: [string, string][] = [
      ["bad EIO", httpRequest("GET", "/socket.io/?EIO=3&transport=polling")],
      ["bad transport", httpRequest("GET", "/socket.io/?EIO=4&transport=carrier-pigeon")],
      ["unknown sid", httpRequest("GET", `${POLLING}&sid=${"x".repeat(30)}`)],
      ["POST without sid", httpRequest("POST", POLLING, {}, "40")],
      ["plain GET on websocket", httpRequest("GET", WS)],
      ["version 8", httpRequest("GET", WS, { ...UPGRADE, "Sec-WebSocket-Version": "8" })],
      ["bad key", httpRequest("GET", WS, { ...UPGRADE, "Sec-WebSocket-Key": "abc" })],
      ["evil origin", httpRequest("GET", POLLING, { Origin: "https://evil.example" })],
      ["16 KB header", httpRequest("GET", POLLING, { "X-Big": "a".repeat(16 * 1024) })],
      ["20 KB URL", httpRequest("GET", `${POLLING}&q=${"b".repeat(20_000)}`)],
      ["allowRequest throws", httpRequest("GET", `${POLLING}&boom=sync`)],
      ["allowRequest rejects", httpRequest("GET", `${POLLING}&boom=async`)],
      ["unknown path", httpRequest("GET", "/admin/../../etc/passwd")],
      ["bad method", httpRequest("DELETE", POLLING)],
    ];
    const answers: string[] = [];
    for (const [name, request] of requests) {
      const result = await rawHttp(port, request);
      if (result.response !== null) expect(result.response.status, name).toBeGreaterThanOrEqual(400);
      expect(seen(result), name).not.toMatch(LEAK);
      answers.push(seen(result));
    }
    // A session, then a POST over maxPayload (413) and an undecodable one (400); then the per-address cap (429).
    const session = async () => {
      const result = await rawHttp(port, httpRequest("GET", POLLING), { localAddress: "127.0.4.1" });
      return (JSON.parse(result.response!.body.slice(1)) as { sid: string }).sid;
    };
    const first = await session();
    const big = await rawHttp(port, httpRequest("POST", `${POLLING}&sid=${first}`, {}, `4${"x".repeat(20_000)}`));
    expect(big.response?.status).toBe(413);
    const second = await session();
    const garbage = await rawHttp(port, httpRequest("POST", `${POLLING}&sid=${second}`, {}, "9\x00\xff garbage"));
    expect(garbage.response?.status).toBe(400);
    await session();
    await session();
    const capped = await rawHttp(port, httpRequest("GET", POLLING), { localAddress: "127.0.4.1" });
    expect(capped.response?.status).toBe(429);
    for (const result of [big, garbage, capped]) expect(seen(result)).not.toMatch(LEAK);
    // The server did see the internal error: it just did not send it.
    expect(answers.join("\n")).not.toContain("ECONNREFUSED");
  });

  it("WebSocket close reasons (message too big, parse error) carry no internals", async () => {
    const reasons: string[] = [];
    const tooBig = await RawWebSocket.open(port);
    tooBig.sendFrame({ opcode: 0x1, payload: `4${"x".repeat(20_000)}` });
    reasons.push((await tooBig.closed).reason);
    const garbage = await RawWebSocket.open(port);
    garbage.sendFrame({ opcode: 0x2, payload: Buffer.from([0xc1, 0xff, 0x00, 0x93]) });
    garbage.sendFrame({ opcode: 0x1, payload: "4\u0000{not json" });
    reasons.push((await garbage.closed).reason);
    // uWS itself drops an oversized message without a close frame (hostile row W1): an empty reason.
    expect(reasons).toEqual(["", "parse error"]);
    for (const reason of reasons) expect(reason).not.toMatch(LEAK);
  });

  it("CONNECT_ERROR from failing middleware: message and data only; a thrown internal error becomes `server error`", async () => {
    const refusals: unknown[] = [];
    for (const mode of ["next", "throw"]) {
      const socket = await SioSocket.open(port, { auth: { mode } });
      const reply = socket.packets.find((p) => p.type === T.CONNECT_ERROR);
      refusals.push(reply?.data);
      socket.close();
    }
    expect(refusals).toEqual([{ message: "unauthorized", data: { code: "BAD_TOKEN" } }, { message: "server error" }]);
    const invalid = await SioSocket.open(port, { nsp: "/no-such-namespace" });
    refusals.push(invalid.packets.find((p) => p.type === T.CONNECT_ERROR)?.data);
    invalid.close();
    expect(refusals[2]).toEqual({ message: "Invalid namespace" });
    for (const refusal of refusals) expect(JSON.stringify(refusal)).not.toMatch(LEAK);
  });

  it("a listener that throws sends the client nothing (the error goes to onError) and the connection stays up", async () => {
    const client = connect(`http://127.0.0.1:${port}`, { transports: ["websocket"], parser: msgpackParser, reconnection: false, forceNew: true });
    const received: unknown[] = [];
    client.onAny((...args: unknown[]) => received.push(args));
    await new Promise<void>((resolve) => client.once("connect", () => resolve()));
    const before = handlerErrors.length;
    client.emit("explode");
    await expect.poll(() => handlerErrors.length).toBe(before + 1);
    expect(client.connected).toBe(true);
    expect(received).toEqual([]);
    client.disconnect();
  });

  it.fails(
    "GAP (uWS build): responses carry no library version header — today every response has `uWebSockets: 20` (the binary's write mark; only a build with UWS_HTTPRESPONSE_NO_WRITEMARK or a proxy removes it)",
    async () => {
      const result = await rawHttp(port, httpRequest("GET", "/socket.io/?EIO=3&transport=polling"));
      expect(result.raw).not.toMatch(/\r\nuWebSockets:/i);
    },
  );
});
