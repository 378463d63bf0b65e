import { describe, expect, it } from "vitest";
import { checkWebSocketHandshake } from "../../src/engine/websocket-handshake.js";
import { checkRequest } from "../../src/engine/request-check.js";
import { request, WS_HEADERS } from "./fakes.js";

const sessions = new Map([
  ["poll", { transport: "polling" as const }],
  ["ws", { transport: "websocket" as const }],
]);
const ctx = { transports: ["polling", "websocket"] as const, find: (sid: string) => sessions.get(sid) };

describe("checkRequest", () => {
  it.each([
    ["transport first, even without EIO", "transport=abc", "get", false, { kind: "error", code: 0 }],
    ["EIO checked on handshakes", "transport=polling", "get", false, { kind: "error", code: 5 }],
    ["sid lookup before the version", "transport=polling&sid=nope", "get", false, { kind: "error", code: 1 }],
    ["polling on an upgraded session", "EIO=4&transport=polling&sid=ws", "get", false, { kind: "error", code: 3 }],
    ["second WebSocket on a WebSocket session", "EIO=4&transport=websocket&sid=ws", "get", true, { kind: "error", code: 3 }],
    ["websocket without upgrade", "EIO=4&transport=websocket", "get", false, { kind: "error", code: 3 }],
    ["upgrade with transport=polling", "EIO=4&transport=polling", "get", true, { kind: "error", code: 3 }],
    ["POST handshake", "EIO=4&transport=polling", "post", false, { kind: "error", code: 2 }],
    ["polling handshake", "EIO=4&transport=polling", "get", false, { kind: "handshake", transport: "polling" }],
    ["websocket handshake", "EIO=4&transport=websocket", "get", true, { kind: "handshake", transport: "websocket" }],
    ["polling request", "EIO=4&transport=polling&sid=poll", "post", false, { kind: "session" }],
    ["upgrade probe", "EIO=4&transport=websocket&sid=poll", "get", true, { kind: "session" }],
  ])("%s", (_name, query, method, upgrade, expected) => {
    expect(checkRequest(request(query, method), upgrade, ctx)).toMatchObject(expected);
  });

  it("refuses transports that are switched off", () => {
    const pollingOnly = { transports: ["polling"] as const, find: () => undefined };
    expect(checkRequest(request("EIO=4&transport=websocket"), true, pollingOnly)).toEqual({ kind: "error", code: 0 });
  });
});

describe("checkWebSocketHandshake", () => {
  it("accepts a valid RFC 6455 request", () => {
    expect(checkWebSocketHandshake(WS_HEADERS)).toBeUndefined();
  });

  it("answers version 8 with 426 and the supported version", () => {
    const res = checkWebSocketHandshake({ ...WS_HEADERS, "sec-websocket-version": "8" });
    expect(res?.status).toBe("426 Upgrade Required");
    expect(res?.headers).toContainEqual(["Sec-WebSocket-Version", "13"]);
  });

  it.each([
    ["no Upgrade header", { upgrade: "" }],
    ["Upgrade: h2c", { upgrade: "h2c" }],
    ["missing key", { "sec-websocket-key": "" }],
    ["a key of 15 bytes", { "sec-websocket-key": "AAAAAAAAAAAAAAAAAAAA" }],
    ["a key with bad padding bits", { "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZR==" }],
  ])("answers %s with 400", (_name, patch) => {
    expect(checkWebSocketHandshake({ ...WS_HEADERS, ...patch })?.status).toBe("400 Bad Request");
  });
});
