import { connect } from "node:net";
import { expect } from "vitest";
import { closePolling, engineRequest, expectEngineError, pollingSession } from "./expect-http.js";
import { type HostileRow, hostileSuite, STALL_MS, type RowContext } from "./harness.js";
import { httpRequest, parseResponse, rawHttp, UPGRADE } from "./raw-http.js";
import { RawWebSocket } from "./raw-websocket.js";

/** RELIABILITY.md §4(c) long-polling rows P1–P11 (P8, the slow body, is in slowloris.test.ts). */

const MAX_PAYLOAD = 100_000;
const poll = (sid: string) => `EIO=4&transport=polling&sid=${sid}`;

/**
 * The session is gone: GETs on it end with 400 code 1, after at most one
 * 200 that carries the close packet (`1`) of a server close.
 */
async function expectSessionClosed(ctx: RowContext, sid: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const result = await engineRequest(ctx.server, "GET", poll(sid), {}, undefined, { timeoutMs: 3000 });
    const response = result.response;
    expect(response, "no answer to a GET on the session").not.toBeNull();
    if (response!.status === 400) {
      expect(JSON.parse(response!.body)).toEqual({ code: 1, message: "Session ID unknown" });
      return;
    }
    expect(response!.status).toBe(200);
    // A live session would hold the GET for a ping (`2`); a closed one answers its close at once.
    expect(response!.body.split("\x1e")).toContain("1");
  }
  throw new Error("the session is still there");
}

/**
 * Start a long-poll GET. `parked` resolves once the server has certainly read it: the request
 * was written, then an unrelated request sent after it was answered (the server handles every
 * socket that is ready in one event-loop pass before the next).
 */
function parkGet(ctx: RowContext, sid: string): { response: Promise<string>; parked: Promise<void>; abort: () => void } {
  let written: () => void = () => {};
  const wrote = new Promise<void>((resolve) => {
    written = resolve;
  });
  const socket = connect(ctx.server.port, "127.0.0.1", () => socket.write(httpRequest("GET", `/socket.io/?${poll(sid)}`), () => written()));
  socket.on("error", () => {});
  const parked = wrote.then(async () => {
    await engineRequest(ctx.server, "GET", "EIO=4&transport=carrier-pigeon");
  });
  let data = "";
  const response = new Promise<string>((resolve) => {
    socket.on("data", (chunk) => {
      data += chunk.toString("latin1");
      // uWS keeps the connection alive after answering: resolve on a complete response.
      if (parseResponse(data)?.complete) resolve(data);
    });
    socket.on("close", () => resolve(data));
  });
  return { response, parked, abort: () => socket.destroy() };
}

const rows: HostileRow[] = [
  {
    id: "P1",
    name: "POST body over maxPayload (200 KB vs 100 KB), with and without Content-Length → 413, session closed",
    async run(ctx) {
      for (const chunked of [false, true]) {
        const sid = await pollingSession(ctx.server);
        const body = `4${"a".repeat(2 * MAX_PAYLOAD)}`;
        const headers: Record<string, string> = chunked ? { "Transfer-Encoding": "chunked" } : {};
        const payload = chunked ? `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n` : body;
        const result = await engineRequest(ctx.server, "POST", poll(sid), headers, payload);
        expect(result.response?.status).toBe(413);
        await expectSessionClosed(ctx, sid);
        ctx.tried();
      }
    },
  },
  {
    id: "P2",
    name: "POST 9xyz, abc, empty body, lone separators → 400, session closed",
    async run(ctx) {
      for (const body of ["9xyz", "abc", "", "\x1e", "4a\x1e\x1e4b", "7", "4a\x1e"]) {
        const sid = await pollingSession(ctx.server);
        const result = await engineRequest(ctx.server, "POST", poll(sid), {}, body);
        expect(result.response?.status, JSON.stringify(body)).toBe(400);
        await expectSessionClosed(ctx, sid);
        ctx.tried();
      }
    },
  },
  {
    id: "P3",
    name: "two concurrent GETs on one sid → 2nd 400, 1st gets the close packet, session closed",
    async run(ctx) {
      const sid = await pollingSession(ctx.server);
      const first = parkGet(ctx, sid);
      await first.parked;
      const second = await engineRequest(ctx.server, "GET", poll(sid));
      expect(second.response?.status).toBe(400);
      const firstResponse = await first.response;
      expect(firstResponse).toMatch(/^HTTP\/1\.1 200 /);
      expect(firstResponse.slice(firstResponse.indexOf("\r\n\r\n") + 4).split("\x1e")).toContain("1");
      await expectSessionClosed(ctx, sid);
      ctx.tried();
    },
  },
  {
    id: "P4",
    name: "two concurrent POSTs on one sid → 2nd 400, session closed, nothing of the 2nd delivered",
    async run(ctx) {
      const sid = await pollingSession(ctx.server);
      // The first POST declares 10 bytes and sends 2: its body is still being read.
      const slow = connect(ctx.server.port, "127.0.0.1");
      slow.on("error", () => {});
      await new Promise((resolve) => slow.once("connect", resolve));
      await new Promise((resolve) => slow.write(`POST /socket.io/?${poll(sid)} HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n4a`, resolve));
      // Answered after the POST above was read (see parkGet).
      await engineRequest(ctx.server, "GET", "EIO=4&transport=carrier-pigeon");
      const second = await engineRequest(ctx.server, "POST", poll(sid), {}, "4b");
      expect(second.response?.status).toBe(400);
      slow.destroy();
      await expectSessionClosed(ctx, sid);
      ctx.tried();
    },
  },
  {
    id: "P5",
    name: "~100 000 empty packets / 33 000 noops in one body (inside the size limit) → packet-count cap, 400, linear time",
    async run(ctx) {
      await ctx.server.stats();
      for (const body of ["\x1e".repeat(MAX_PAYLOAD - 1), "6\x1e".repeat(33_000).slice(0, -1), "3\x1e".repeat(33_000).slice(0, -1)]) {
        const sid = await pollingSession(ctx.server);
        const result = await engineRequest(ctx.server, "POST", poll(sid), {}, body);
        expect(result.response?.status).toBe(400);
        await expectSessionClosed(ctx, sid);
        ctx.tried();
      }
      expect((await ctx.server.stats()).loopMaxMs).toBeLessThan(STALL_MS);
    },
  },
  {
    id: "P6",
    name: "b (base64 binary) packet with invalid base64 → 400, session closed",
    async run(ctx) {
      for (const body of ["b!!!!", "bAAA", "bA===", "b====", `b${"A".repeat(7)}`, "b\u00e9\u00e9\u00e9\u00e9"]) {
        const sid = await pollingSession(ctx.server);
        const result = await engineRequest(ctx.server, "POST", poll(sid), {}, body);
        expect(result.response?.status, body).toBe(400);
        await expectSessionClosed(ctx, sid);
        ctx.tried();
      }
    },
  },
  {
    id: "P7",
    name: "50 parked long-poll GETs aborted by their clients (uWS onAborted rule) → freed, process alive",
    async run(ctx) {
      const sids = await Promise.all(Array.from({ length: 50 }, () => pollingSession(ctx.server)));
      const parked = sids.map((sid) => parkGet(ctx, sid));
      await Promise.all(parked.map((p) => p.parked));
      for (const p of parked) p.abort();
      await Promise.all(parked.map((p) => p.response));
      // An aborted poll is a transport error (reference behaviour): the sessions are gone.
      for (const sid of sids.slice(0, 5)) await expectSessionClosed(ctx, sid);
      await expect.poll(async () => (await ctx.server.stats()).clients, { timeout: 5000 }).toBeLessThanOrEqual(1);
      // An aborted POST mid-body, too.
      const sid = await pollingSession(ctx.server);
      const half = connect(ctx.server.port, "127.0.0.1");
      half.on("error", () => {});
      await new Promise((resolve) => half.once("connect", resolve));
      await new Promise((resolve) => half.write(`POST /socket.io/?${poll(sid)} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n4abc`, resolve));
      await engineRequest(ctx.server, "GET", "EIO=4&transport=carrier-pigeon");
      half.destroy();
      await expectSessionClosed(ctx, sid);
      ctx.tried(2);
    },
  },
  {
    id: "P9",
    name: "GET/POST on a sid after its upgrade to WebSocket (400 code 3) and after close (400 code 1)",
    async run(ctx) {
      const sid = await pollingSession(ctx.server);
      const ws = await RawWebSocket.open(ctx.server.port, `/socket.io/?EIO=4&transport=websocket&sid=${sid}`);
      ws.sendFrame({ opcode: 0x1, payload: "2probe" });
      await ws.waitText((t) => t === "3probe");
      ws.sendFrame({ opcode: 0x1, payload: "5" });
      // The upgrade is done once the session answers on the WebSocket.
      await ws.waitText((t) => t === "2");
      expectEngineError(await engineRequest(ctx.server, "GET", poll(sid)), 400, 3);
      expectEngineError(await engineRequest(ctx.server, "POST", poll(sid), {}, "40"), 400, 3);
      // A second WebSocket for the upgraded session.
      expectEngineError(await rawHttp(ctx.server.port, httpRequest("GET", `/socket.io/?EIO=4&transport=websocket&sid=${sid}`, UPGRADE)), 400, 3);
      ws.sendFrame({ opcode: 0x1, payload: "1" });
      await ws.closed;
      const closed = await pollingSession(ctx.server);
      await closePolling(ctx.server, closed);
      expectEngineError(await engineRequest(ctx.server, "GET", poll(closed)), 400, 1);
      expectEngineError(await engineRequest(ctx.server, "POST", poll(closed), {}, "40"), 400, 1);
      ctx.tried(5);
    },
  },
  {
    id: "P10",
    name: "j= (JSONP), b64=1, a 100 KB t= cache-buster → ignored or refused, never reflected",
    async run(ctx) {
      const marker = "alert(document.cookie)//";
      const jsonp = await engineRequest(ctx.server, "GET", `EIO=4&transport=polling&j=${encodeURIComponent(marker)}`);
      expect(jsonp.response?.status).toBe(200);
      expect(jsonp.raw).not.toContain("alert(");
      expect(jsonp.response!.headers["content-type"]).toMatch(/^text\/plain/);
      const sid = (JSON.parse(jsonp.response!.body.slice(1)) as { sid: string }).sid;
      await closePolling(ctx.server, sid);
      const b64 = await engineRequest(ctx.server, "GET", "EIO=4&transport=polling&b64=1");
      expect(b64.response?.status).toBe(200);
      await closePolling(ctx.server, (JSON.parse(b64.response!.body.slice(1)) as { sid: string }).sid);
      const buster = await engineRequest(ctx.server, "GET", `EIO=4&transport=polling&t=${"x".repeat(100_000)}`);
      expectEngineError(buster, 414, 3);
      expect(buster.raw).not.toContain("xxxxxxxx");
      ctx.tried(3);
    },
  },
  {
    id: "P11",
    name: "Content-Type: application/octet-stream with binary garbage → 400, session closed",
    async run(ctx) {
      const sid = await pollingSession(ctx.server);
      const result = await rawHttp(
        ctx.server.port,
        Buffer.concat([
          Buffer.from(`POST /socket.io/?${poll(sid)} HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 6\r\n\r\n`),
          Buffer.from([0x00, 0x04, 0xff, 0x34, 0x30, 0xc1]),
        ]),
      );
      expect(result.response?.status).toBe(400);
      await expectSessionClosed(ctx, sid);
      // Binary garbage as a text body (no content type): a parse error, too.
      const other = await pollingSession(ctx.server);
      const garbage = await rawHttp(
        ctx.server.port,
        Buffer.concat([Buffer.from(`POST /socket.io/?${poll(other)} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n`), Buffer.from([0xff, 0xfe, 0x00, 0x1e, 0x80])]),
      );
      expect(garbage.response?.status).toBe(400);
      await expectSessionClosed(ctx, other);
      ctx.tried(2);
    },
  },
];

hostileSuite("HTTP long-polling (P)", rows, { server: { maxPayload: MAX_PAYLOAD } });
