import { createServer, type Server, type ServerOptions } from "@cometa/server";
import { afterEach, describe, expect, it } from "vitest";
import { httpRequest, type ParsedResponse, rawHttp, UPGRADE } from "../../../server/test/hostile/raw-http.js";
import { RawWebSocket } from "../../../server/test/hostile/raw-websocket.js";

/**
 * RELIABILITY.md §4(d) S1 (CORS headers only for allowed origins, never a
 * credentialed reflection) and S13 (permessage-deflate off by default).
 * The Origin allow-list itself (403 on every handshake, polling GET/POST and
 * upgrade; exact matching against ten tricks) is covered by the hostile
 * catalogue's rows H8 and H9 (`packages/server/test/hostile/http.test.ts`);
 * this file checks the CORS answer across the configurations a user can write.
 */

const GOOD = "https://good.example";
const EVIL = "https://evil.example";
const POLLING = "/socket.io/?EIO=4&transport=polling";

let servers: Server[] = [];

afterEach(async () => {
  for (const io of servers) await io.close();
  servers = [];
});

async function start(options: ServerOptions): Promise<number> {
  const io = createServer(options);
  servers.push(io);
  return (await io.listen(0, "127.0.0.1")).port;
}

async function request(port: number, method: string, target: string, headers: Record<string, string>, body?: string): Promise<ParsedResponse> {
  const result = await rawHttp(port, httpRequest(method, target, headers, body));
  expect(result.response, `${method} ${target}: ${result.raw.slice(0, 120)}`).not.toBeNull();
  return result.response!;
}

/** The invariant every response must meet, whatever the configuration. */
function expectSafeCors(response: ParsedResponse, allowed: readonly string[], label: string): void {
  const allowOrigin = response.headers["access-control-allow-origin"];
  if (allowOrigin !== undefined) {
    expect(allowed, `${label}: ACAO ${allowOrigin} is not an allowed origin`).toContain(allowOrigin);
    expect(response.headers.vary ?? "", `${label}: a per-origin ACAO must vary on Origin`).toMatch(/Origin/i);
  }
  if (response.headers["access-control-allow-credentials"] !== undefined) {
    expect(allowOrigin, `${label}: credentials without an allowed, explicit origin`).toBeDefined();
    expect(allowOrigin).not.toBe("*");
  }
}

/** Handshake GET, preflight, and POST on the new session, from `origin`. */
async function probe(port: number, origin: string | undefined) {
  const headers: Record<string, string> = origin === undefined ? {} : { Origin: origin };
  const handshake = await request(port, "GET", POLLING, headers);
  const preflight = await request(port, "OPTIONS", POLLING, {
    ...headers,
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "content-type",
  });
  // A session from a non-browser client, then a POST into it from `origin`.
  const session = await request(port, "GET", POLLING, {});
  const sid = (JSON.parse(session.body.slice(1)) as { sid: string }).sid;
  const post = await request(port, "POST", `${POLLING}&sid=${sid}`, headers, "40");
  return { handshake, preflight, post };
}

describe("S1: CORS headers only for allowed origins", () => {
  it("cors {origin: [good], credentials}: good gets ACAO + credentials; evil gets 403 and no CORS header", async () => {
    const port = await start({ cors: { origin: [GOOD], credentials: true } });
    const good = await probe(port, GOOD);
    expect(good.handshake.status).toBe(200);
    expect(good.handshake.headers["access-control-allow-origin"]).toBe(GOOD);
    expect(good.handshake.headers["access-control-allow-credentials"]).toBe("true");
    expect(good.preflight.status).toBe(204);
    expect(good.preflight.headers["access-control-allow-methods"]).toMatch(/POST/);
    expect(good.post.status).toBe(200);
    const evil = await probe(port, EVIL);
    for (const [name, response] of Object.entries(evil)) {
      expect(response.status, name).toBe(403);
      expect(response.headers["access-control-allow-origin"], name).toBeUndefined();
      expect(response.headers["access-control-allow-credentials"], name).toBeUndefined();
    }
    for (const response of [...Object.values(good), ...Object.values(evil)]) expectSafeCors(response, [GOOD], "credentials");
  });

  it("no cors, no allow-list (every origin allowed): served, but never a reflected origin or credentials", async () => {
    const port = await start({});
    for (const origin of [EVIL, GOOD, "null", undefined]) {
      const result = await probe(port, origin);
      expect(result.handshake.status, String(origin)).toBe(200);
      for (const response of Object.values(result)) {
        expect(response.headers["access-control-allow-origin"], String(origin)).toBeUndefined();
        expect(response.headers["access-control-allow-credentials"], String(origin)).toBeUndefined();
      }
    }
  });

  it('allowedOrigins "*" with cors for good: evil passes the Origin check but gets no CORS header (the browser cannot read)', async () => {
    const port = await start({ allowedOrigins: "*", cors: { origin: [GOOD], credentials: true } });
    const evil = await probe(port, EVIL);
    expect(evil.handshake.status).toBe(200);
    for (const response of Object.values(evil)) expectSafeCors(response, [GOOD], "allow-all");
    expect(evil.handshake.headers["access-control-allow-origin"]).toBeUndefined();
    const good = await probe(port, GOOD);
    expect(good.handshake.headers["access-control-allow-origin"]).toBe(GOOD);
  });

  it("a preflight from an evil origin never echoes its requested headers (no header injection either)", async () => {
    const port = await start({ cors: { origin: [GOOD] } });
    const evil = await request(port, "OPTIONS", POLLING, { Origin: EVIL, "Access-Control-Request-Headers": "x-evil" });
    expect(evil.headers["access-control-allow-headers"]).toBeUndefined();
    const good = await request(port, "OPTIONS", POLLING, { Origin: GOOD, "Access-Control-Request-Headers": "x-good" });
    expect(good.headers["access-control-allow-headers"]).toBe("x-good");
    expect(good.headers["access-control-allow-credentials"]).toBeUndefined();
  });

  it("suffix and path entries are refused at listen (INVALID_OPTION); a wildcard entry is matched literally, never as a pattern", async () => {
    for (const origin of ["*.example.com", "https://good.example/", "good.example", "https://good.example/app"]) {
      const io = createServer({ cors: { origin: [origin] } });
      servers.push(io);
      // Validated when the engine starts (listen/attach), before any request is served.
      await expect(io.listen(0, "127.0.0.1"), origin).rejects.toMatchObject({ code: "INVALID_OPTION" });
    }
    // `https://*.example.com` has the scheme://host shape, so it is accepted, and then only equals itself.
    const port = await start({ cors: { origin: ["https://*.example.com"], credentials: true } });
    for (const origin of ["https://a.example.com", "https://example.com", "https://x.a.example.com"]) {
      const response = await request(port, "GET", POLLING, { Origin: origin });
      expect(response.status, origin).toBe(403);
      expectSafeCors(response, ["https://*.example.com"], origin);
    }
  });
});

describe("S13: permessage-deflate", () => {
  it("is off by default: an offer is declined on the upgrade", async () => {
    const port = await start({});
    const ws = await RawWebSocket.open(port, undefined, { "Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits" });
    expect(ws.headers).toMatch(/^HTTP\/1\.1 101/);
    expect(ws.headers).not.toMatch(/Sec-WebSocket-Extensions/i);
    ws.destroy();
  });

  it("control: with perMessageDeflate: true the same offer is accepted (the bomb row W2 then applies)", async () => {
    const port = await start({ perMessageDeflate: true });
    const ws = await RawWebSocket.open(port, undefined, { "Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits" });
    expect(ws.headers).toMatch(/Sec-WebSocket-Extensions: permessage-deflate/i);
    ws.destroy();
  });

  it("a plain upgrade (no offer) stays uncompressed on the default server", async () => {
    const port = await start({});
    const result = await rawHttp(port, httpRequest("GET", "/socket.io/?EIO=4&transport=websocket", UPGRADE), { timeoutMs: 500 });
    expect(result.raw).toMatch(/^HTTP\/1\.1 101/);
    expect(result.raw).not.toMatch(/Sec-WebSocket-Extensions/i);
  });
});
