import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mountEngine } from "../../src/uws/index.js";
import {
  type EngineHarness,
  pollingHandshake,
  pollQuery,
  rawRequest,
  startEngine,
  UPGRADE_HEADERS,
  upgradeRequest,
} from "../engine/harness.js";

/** Engine.IO HTTP errors (PROTOCOL.md §2.9, RELIABILITY.md §2.4 and H1–H7). */
describe("HTTP error codes", () => {
  let h: EngineHarness;
  beforeEach(async () => {
    h = await startEngine();
  });
  afterEach(() => h.close());

  const table: [string, string, string, number, number][] = [
    ["no EIO", "GET", "transport=polling", 400, 5],
    ["EIO=3", "GET", "EIO=3&transport=polling", 400, 5],
    ["EIO=abc", "GET", "EIO=abc&transport=polling", 400, 5],
    ["missing transport", "GET", "EIO=4", 400, 0],
    ["unknown transport", "GET", "EIO=4&transport=carrier-pigeon", 400, 0],
    ["unknown sid", "GET", "EIO=4&transport=polling&sid=nope", 400, 1],
    ["10 KB sid", "GET", `EIO=4&transport=polling&sid=${"x".repeat(10_000)}`, 400, 1],
    ["non-ASCII sid", "GET", "EIO=4&transport=polling&sid=%E2%98%83", 400, 1],
    ["POST without sid", "POST", "EIO=4&transport=polling", 400, 2],
    ["PUT without sid", "PUT", "EIO=4&transport=polling", 400, 2],
    ["websocket as plain GET", "GET", "EIO=4&transport=websocket", 400, 3],
  ];
  it.each(table)("%s → %i code %i", async (_name, method, query, status, code) => {
    const res = await fetch(h.url(query), { method });
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toEqual({ code, message: expect.any(String) });
  });

  it("uses the reference messages", async () => {
    const messages = await Promise.all(
      ["EIO=4", "EIO=4&transport=polling&sid=x", "transport=polling", "EIO=4&transport=websocket"].map(async (q) =>
        (await fetch(h.url(q))).json(),
      ),
    );
    expect(messages).toEqual([
      { code: 0, message: "Transport unknown" },
      { code: 1, message: "Session ID unknown" },
      { code: 5, message: "Unsupported protocol version" },
      { code: 3, message: "Bad request" },
    ]);
    const post = await fetch(h.url("EIO=4&transport=polling"), { method: "POST", body: "40" });
    expect(await post.json()).toEqual({ code: 2, message: "Bad handshake method" });
  });

  it("answers other methods on a session with 500, as the reference does", async () => {
    const { sid } = await pollingHandshake(h);
    const res = await fetch(h.url(pollQuery(sid)), { method: "PUT", body: "x" });
    expect(res.status).toBe(500);
    expect(h.engine.clientsCount).toBe(1);
  });

  it("never drops a plain GET on the WebSocket route without an HTTP answer (socket.io#4250)", async () => {
    const raw = await rawRequest(h.port, "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toContain('{"code":3,"message":"Bad request"}');
  });

  it("rejects Sec-WebSocket-Version 8 with 426 and Sec-WebSocket-Version: 13, before upgrading", async () => {
    const raw = await rawRequest(
      h.port,
      upgradeRequest("/socket.io/?EIO=4&transport=websocket", { ...UPGRADE_HEADERS, "Sec-WebSocket-Version": "8" }),
    );
    expect(raw).toMatch(/^HTTP\/1\.1 426 /);
    expect(raw).toMatch(/Sec-WebSocket-Version: 13/i);
    expect(h.engine.clientsCount).toBe(0);
  });

  it.each([
    ["missing key", { "Sec-WebSocket-Key": undefined }],
    ["short key", { "Sec-WebSocket-Key": "abc" }],
    ["24 chars, not 16 bytes of base64", { "Sec-WebSocket-Key": "!!!!!!!!!!!!!!!!!!!!!!==" }],
    ["no Upgrade header", { Upgrade: undefined }],
  ])("rejects an upgrade with %s with 400, never a 101", async (_name, patch) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...UPGRADE_HEADERS, ...patch })) if (v !== undefined) headers[k] = v;
    const raw = await rawRequest(h.port, upgradeRequest("/socket.io/?EIO=4&transport=websocket", headers));
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).not.toContain("101");
    expect(h.engine.clientsCount).toBe(0);
  });

  it.each([
    ["no EIO", "transport=websocket", 5],
    ["unknown transport", "EIO=4&transport=abc", 0],
    ["polling transport", "EIO=4&transport=polling", 3],
    ["unknown sid", "EIO=4&transport=websocket&sid=nope", 1],
  ])("rejects a WebSocket upgrade with %s before upgrading (code %i)", async (_name, query, code) => {
    const raw = await rawRequest(h.port, upgradeRequest(`/socket.io/?${query}`, UPGRADE_HEADERS));
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toContain(`"code":${code}`);
  });

  it("answers a POST without a body with 400 (parse error), and HEAD on a session with 500", async () => {
    const { sid } = await pollingHandshake(h);
    const head = await rawRequest(h.port, `HEAD /socket.io/?${pollQuery(sid)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(head).toMatch(/^HTTP\/1\.1 500 /);
    const post = await rawRequest(h.port, `POST /socket.io/?${pollQuery(sid)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(post).toMatch(/^HTTP\/1\.1 400 /);
  });

  it("drops a request with both Content-Length and Transfer-Encoding (uWS parser: close, no smuggling, H13)", async () => {
    const { sid } = await pollingHandshake(h);
    const smuggle =
      `POST /socket.io/?${pollQuery(sid)} HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n` +
      "Transfer-Encoding: chunked\r\n\r\n3\r\n4ab\r\n0\r\n\r\n";
    expect(await rawRequest(h.port, smuggle)).toBe("");
    expect(h.connections[0]!.send(["alive"])).toBe(true);
  });

  it("refuses a second engine on the same path of one app (programmer error)", () => {
    expect(() => mountEngine(h.app, {})).toThrow(expect.objectContaining({ code: "ENGINE_ALREADY_MOUNTED" }));
    expect(() => mountEngine(h.app, { path: "/other/" })).not.toThrow();
  });

  it("keeps the app's other routes on the same port", async () => {
    h.app.get("/health", (res) => {
      res.end("fine");
    });
    expect(await (await fetch(`http://127.0.0.1:${h.port}/health`)).text()).toBe("fine");
    expect((await fetch(h.url("EIO=4&transport=polling"))).status).toBe(200);
  });

  it("survives garbage and oversized requests", async () => {
    await rawRequest(h.port, Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00]), 300);
    await rawRequest(h.port, "GARBAGE\r\n\r\n", 300);
    await rawRequest(h.port, `GET /socket.io/?${"a".repeat(70_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 300);
    const many = Array.from({ length: 2000 }, (_, i) => `X-H${i}: v`).join("\r\n");
    await rawRequest(h.port, `GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\n${many}\r\n\r\n`, 300);
    expect((await fetch(h.url("EIO=4&transport=polling"))).status).toBe(200);
  });
});
