import { afterEach, beforeEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import {
  type EngineHarness,
  pollingHandshake,
  pollQuery,
  rawRequest,
  startEngine,
  UPGRADE_HEADERS,
  upgradeRequest,
} from "../engine/harness.js";

const GOOD = "https://good.example";

/** Origin allow-list on every request type, CORS only for allowed origins (RELIABILITY S1, H8, H9). */
describe("origin allow-list and CORS", () => {
  let h: EngineHarness;
  beforeEach(async () => {
    h = await startEngine({ cors: { origin: [GOOD, "http://localhost:8080"], credentials: true } });
  });
  afterEach(() => h.close());

  const tricks = [
    "https://evil.example",
    "null",
    "https://good.example.evil.com",
    "https://evilgood.example",
    "https://good.example.",
    "HTTPS://GOOD.EXAMPLE",
    "https://good.example:444",
    "http://good.example",
    "https://good.example/",
  ];

  it.each(tricks)("refuses a polling handshake from %s with 403 code 4 and no CORS headers", async (origin) => {
    const res = await fetch(h.url("EIO=4&transport=polling"), { headers: { Origin: origin } });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ code: 4, message: "Forbidden" });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("checks the origin on every polling GET and POST, not only the handshake", async () => {
    const { sid } = await pollingHandshake(h, "", { headers: { Origin: GOOD } });
    const evil = { Origin: "https://evil.example" };
    const post = await fetch(h.url(pollQuery(sid)), { method: "POST", body: "4injected", headers: evil });
    expect(post.status).toBe(403);
    const poll = await fetch(h.url(pollQuery(sid)), { headers: evil });
    expect(poll.status).toBe(403);
    // The session is untouched: nothing was injected.
    const ok = await fetch(h.url(pollQuery(sid)), { method: "POST", body: "4mine", headers: { Origin: GOOD } });
    expect(ok.status).toBe(200);
    expect(await (await fetch(h.url(pollQuery(sid)), { headers: { Origin: GOOD } })).text()).toBe("4mine");
  });

  it.each([
    ["a WebSocket-only handshake", "EIO=4&transport=websocket"],
    ["an upgrade of a polling session", "upgrade"],
  ])("refuses %s from a foreign origin with 403 before upgrading", async (_name, query) => {
    let q = query;
    if (query === "upgrade") q = `EIO=4&transport=websocket&sid=${(await pollingHandshake(h)).sid}`;
    const raw = await rawRequest(h.port, upgradeRequest(`/socket.io/?${q}`, { ...UPGRADE_HEADERS, Origin: "https://evil.example" }));
    expect(raw).toMatch(/^HTTP\/1\.1 403 /);
    expect(raw).toContain('{"code":4,"message":"Forbidden"}');
  });

  it("accepts allowed origins and requests without Origin (non-browser, same-origin GET)", async () => {
    const ws = new WebSocket(h.wsUrl("EIO=4&transport=websocket"), { origin: GOOD });
    await new Promise((resolve) => ws.once("message", resolve));
    ws.close();
    expect((await fetch(h.url("EIO=4&transport=polling"))).status).toBe(200);
  });

  it("sends CORS headers only to allowed origins", async () => {
    const { res } = await pollingHandshake(h, "", { headers: { Origin: GOOD } });
    expect(res.headers.get("access-control-allow-origin")).toBe(GOOD);
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.get("vary")).toBe("Origin");
    const plain = await fetch(h.url("EIO=4&transport=polling"));
    expect(plain.headers.get("access-control-allow-origin")).toBeNull();
    const error = await fetch(h.url("EIO=4&transport=polling&sid=nope"), { headers: { Origin: GOOD } });
    expect(error.status).toBe(400);
    expect(error.headers.get("access-control-allow-origin")).toBe(GOOD);
  });

  it("answers preflights for allowed origins only", async () => {
    const ok = await fetch(h.url("EIO=4&transport=polling"), {
      method: "OPTIONS",
      headers: { Origin: GOOD, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe(GOOD);
    expect(ok.headers.get("access-control-allow-methods")).toBe("GET,POST");
    expect(ok.headers.get("access-control-allow-headers")).toBe("content-type");
    const evil = await fetch(h.url("EIO=4&transport=polling"), {
      method: "OPTIONS",
      headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "POST" },
    });
    expect(evil.status).toBe(403);
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("origin allow-list without CORS headers", () => {
  let h: EngineHarness;
  afterEach(() => h.close());

  it("enforces allowedOrigins alone, and allows every origin by default", async () => {
    h = await startEngine({ allowedOrigins: [GOOD] });
    expect((await fetch(h.url("EIO=4&transport=polling"), { headers: { Origin: "https://x.example" } })).status).toBe(403);
    const { res } = await pollingHandshake(h, "", { headers: { Origin: GOOD } });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    await h.close();
    h = await startEngine();
    expect((await fetch(h.url("EIO=4&transport=polling"), { headers: { Origin: "https://x.example" } })).status).toBe(200);
  });
});
