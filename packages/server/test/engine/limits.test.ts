import { describe, expect, it } from "vitest";
import { resolveEngineOptions } from "../../src/engine/engine-options.js";
import type { EngineRequest } from "../../src/engine/platform.js";
import { parseQuery } from "../../src/engine/request-fields.js";
import { FakeExchange, FakeWsPort, fakeEngine, WS_HEADERS } from "./fakes.js";

/** A request from `address` (the TCP peer), with extra headers. */
function from(address: string, query: string, method = "get", headers: Record<string, string> = {}): EngineRequest {
  return { method, url: `/socket.io/?${query}`, query: parseQuery(query), headers, address };
}

/** An exchange whose body arrives only when `deliver` is called (a slow client). */
class SlowBodyExchange extends FakeExchange {
  private pending: ((body: string | null) => void) | null = null;
  closedConnection = false;
  override readBody(_limit: number, onBody: (body: string | null) => void): void {
    this.pending = onBody;
  }
  override end(status: string, headers: readonly [string, string][], body: string, closeConnection = false): void {
    super.end(status, headers, body);
    this.closedConnection = closeConnection;
  }
  deliver(body: string): void {
    if (!this.done) this.pending?.(body);
  }
}

const POLL = "EIO=4&transport=polling";
const WS = "EIO=4&transport=websocket";

describe("per-address session cap (maxConnectionsPerIp, RELIABILITY S7)", () => {
  it("refuses a polling handshake over the cap with 429 code 4, before allowRequest runs", () => {
    let hookCalls = 0;
    const f = fakeEngine({ maxConnectionsPerIp: 2, allowRequest: () => void hookCalls++ });
    const answers = [1, 2, 3].map(() => {
      const ex = new FakeExchange();
      f.engine.handleHttp(from("192.0.2.1", POLL), ex);
      return ex;
    });
    expect(answers.map((a) => a.status)).toEqual(["200 OK", "200 OK", "429 Too Many Requests"]);
    expect(JSON.parse(answers[2]!.body)).toEqual({ code: 4, message: "Too many connections" });
    expect(hookCalls).toBe(2);
    // Another address is not affected.
    const other = new FakeExchange();
    f.engine.handleHttp(from("192.0.2.2", POLL), other);
    expect(other.status).toBe("200 OK");
  });

  it("refuses a WebSocket handshake over the cap with 429 before upgrading, and frees slots on close", () => {
    const f = fakeEngine({ maxConnectionsPerIp: 1 });
    const first = f.engine.checkUpgrade(from("192.0.2.1", WS, "get", WS_HEADERS));
    if (first instanceof Promise || !first.accept) throw new Error("refused");
    const port = new FakeWsPort();
    const session = f.engine.openSocket(port, first.ticket)!;
    port.onClosed = () => f.engine.socketClosed(session, port);
    const second = f.engine.checkUpgrade(from("192.0.2.1", WS, "get", WS_HEADERS));
    expect(second).toMatchObject({ accept: false, status: "429 Too Many Requests" });
    session.close();
    expect(f.engine.addressCap.count("192.0.2.1")).toBe(0);
    expect(f.engine.checkUpgrade(from("192.0.2.1", WS, "get", WS_HEADERS))).toMatchObject({ accept: true });
  });

  it("closes with 1013 a WebSocket accepted concurrently past the cap", () => {
    const f = fakeEngine({ maxConnectionsPerIp: 1 });
    const a = f.engine.checkUpgrade(from("192.0.2.1", WS, "get", WS_HEADERS));
    const b = f.engine.checkUpgrade(from("192.0.2.1", WS, "get", WS_HEADERS));
    if (a instanceof Promise || !a.accept || b instanceof Promise || !b.accept) throw new Error("refused");
    expect(f.engine.openSocket(new FakeWsPort(), a.ticket)).not.toBeNull();
    const late = new FakeWsPort();
    expect(f.engine.openSocket(late, b.ticket)).toBeNull();
    expect(late.closed).toEqual({ code: 1013, reason: "Too many connections" });
    expect(f.engine.clientsCount).toBe(1);
  });

  it("does not count an upgrade of an existing session, and releases a server-closed polling session at once", () => {
    const f = fakeEngine({ maxConnectionsPerIp: 1 });
    const conn = f.openPolling();
    const probe = f.engine.checkUpgrade(from("127.0.0.1", `${WS}&sid=${conn.id}`, "get", WS_HEADERS));
    expect(probe).toMatchObject({ accept: true });
    // A server close lingers (waiting for a GET to carry the close packet) but no longer counts.
    conn.close("forced server close");
    expect(f.engine.addressCap.count("127.0.0.1")).toBe(0);
    expect(() => f.openPolling()).not.toThrow();
  });

  it("reads X-Forwarded-For only from trusted proxies", () => {
    const f = fakeEngine({ maxConnectionsPerIp: 1, trustedProxies: ["10.0.0.0/8"] });
    const open = (peer: string, xff: string) => {
      const ex = new FakeExchange();
      f.engine.handleHttp(from(peer, POLL, "get", { "x-forwarded-for": xff }), ex);
      return ex.status;
    };
    // Through the proxy: two clients, one slot each.
    expect(open("10.0.0.5", "203.0.113.1")).toBe("200 OK");
    expect(open("10.0.0.5", "203.0.113.2")).toBe("200 OK");
    expect(open("10.0.0.6", "203.0.113.1")).toBe("429 Too Many Requests");
    // A direct client cannot dodge its cap by sending the header.
    expect(open("198.51.100.9", "203.0.113.3")).toBe("200 OK");
    expect(open("198.51.100.9", "203.0.113.4")).toBe("429 Too Many Requests");
    expect(f.engine.addressCap.count("198.51.100.9")).toBe(1);
  });

  it("validates the options", () => {
    expect(resolveEngineOptions()).toMatchObject({
      maxConnectionsPerIp: 100,
      trustedProxies: [],
      bodyTimeout: 10_000,
      handshakeTimeout: 10_000,
      perMessageDeflate: false,
    });
    expect(resolveEngineOptions({ maxConnectionsPerIp: Number.POSITIVE_INFINITY }).maxConnectionsPerIp).toBe(
      Number.POSITIVE_INFINITY,
    );
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => resolveEngineOptions({ maxConnectionsPerIp: bad })).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }));
    }
    expect(() => resolveEngineOptions({ trustedProxies: ["proxy.local"] })).toThrow(/trustedProxies/);
    expect(resolveEngineOptions({ trustedProxies: ["10.0.0.0/8"] }).trustedProxies).toEqual(["10.0.0.0/8"]);
  });
});

describe("polling POST body timeout (bodyTimeout, RELIABILITY P8)", () => {
  it("answers 408 and drops the connection when the body is late, and closes the session", () => {
    const f = fakeEngine({ bodyTimeout: 500, pingInterval: 60_000, pingTimeout: 60_000 });
    const conn = f.openPolling();
    const ex = new SlowBodyExchange();
    f.engine.handleHttp(from("127.0.0.1", `${POLL}&sid=${conn.id}`, "post"), ex);
    f.clock.advance(499);
    expect(ex.done).toBe(false);
    f.clock.advance(1);
    expect(ex.status).toBe("408 Request Timeout");
    expect(ex.closedConnection).toBe(true);
    expect(f.closes).toEqual(["transport error"]);
    ex.deliver("4late"); // uWS would drop it: the exchange is done
  });

  it("cancels the timer when the body arrives in time", () => {
    const f = fakeEngine({ bodyTimeout: 500, pingInterval: 60_000, pingTimeout: 60_000 });
    const conn = f.openPolling();
    const timers = f.clock.pending;
    const ex = new SlowBodyExchange();
    f.engine.handleHttp(from("127.0.0.1", `${POLL}&sid=${conn.id}`, "post"), ex);
    expect(f.clock.pending).toBe(timers + 1);
    ex.deliver("4hi");
    expect(ex.status).toBe("200 OK");
    expect(f.clock.pending).toBe(timers);
    f.clock.advance(1000);
    expect(f.closes).toEqual([]);
  });

  it("cancels the timer when the client goes away", () => {
    const f = fakeEngine({ bodyTimeout: 500, pingInterval: 60_000, pingTimeout: 60_000 });
    const conn = f.openPolling();
    const ex = new SlowBodyExchange();
    f.engine.handleHttp(from("127.0.0.1", `${POLL}&sid=${conn.id}`, "post"), ex);
    ex.abort();
    expect(f.closes).toEqual(["transport error"]);
    expect(f.clock.pending).toBe(0);
  });
});

describe("allowRequest refusals and handshakeTimeout", () => {
  it("refuses with the status an AllowRequestRefusal names", () => {
    const f = fakeEngine({ allowRequest: () => ({ status: 429, message: "slow down" }) });
    const ex = new FakeExchange();
    f.engine.handleHttp(from("127.0.0.1", POLL), ex);
    expect(ex.status).toBe("429 Too Many Requests");
    expect(JSON.parse(ex.body)).toEqual({ code: 4, message: "slow down" });
    const ws = f.engine.checkUpgrade(from("127.0.0.1", WS, "get", WS_HEADERS));
    expect(ws).toMatchObject({ accept: false, status: "429 Too Many Requests" });
    expect(f.engine.addressCap.count("127.0.0.1")).toBe(0);
  });

  it("refuses a status it does not know as Forbidden", () => {
    const f = fakeEngine({ allowRequest: () => ({ status: 200 }) as never });
    const ex = new FakeExchange();
    f.engine.handleHttp(from("127.0.0.1", POLL), ex);
    expect(ex.status).toBe("403 Forbidden");
    expect(JSON.parse(ex.body)).toEqual({ code: 4, message: "Forbidden" });
  });

  it("answers 503 when an async hook is still pending after handshakeTimeout, on both transports", async () => {
    const f = fakeEngine({ handshakeTimeout: 300, allowRequest: () => new Promise<boolean>(() => {}) });
    const ex = new FakeExchange();
    f.engine.handleHttp(from("127.0.0.1", POLL), ex);
    const ws = f.engine.checkUpgrade(from("127.0.0.1", WS, "get", WS_HEADERS));
    expect(ws).toBeInstanceOf(Promise);
    f.clock.advance(300);
    expect(await ws).toMatchObject({ accept: false, status: "503 Service Unavailable" });
    await Promise.resolve();
    expect(ex.status).toBe("503 Service Unavailable");
    expect(JSON.parse(ex.body)).toEqual({ code: 4, message: "Handshake timed out" });
    expect(f.engine.clientsCount).toBe(0);
  });
});

describe("request head limits (maxHeaderSize, RELIABILITY H10, H11, H13)", () => {
  const limits = (headers: Record<string, string>, query = POLL) => {
    const f = fakeEngine({ maxHeaderSize: 1024 });
    const ex = new FakeExchange();
    f.engine.handleHttp(from("127.0.0.1", query, "get", headers), ex);
    const upgrade = f.engine.checkUpgrade(from("127.0.0.1", WS, "get", { ...WS_HEADERS, ...headers }));
    return { status: ex.status, body: ex.body, upgrade };
  };

  it("answers 431 for a head over the limit, on polling and before an upgrade", () => {
    const { status, body, upgrade } = limits({ cookie: "c".repeat(1100) });
    expect(status).toBe("431 Request Header Fields Too Large");
    expect(JSON.parse(body)).toEqual({ code: 3, message: "Request header fields too large" });
    expect(upgrade).toMatchObject({ accept: false, status: "431 Request Header Fields Too Large" });
  });

  it("answers 414 when the URL alone is over the limit", () => {
    expect(limits({}, `${POLL}&t=${"t".repeat(1100)}`).status).toBe("414 URI Too Long");
  });

  it("refuses an ambiguous body length (duplicate Content-Length, odd Transfer-Encoding)", () => {
    const cases: Record<string, string>[] = [
      { "content-length": "2, 30" },
      { "content-length": "-1" },
      { "content-length": "0x10" },
      { "transfer-encoding": "xchunked" },
      { "transfer-encoding": "chunked", "content-length": "3" },
    ];
    for (const headers of cases) {
      const { status, body } = limits(headers);
      expect(status, JSON.stringify(headers)).toBe("400 Bad Request");
      expect(JSON.parse(body).code).toBe(3);
    }
    expect(limits({ "content-length": "0" }).status).toBe("200 OK");
    expect(limits({ "transfer-encoding": "Chunked" }).status).toBe("200 OK");
  });

  it("defaults to 16 KiB", () => {
    expect(resolveEngineOptions().maxHeaderSize).toBe(16 * 1024);
  });
});
