import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { EngineSession } from "../../src/engine/session.js";
import { type EngineHarness, parked, pollingHandshake, pollQuery, rawRequest, startEngine } from "../engine/harness.js";

/** HTTP long-polling (PROTOCOL.md §2.3–2.5, §2.8; RELIABILITY P1–P11). */
describe("polling", () => {
  let h: EngineHarness;
  afterEach(() => h.close());

  const get = (sid: string, init?: RequestInit) => fetch(h.url(pollQuery(sid)), init);
  const post = (sid: string, body: string, init?: RequestInit) =>
    fetch(h.url(pollQuery(sid)), { method: "POST", body, ...init });

  describe("handshake", () => {
    it("opens a session with the open packet and the reference headers", async () => {
      h = await startEngine({ pingInterval: 300, pingTimeout: 200 });
      const { open, body, res } = await pollingHandshake(h);
      expect(body).toBe(`0${JSON.stringify(open)}`);
      expect(Object.keys(open).sort()).toEqual(["maxPayload", "pingInterval", "pingTimeout", "sid", "upgrades"]);
      expect(open).toMatchObject({ upgrades: ["websocket"], pingInterval: 300, pingTimeout: 200, maxPayload: 1_000_000 });
      expect(res.headers.get("content-type")).toBe("text/plain; charset=UTF-8");
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.headers.get("set-cookie")).toBeNull();
      expect(h.engine.clientsCount).toBe(1);
    });

    it("uses unguessable, unique 120-bit session ids", async () => {
      h = await startEngine();
      const sids = await Promise.all(Array.from({ length: 20 }, async () => (await pollingHandshake(h)).sid));
      expect(new Set(sids).size).toBe(20);
      for (const sid of sids) expect(sid).toMatch(/^[A-Za-z0-9_-]{20}$/);
    });

    it("advertises maxPayload and no upgrade when WebSocket is off", async () => {
      h = await startEngine({ maxPayload: 100, transports: ["polling"] });
      const { open } = await pollingHandshake(h);
      expect(open).toMatchObject({ upgrades: [], maxPayload: 100 });
    });

    it("sets the io cookie when asked", async () => {
      h = await startEngine({ cookie: true });
      const { res, sid } = await pollingHandshake(h);
      expect(res.headers.get("set-cookie")).toBe(`io=${sid}; Path=/; HttpOnly; SameSite=Lax`);
    });

    it("refuses with 403 code 4 when allowRequest says no (sync, async, throwing)", async () => {
      let verdict: () => unknown = () => false;
      h = await startEngine({ allowRequest: () => verdict() as boolean });
      let res = await fetch(h.url("EIO=4&transport=polling"));
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ code: 4, message: "Forbidden" });
      verdict = () => Promise.resolve("bad token");
      res = await fetch(h.url("EIO=4&transport=polling"));
      expect(await res.json()).toEqual({ code: 4, message: "bad token" });
      verdict = () => {
        throw new Error("secret internals");
      };
      res = await fetch(h.url("EIO=4&transport=polling"));
      expect(await res.json()).toEqual({ code: 4, message: "Forbidden" });
      verdict = () => Promise.resolve(true);
      expect((await fetch(h.url("EIO=4&transport=polling&token=t"))).status).toBe(200);
      expect(h.connections[0]!.request.query.token).toBe("t");
    });
  });

  describe("messages", () => {
    it("echoes one text packet", async () => {
      h = await startEngine();
      const { sid } = await pollingHandshake(h);
      const res = await post(sid, "4hello");
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("ok");
      expect(res.headers.get("content-type")).toBe("text/html");
      expect(await (await get(sid)).text()).toBe("4hello");
    });

    it("echoes several packets, text and binary, as one payload", async () => {
      h = await startEngine();
      const { sid } = await pollingHandshake(h);
      expect((await post(sid, "4test1\x1e4test2\x1ebAQIDBA==\x1e4test3")).status).toBe(200);
      expect(await (await get(sid)).text()).toBe("4test1\x1e4test2\x1ebAQIDBA==\x1e4test3");
    });

    it("delivers binary messages as bytes", async () => {
      const received: unknown[] = [];
      h = await startEngine({ onConnection: (c) => (c.onMessage = (f) => received.push(f)) });
      const { sid } = await pollingHandshake(h);
      await post(sid, "bAQIDBA==\x1e4é");
      expect(received).toEqual([new Uint8Array([1, 2, 3, 4]), "é"]);
    });

    it("parks a GET until the server has data", async () => {
      h = await startEngine();
      const { sid } = await pollingHandshake(h);
      const pending = get(sid);
      const conn = h.connections[0]!;
      // Wait until the GET is parked (the session has a poll) before sending.
      await parked(conn!);
      expect(conn.send(["first", new Uint8Array([255])])).toBe(true);
      expect(await (await pending).text()).toBe("4first\x1eb/w==");
    });

    it.each([
      ["garbage", "abc"],
      ["empty body", ""],
      ["unknown type", "9xyz"],
      ["empty packet", "4a\x1e\x1e4b"],
      ["invalid base64", "b!!!"],
    ])("closes the session on a malformed payload (%s)", async (_name, body) => {
      h = await startEngine();
      const { sid } = await pollingHandshake(h);
      expect((await post(sid, body)).status).toBe(400);
      expect(await h.nextClose()).toMatchObject({ reason: "parse error" });
      expect((await get(sid)).status).toBe(400);
    });

    it("rejects 100 000 packets in one payload quickly (caller.xyz DoS class)", async () => {
      h = await startEngine();
      const { sid } = await pollingHandshake(h);
      const res = await post(sid, Array(100_000).fill("4").join("\x1e"));
      expect(res.status).toBe(400);
      expect(await h.nextClose()).toMatchObject({ reason: "parse error" });
    });

    it("rejects application/octet-stream with 400 and closes the session", async () => {
      h = await startEngine();
      const { sid } = await pollingHandshake(h);
      const res = await post(sid, "4x", { headers: { "Content-Type": "application/octet-stream" } });
      expect(res.status).toBe(400);
      expect(await h.nextClose()).toMatchObject({ reason: "transport error" });
    });

    it("answers 413 to a body over maxPayload (declared or chunked) and closes the session", async () => {
      h = await startEngine({ maxPayload: 100 });
      const { sid } = await pollingHandshake(h);
      const res = await post(sid, `4${"x".repeat(200)}`);
      expect(res.status).toBe(413);
      expect(await h.nextClose()).toMatchObject({ reason: "transport error" });

      const second = await pollingHandshake(h);
      const chunk = `4${"y".repeat(80)}`;
      const chunked =
        `POST /socket.io/?${pollQuery(second.sid)} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n` +
        `${chunk.length.toString(16)}\r\n${chunk}\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n0\r\n\r\n`;
      expect(await rawRequest(h.port, chunked)).toMatch(/^HTTP\/1\.1 413 /);
      expect(await h.nextClose()).toMatchObject({ id: second.sid, reason: "transport error" });
      expect((await fetch(h.url("EIO=4&transport=polling"))).status).toBe(200);
    });
  });

  describe("one GET and one POST at a time", () => {
    it("answers a second GET with 400, the parked one with close, and closes the session", async () => {
      h = await startEngine();
      const { sid } = await pollingHandshake(h);
      const first = get(sid);
      await parked(h.connections[0]!);
      const second = await get(sid);
      expect(second.status).toBe(400);
      const firstRes = await first;
      expect(firstRes.status).toBe(200);
      expect(await firstRes.text()).toBe("1");
      expect(await h.nextClose()).toMatchObject({ reason: "transport error" });
      expect((await get(sid)).status).toBe(400);
    });

    it("answers a second POST with 400 while the first body is still arriving", async () => {
      h = await startEngine();
      const { sid } = await pollingHandshake(h);
      // A POST that declares 10 bytes and sends 2: it stays in flight.
      const slow = connect(h.port, "127.0.0.1", () => {
        slow.write(`POST /socket.io/?${pollQuery(sid)} HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n4a`);
      });
      try {
        await expect.poll(() => (h.connections[0] as EngineSession).polling?.posting).toBe(true);
        expect((await post(sid, "4b")).status).toBe(400);
        expect(await h.nextClose()).toMatchObject({ reason: "transport error" });
      } finally {
        slow.destroy();
      }
    });

    it("closes the session when the client aborts a parked GET, and stays up (uWS onAborted rule)", async () => {
      h = await startEngine();
      const { sid } = await pollingHandshake(h);
      const controller = new AbortController();
      const pending = get(sid, { signal: controller.signal }).catch(() => "aborted");
      await parked(h.connections[0]!);
      controller.abort();
      expect(await pending).toBe("aborted");
      expect(await h.nextClose()).toMatchObject({ reason: "transport error" });
      expect((await get(sid)).status).toBe(400);
      expect((await fetch(h.url("EIO=4&transport=polling"))).status).toBe(200);
    });

    it("survives a POST aborted mid-body", async () => {
      h = await startEngine();
      const { sid } = await pollingHandshake(h);
      await rawRequest(h.port, `POST /socket.io/?${pollQuery(sid)} HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n4a`, 100);
      expect(await h.nextClose()).toMatchObject({ reason: "transport error" });
      expect((await fetch(h.url("EIO=4&transport=polling"))).status).toBe(200);
    });
  });

  describe("close", () => {
    it("client close: POST 1 releases the parked GET with a noop and ends the session", async () => {
      h = await startEngine();
      const { sid } = await pollingHandshake(h);
      const pending = get(sid);
      await parked(h.connections[0]!);
      expect((await post(sid, "1")).status).toBe(200);
      expect(await (await pending).text()).toBe("6");
      expect(await h.nextClose()).toMatchObject({ reason: "transport close" });
      expect(await (await get(sid)).json()).toEqual({ code: 1, message: "Session ID unknown" });
    });

    it("server close: the parked GET gets what was queued, then the close packet", async () => {
      h = await startEngine();
      const { sid } = await pollingHandshake(h);
      const pending = get(sid);
      await parked(h.connections[0]!);
      h.connections[0]!.close();
      expect(await (await pending).text()).toBe("1");
      expect(await h.nextClose()).toMatchObject({ reason: "forced close" });
      expect((await get(sid)).status).toBe(400);
    });

    it("server close without a parked GET: the next GET carries queued packets, the one after the close", async () => {
      h = await startEngine();
      const { sid } = await pollingHandshake(h);
      const conn = h.connections[0]!;
      conn.send(["bye"]);
      conn.close();
      expect(conn.send(["late"])).toBe(false);
      expect(h.engine.clientsCount).toBe(0);
      expect(await (await post(sid, "4ignored")).text()).toBe("ok");
      expect(await (await get(sid)).text()).toBe("4bye");
      expect(await (await get(sid)).text()).toBe("1");
      expect((await get(sid)).status).toBe(400);
    });
  });

  describe("heartbeat", () => {
    it("pings through GETs; pongs keep the session", async () => {
      h = await startEngine({ pingInterval: 50, pingTimeout: 200 });
      const { sid } = await pollingHandshake(h);
      for (let i = 0; i < 3; i++) {
        expect(await (await get(sid)).text()).toBe("2");
        expect((await post(sid, "3")).status).toBe(200);
      }
      expect(h.closes).toEqual([]);
    });

    it("closes with ping timeout when no pong comes; later requests get code 1", async () => {
      h = await startEngine({ pingInterval: 50, pingTimeout: 50 });
      const { sid } = await pollingHandshake(h);
      const started = performance.now();
      expect(await h.nextClose()).toMatchObject({ reason: "ping timeout" });
      expect(performance.now() - started).toBeGreaterThanOrEqual(95);
      expect((await get(sid)).status).toBe(400);
    });

    it("closes the session when the client pings (v4: only the server pings)", async () => {
      h = await startEngine();
      const { sid } = await pollingHandshake(h);
      await post(sid, "2");
      expect(await h.nextClose()).toMatchObject({ reason: "transport error" });
    });
  });
});
