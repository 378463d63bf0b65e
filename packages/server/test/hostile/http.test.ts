import { expect } from "vitest";
import { closePolling, engineRequest, expectEngineError, expectRefusedOrClosed, pollingSession } from "./expect-http.js";
import { type HostileRow, hostileSuite, STALL_MS } from "./harness.js";
import { httpRequest, rawHttp, UPGRADE } from "./raw-http.js";
import { RawWebSocket } from "./raw-websocket.js";

/** RELIABILITY.md §4(c) HTTP handshake rows H1–H16 (H12 and H17 wait for uWS's timeout: slowloris.test.ts), plus the per-address cap (S7). */

const WS_PATH = "/socket.io/?EIO=4&transport=websocket";
const GOOD = "https://good.example";
const CAP = 20;

const rows: HostileRow[] = [
  {
    id: "H1",
    name: "no EIO, EIO=3, EIO=abc, EIO=4.0 → 400 code 5 (polling and WebSocket)",
    async run(ctx) {
      for (const eio of ["", "EIO=3&", "EIO=abc&", "EIO=4.0&", "EIO=04&", "EIO=4%00&"]) {
        expectEngineError(await engineRequest(ctx.server, "GET", `${eio}transport=polling`), 400, 5);
        const ws = await rawHttp(ctx.server.port, httpRequest("GET", `/socket.io/?${eio}transport=websocket`, UPGRADE));
        expectEngineError(ws, 400, 5);
        ctx.tried(2);
      }
    },
  },
  {
    id: "H2",
    name: "unknown or missing transport → 400 code 0",
    async run(ctx) {
      for (const q of ["EIO=4&transport=carrier-pigeon", "EIO=4", "EIO=4&transport=", "EIO=4&transport=POLLING", "EIO=4&transport=webtransport"]) {
        expectEngineError(await engineRequest(ctx.server, "GET", q), 400, 0);
        ctx.tried();
      }
    },
  },
  {
    id: "H3",
    name: "unknown, 10 KB and non-ASCII sid → 400 code 1 (GET, POST, WebSocket)",
    async run(ctx) {
      for (const sid of ["nope", "x".repeat(10_000), "%E2%98%83", "%00", "..%2F..%2Fetc"]) {
        expectEngineError(await engineRequest(ctx.server, "GET", `EIO=4&transport=polling&sid=${sid}`), 400, 1);
        expectEngineError(await engineRequest(ctx.server, "POST", `EIO=4&transport=polling&sid=${sid}`, {}, "40"), 400, 1);
        const ws = await rawHttp(ctx.server.port, httpRequest("GET", `${WS_PATH}&sid=${sid}`, UPGRADE));
        expectEngineError(ws, 400, 1);
        ctx.tried(3);
      }
    },
  },
  {
    id: "H4",
    name: "POST or PUT without sid → 400 code 2",
    async run(ctx) {
      for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
        expectEngineError(await engineRequest(ctx.server, method, "EIO=4&transport=polling", {}, "40"), 400, 2);
        ctx.tried();
      }
    },
  },
  {
    id: "H5",
    name: "transport=websocket as a plain GET → 400 code 3 (socket.io#4250 regression)",
    async run(ctx) {
      expectEngineError(await engineRequest(ctx.server, "GET", "EIO=4&transport=websocket"), 400, 3);
      // Upgrade header without the rest of the handshake, and Connection: Upgrade alone.
      expectEngineError(await engineRequest(ctx.server, "GET", "EIO=4&transport=websocket", { Connection: "Upgrade" }), 400, 3);
      ctx.tried(2);
    },
  },
  {
    id: "H6",
    name: "Sec-WebSocket-Version other than 13 → 426 + Sec-WebSocket-Version: 13",
    async run(ctx) {
      for (const version of ["8", "12", "14", "13, 8", ""]) {
        const result = await rawHttp(ctx.server.port, httpRequest("GET", WS_PATH, { ...UPGRADE, "Sec-WebSocket-Version": version }));
        expect(result.response?.status, `version ${version}`).toBe(426);
        expect(result.response?.headers["sec-websocket-version"]).toBe("13");
        ctx.tried();
      }
    },
  },
  {
    id: "H7",
    name: "Sec-WebSocket-Key missing or not 16 bytes of base64 → 400",
    async run(ctx) {
      const keys = [undefined, "", "abc", "!!!!!!!!!!!!!!!!!!!!!!==", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZQ===", "a".repeat(4000)];
      for (const key of keys) {
        const headers: Record<string, string> = { ...UPGRADE };
        if (key === undefined) delete headers["Sec-WebSocket-Key"];
        else headers["Sec-WebSocket-Key"] = key;
        const result = await rawHttp(ctx.server.port, httpRequest("GET", WS_PATH, headers));
        expect(result.response?.status, `key ${key?.slice(0, 30)}`).toBe(400);
        ctx.tried();
      }
    },
  },
  {
    id: "H8",
    name: "Origin https://evil.example on polling GET, POST and the WebSocket upgrade → 403 code 4, no CORS headers",
    async run(ctx) {
      const evil = { Origin: "https://evil.example" };
      const handshake = await engineRequest(ctx.server, "GET", "EIO=4&transport=polling", evil);
      expectEngineError(handshake, 403, 4);
      const sid = await pollingSession(ctx.server);
      const get = await engineRequest(ctx.server, "GET", `EIO=4&transport=polling&sid=${sid}`, evil);
      const post = await engineRequest(ctx.server, "POST", `EIO=4&transport=polling&sid=${sid}`, evil, '42["echo"]');
      const ws = await rawHttp(ctx.server.port, httpRequest("GET", WS_PATH, { ...UPGRADE, ...evil }));
      const probe = await rawHttp(ctx.server.port, httpRequest("GET", `${WS_PATH}&sid=${sid}`, { ...UPGRADE, ...evil }));
      for (const result of [handshake, get, post, ws, probe]) {
        expectEngineError(result, 403, 4);
        expect(result.response!.headers["access-control-allow-origin"]).toBeUndefined();
        expect(result.response!.headers["access-control-allow-credentials"]).toBeUndefined();
      }
      await closePolling(ctx.server, sid);
      ctx.tried(5);
    },
  },
  {
    id: "H9",
    name: "Origin tricks → 403; only the exact allow-listed origin passes, with CORS headers",
    async run(ctx) {
      const tricks = [
        "null",
        "https://good.example.evil.com",
        "https://evilgood.example",
        "https://good.example.",
        "HTTPS://GOOD.EXAMPLE",
        "https://good.example:444",
        "http://good.example",
        "https://good.example/",
        "https://good.example%00",
        "https://GOOD.example",
      ];
      for (const origin of tricks) {
        const result = await engineRequest(ctx.server, "GET", "EIO=4&transport=polling", { Origin: origin });
        expect(result.response?.status, `origin ${JSON.stringify(origin)}`).toBe(403);
        expect(result.response!.headers["access-control-allow-origin"]).toBeUndefined();
        ctx.tried();
      }
      const good = await engineRequest(ctx.server, "GET", "EIO=4&transport=polling", { Origin: GOOD });
      expect(good.response?.status).toBe(200);
      expect(good.response!.headers["access-control-allow-origin"]).toBe(GOOD);
      const sid = (JSON.parse(good.response!.body.slice(1)) as { sid: string }).sid;
      await closePolling(ctx.server, sid);
    },
  },
  {
    id: "H10",
    name: "2 000 request headers (ws CVE-2024-37890 pattern) → 431 or close",
    async run(ctx) {
      for (const count of [2000, 200]) {
        const many: Record<string, string> = {};
        for (let i = 0; i < count; i++) many[`X-Header-${i}`] = "v".repeat(80);
        expectRefusedOrClosed(await engineRequest(ctx.server, "GET", "EIO=4&transport=polling", many), [431]);
        expectRefusedOrClosed(await rawHttp(ctx.server.port, httpRequest("GET", WS_PATH, { ...UPGRADE, ...many })), [431]);
        ctx.tried(2);
      }
    },
  },
  {
    id: "H11",
    name: "one 16 KB header, a 64 KB URL or query → 431/414 or close",
    async run(ctx) {
      const big = "a".repeat(16 * 1024);
      const header = await engineRequest(ctx.server, "GET", "EIO=4&transport=polling", { "X-Big": big });
      expectEngineError(header, 431, 3);
      expectEngineError(await engineRequest(ctx.server, "GET", `EIO=4&transport=polling&q=${"b".repeat(20_000)}`), 414, 3);
      // A 64 KB head is at uWS's own buffer limit: it answers 414 (through us) or drops the
      // connection, depending on how the head was split into reads.
      const query = await engineRequest(ctx.server, "GET", `EIO=4&transport=polling&q=${"b".repeat(64 * 1024)}`);
      expectRefusedOrClosed(query, [414]);
      const cookie = await rawHttp(ctx.server.port, httpRequest("GET", WS_PATH, { ...UPGRADE, Cookie: big }));
      expectEngineError(cookie, 431, 3);
      const longUpgrade = await rawHttp(ctx.server.port, httpRequest("GET", `${WS_PATH}&q=${"d".repeat(20_000)}`, UPGRADE));
      expectEngineError(longUpgrade, 414, 3);
      // Outside the engine path uWS alone decides: a 64 KB head is dropped.
      expectRefusedOrClosed(await rawHttp(ctx.server.port, `GET /${"c".repeat(64 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`), [404, 414, 431]);
      ctx.tried(6);
    },
  },
  {
    id: "H13",
    name: "Content-Length + Transfer-Encoding: chunked together on a polling POST → 400 or close, no smuggling",
    async run(ctx) {
      const sid = await pollingSession(ctx.server);
      const target = `/socket.io/?EIO=4&transport=polling&sid=${sid}`;
      const smuggles = [
        `POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n4ab\r\n0\r\n\r\n`,
        `POST ${target} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n0\r\n\r\nGET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`,
        `POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 30\r\n\r\n40`,
        `POST ${target} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n2\r\n40\r\n0\r\n\r\n`,
      ];
      for (const [i, smuggle] of smuggles.entries()) {
        const result = await rawHttp(ctx.server.port, smuggle, { timeoutMs: 1500 });
        // Never an `ok`: the session must not take any of these bodies.
        if (result.response !== null) expect(result.response.status, `#${i} ${result.response.body}`).toBe(400);
        else expect(result.closedByServer).toBe(true);
        ctx.tried();
      }
      await closePolling(ctx.server, sid);
    },
  },
  {
    id: "H14",
    name: "chunked POST with a megabyte of chunk extensions (Node CVE-2024-22019 class) → refused, bounded CPU",
    async run(ctx) {
      const sid = await pollingSession(ctx.server);
      await ctx.server.stats();
      const head = `POST /socket.io/?EIO=4&transport=polling&sid=${sid} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n`;
      const extensions = `1;${"a=b;".repeat(256 * 1024)}\r\n4\r\n0\r\n\r\n`;
      const result = await rawHttp(ctx.server.port, [head, extensions], { timeoutMs: 5000 });
      if (result.response !== null) expect(result.response.status).toBeGreaterThanOrEqual(400);
      else expect(result.closedByServer).toBe(true);
      // Bounded CPU: the parser never stalled the event loop.
      expect((await ctx.server.stats()).loopMaxMs).toBeLessThan(STALL_MS);
      ctx.tried();
    },
  },
  {
    id: "H15",
    name: "Sec-WebSocket-Protocol with 10 000 tokens → 431 (head limit); 2 000 tokens → first token echoed, linear time",
    async run(ctx) {
      await ctx.server.stats();
      const tokens = (n: number) => Array.from({ length: n }, (_, i) => `p${i}`).join(",");
      const huge = await rawHttp(ctx.server.port, httpRequest("GET", WS_PATH, { ...UPGRADE, "Sec-WebSocket-Protocol": tokens(10_000) }));
      // Near uWS's own head buffer (~60 KB): 431 through us, or dropped by uWS.
      expectRefusedOrClosed(huge, [431]);
      const ws = await RawWebSocket.open(ctx.server.port, undefined, { "Sec-WebSocket-Protocol": tokens(2000) });
      expect(ws.headers).toMatch(/\r\nSec-WebSocket-Protocol: p0(\r\n|$)/i);
      ws.destroy();
      // A first entry that is not a token is declined rather than echoed.
      for (const odd of [`a b,${tokens(100)}`, `,${tokens(100)}`, `${"q".repeat(65)},x`]) {
        const declined = await RawWebSocket.open(ctx.server.port, undefined, { "Sec-WebSocket-Protocol": odd });
        expect(declined.headers).not.toMatch(/Sec-WebSocket-Protocol/i);
        declined.destroy();
      }
      expect((await ctx.server.stats()).loopMaxMs).toBeLessThan(STALL_MS);
      ctx.tried(5);
    },
  },
  {
    id: "H16",
    name: "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=99; foo → declined (deflate off)",
    async run(ctx) {
      for (const offer of ["permessage-deflate; client_max_window_bits=99; foo", "permessage-deflate", `x-${"e".repeat(8000)}`, ";;;,,,"]) {
        const ws = await RawWebSocket.open(ctx.server.port, undefined, { "Sec-WebSocket-Extensions": offer });
        expect(ws.headers).not.toMatch(/Sec-WebSocket-Extensions/i);
        ws.destroy();
        ctx.tried();
      }
    },
  },
  {
    id: "S7",
    name: `per-address cap: the ${CAP + 1}st session from one address → 429 (polling and before the upgrade); others served`,
    timeout: 20_000,
    async run(ctx) {
      const attacker = "127.0.0.2";
      const sids: string[] = [];
      for (let i = 0; i < CAP; i++) sids.push(await pollingSession(ctx.server, {}, attacker));
      const polling = await engineRequest(ctx.server, "GET", "EIO=4&transport=polling", {}, undefined, { localAddress: attacker });
      expect(polling.response?.status).toBe(429);
      expect(JSON.parse(polling.response!.body)).toEqual({ code: 4, message: "Too many connections" });
      const upgrade = await rawHttp(ctx.server.port, httpRequest("GET", WS_PATH, UPGRADE), { localAddress: attacker });
      expect(upgrade.response?.status).toBe(429);
      // X-Forwarded-For from an untrusted peer does not change its address.
      const spoofed = await engineRequest(ctx.server, "GET", "EIO=4&transport=polling", { "X-Forwarded-For": "203.0.113.1" }, undefined, {
        localAddress: attacker,
      });
      expect(spoofed.response?.status).toBe(429);
      // Other addresses are served, and so are clients named by the trusted proxy.
      expect(await pollingSession(ctx.server, {}, "127.0.0.3")).toMatch(/\w/);
      const viaProxy = await pollingSession(ctx.server, { "X-Forwarded-For": `${attacker}, 203.0.113.1` }, "127.0.0.4");
      const proxiedAttacker = await engineRequest(ctx.server, "GET", "EIO=4&transport=polling", { "X-Forwarded-For": attacker }, undefined, {
        localAddress: "127.0.0.4",
      });
      expect(proxiedAttacker.response?.status).toBe(429);
      // Closing sessions frees the address's slots.
      for (const sid of sids) await closePolling(ctx.server, sid, attacker);
      const again = await pollingSession(ctx.server, {}, attacker);
      for (const sid of [again, viaProxy]) await closePolling(ctx.server, sid);
      ctx.tried(5);
    },
  },
  {
    id: "S3",
    name: "session ids: 20 base64url characters (120 random bits), unique, every symbol in use",
    async run(ctx) {
      const sids = await Promise.all(Array.from({ length: 10 }, () => pollingSession(ctx.server, {}, "127.0.0.6")));
      for (const sid of sids) await closePolling(ctx.server, sid);
      const many = [...sids];
      for (let i = 0; i < 10; i++) {
        const batch = await Promise.all(Array.from({ length: 10 }, () => pollingSession(ctx.server, {}, "127.0.0.6")));
        for (const sid of batch) await closePolling(ctx.server, sid);
        many.push(...batch);
      }
      for (const sid of many) expect(sid).toMatch(/^[A-Za-z0-9_-]{20}$/);
      expect(new Set(many).size).toBe(many.length);
      // 110 ids × 20 characters: a uniform source uses all 64 symbols (missing one: p < 1e-6).
      expect(new Set(many.join("")).size).toBe(64);
      ctx.tried();
    },
  },
];

hostileSuite("HTTP handshake (H)", rows, { server: { maxConnectionsPerIp: CAP, trustedProxies: ["127.0.0.4"] } });
