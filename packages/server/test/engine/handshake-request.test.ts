import { describe, expect, it } from "vitest";
import { keepRequest, StoredHandshakeRequest, unpackRequest } from "../../src/engine/handshake-request.js";
import { parseQuery } from "../../src/engine/request-fields.js";
import { FakeWsPort, fakeEngine, request, WS_HEADERS } from "./fakes.js";

/** The request a session keeps: one packed string until something reads it (memory per idle session). */
describe("kept handshake request", () => {
  it("packs into one flat string and unpacks to the same values", () => {
    const req = request("EIO=4&transport=websocket&token=abc", "get", { ...WS_HEADERS, cookie: "a=1; b=2" });
    const kept = keepRequest(req, 1_763_700_000_123);
    expect(typeof kept).toBe("string");
    const unpacked = unpackRequest(kept);
    expect(unpacked).toBeInstanceOf(StoredHandshakeRequest);
    expect(unpacked.time).toBe(1_763_700_000_123);
    expect(unpacked.address).toBe("127.0.0.1");
    expect(unpacked.url).toBe("/socket.io/?EIO=4&transport=websocket&token=abc");
    expect(unpacked.headers).toEqual({ ...WS_HEADERS, cookie: "a=1; b=2" });
    expect(unpacked.query).toEqual({ EIO: "4", transport: "websocket", token: "abc" });
    expect(unpacked.query).toBe(unpacked.query);
  });

  it("packs common header names as one character each and restores every one of them", () => {
    const names = [
      "host", "connection", "upgrade", "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions",
      "sec-websocket-protocol", "user-agent", "origin", "cookie", "accept", "accept-encoding", "accept-language",
      "cache-control", "pragma", "referer", "content-type", "content-length", "authorization", "x-forwarded-for",
      "x-forwarded-proto", "x-forwarded-host", "x-real-ip", "sec-fetch-site", "sec-fetch-mode", "sec-fetch-dest",
      "sec-ch-ua", "sec-ch-ua-mobile", "sec-ch-ua-platform", "x-not-common",
    ];
    const headers = Object.fromEntries(names.map((name, i) => [name, `v${i}`]));
    const kept = keepRequest(request("EIO=4", "get", headers), 1);
    expect(typeof kept).toBe("string");
    expect(kept as string).not.toContain("sec-websocket-key");
    expect(kept as string).toContain("x-not-common");
    expect(unpackRequest(kept).headers).toEqual(headers);
    expect(Object.keys(unpackRequest(kept).headers)).toEqual(names);
  });

  it("keeps the object form when a field holds a line feed (a forwarded request is plain data)", () => {
    const req = request("EIO=4&transport=polling", "get", { "x-odd": "a\nb" });
    const kept = keepRequest(req, 5);
    expect(typeof kept).toBe("object");
    expect(unpackRequest(kept).headers["x-odd"]).toBe("a\nb");
    expect(unpackRequest(kept).time).toBe(5);
    // A one-character control name would read as a packed code: also kept as an object.
    expect(typeof keepRequest(request("EIO=4", "get", { "\x01": "x" }), 5)).toBe("object");
  });

  it("a session unpacks on first read only, then always returns the same object", () => {
    const f = fakeEngine();
    const decision = f.engine.checkUpgrade(request("EIO=4&transport=websocket", "get", WS_HEADERS));
    if (decision instanceof Promise || !decision.accept || decision.ticket.kind !== "handshake") throw new Error("refused");
    // Without an allowRequest hook nobody reads the request during the handshake: it stays packed.
    expect(typeof decision.ticket.request).toBe("string");
    const session = f.engine.openSocket(new FakeWsPort(), decision.ticket)!;
    const first = session.request;
    expect(session.request).toBe(first);
    expect(first.headers.upgrade).toBe("websocket");
    expect(Math.abs(first.time - Date.now())).toBeLessThan(60_000);
  });

  it("an allowRequest hook gets the object form, and the session keeps that very object", () => {
    let seen: unknown;
    const f = fakeEngine({
      allowRequest: (req) => {
        seen = req;
        return true;
      },
    });
    const conn = f.openPolling("&x=1");
    expect(conn.request).toBe(seen);
    expect(conn.request.query.x).toBe("1");
  });
});

describe("parseQuery", () => {
  /** What URLSearchParams yields, first value winning, `__proto__` as an own key. */
  function reference(raw: string): Record<string, string> {
    const query: Record<string, string> = {};
    for (const [key, value] of new URLSearchParams(raw)) {
      if (!Object.hasOwn(query, key)) Object.defineProperty(query, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return query;
  }

  it.each([
    "",
    "EIO=4&transport=websocket&sid=abc_-.x",
    "a=1&a=2&b",
    "&&a=&=b&c==d&",
    "__proto__=x&constructor=y",
    "a=%41%2&b=x+y&c=%zz",
    "k=v=w",
  ])("matches URLSearchParams for %j", (raw) => {
    expect(parseQuery(raw)).toEqual(reference(raw));
    expect(Object.keys(parseQuery(raw))).toEqual(Object.keys(reference(raw)));
    expect(Object.getPrototypeOf(parseQuery(raw))).toBe(Object.prototype);
  });

  it("matches URLSearchParams on generated queries", () => {
    const pieces = ["a", "b", "=", "&", "__proto__", "", "EIO", "4", "%20", "+"];
    // A fixed linear congruential sequence: the same cases on every run.
    let seed = 12345;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let i = 0; i < 2000; i++) {
      let raw = "";
      for (let n = next() % 8; n > 0; n--) raw += pieces[next() % pieces.length];
      expect(parseQuery(raw), raw).toEqual(reference(raw));
      expect(Object.keys(parseQuery(raw)), raw).toEqual(Object.keys(reference(raw)));
    }
  });
});
