import { describe, expect, it } from "vitest";
import { createConnect } from "../src/create-connect.js";
import { ClientError } from "../src/errors.js";
import { parseUrl } from "../src/url.js";
import { FakeClock } from "./fake-clock.js";
import { fakeEngines } from "./fake-engine.js";
import { jsonTestCodec } from "./json-codec.js";

function entry() {
  const fakes = fakeEngines();
  const other = { ...jsonTestCodec, name: "other" };
  const connect = createConnect<"json" | "other">({ codecs: { json: jsonTestCodec, other }, createEngine: fakes.create });
  return { connect, fakes, other };
}

describe("parseUrl", () => {
  it("splits origin, namespace and query; maps ws to http", () => {
    expect(parseUrl("ws://localhost:3000/chat?room=1&x=y")).toEqual({
      origin: "http://localhost:3000",
      nsp: "/chat",
      query: { room: "1", x: "y" },
    });
    expect(parseUrl("https://example.com")).toEqual({ origin: "https://example.com", nsp: "/", query: {} });
    expect(parseUrl("wss://example.com:443/")).toMatchObject({ origin: "https://example.com", nsp: "/" });
    expect(parseUrl("localhost:4000/admin")).toMatchObject({ origin: "https://localhost:4000", nsp: "/admin" });
  });

  it("refuses URLs it cannot use with INVALID_OPTIONS", () => {
    expect(() => parseUrl("ftp://example.com")).toThrowError(ClientError);
    expect(() => parseUrl("http://")).toThrowError(/invalid URL/);
  });
});

describe("connect()", () => {
  it("resolves socket.io-client defaults into the engine and manager options", () => {
    const { connect, fakes } = entry();
    const socket = connect("http://localhost:3000/admin?token=t", { clock: new FakeClock() });
    expect(socket.nsp).toBe("/admin");
    const options = fakes.last().options;
    expect(options).toMatchObject({
      origin: "http://localhost:3000",
      path: "/socket.io/",
      query: { token: "t" },
      transports: ["websocket", "polling"],
      upgrade: true,
      timeout: 20_000,
    });
    expect(socket.io.options).toMatchObject({ reconnectionDelay: 1000, reconnectionDelayMax: 5000, randomizationFactor: 0.5 });
    expect(socket.io.options.reconnectionAttempts).toBe(Number.POSITIVE_INFINITY);
    expect(socket.io.options.codec.name).toBe("json-test");
  });

  it("passes explicit options through", () => {
    const { connect, fakes } = entry();
    const socket = connect("http://h:1", {
      path: "/rt",
      query: { v: 2, debug: true },
      transports: ["polling"],
      upgrade: false,
      reconnectionDelay: 10,
      reconnectionDelayMax: 20,
      randomizationFactor: 1,
      reconnectionAttempts: 3,
      timeout: 99,
      extraHeaders: { "x-a": "b" },
      withCredentials: true,
      codec: "other",
    });
    expect(fakes.last().options).toMatchObject({
      path: "/rt/",
      query: { v: 2, debug: true },
      transports: ["polling"],
      upgrade: false,
      timeout: 99,
      extraHeaders: { "x-a": "b" },
      withCredentials: true,
    });
    expect(socket.io.options).toMatchObject({
      reconnectionAttempts: 3,
      reconnectionDelay: 10,
      reconnectionDelayMax: 20,
      randomizationFactor: 1,
    });
    expect(socket.io.options.codec.name).toBe("other");
  });

  it("shares one manager per origin and path across namespaces", () => {
    const { connect, fakes } = entry();
    const a = connect("http://h:1/");
    const b = connect("http://h:1/admin");
    const c = connect("http://h:1/x", { path: "/other" });
    expect(a.io).toBe(b.io);
    expect(c.io).not.toBe(a.io);
    expect(fakes.engines).toHaveLength(2);
  });

  it("opens a new connection for forceNew, multiplex: false, a second socket on the same namespace, or another codec", () => {
    const { connect, other } = entry();
    const a = connect("http://h:1/");
    expect(connect("http://h:1/", {}).io).not.toBe(a.io);
    expect(connect("http://h:1/b", { forceNew: true }).io).not.toBe(a.io);
    expect(connect("http://h:1/c", { multiplex: false }).io).not.toBe(a.io);
    expect(connect("http://h:1/d", { codec: other }).io).not.toBe(a.io);
    expect(connect("http://h:1/e").io).toBe(a.io);
  });

  it("accepts options alone, and honours autoConnect: false", () => {
    const { connect, fakes } = entry();
    const original = (globalThis as { location?: unknown }).location;
    (globalThis as { location?: unknown }).location = { href: "https://app.example/page" };
    try {
      const socket = connect({ autoConnect: false });
      expect(socket.nsp).toBe("/");
      expect(socket.active).toBe(false);
      expect(fakes.engines).toHaveLength(0);
      socket.connect();
      expect(fakes.last().options.origin).toBe("https://app.example");
    } finally {
      (globalThis as { location?: unknown }).location = original;
    }
  });

  it("knows codec names from every entry in the bundle, the first codec of an entry being its default", () => {
    const { connect, fakes } = entry();
    const textEntry = createConnect<"text">({ codecs: { text: { ...jsonTestCodec, name: "text" } }, createEngine: fakes.create });
    expect(textEntry("http://h:2").io.options.codec.name).toBe("text");
    // The first entry did not bundle "text", but the entry loaded beside it did.
    expect(connect("http://h:3", { codec: "text" as "json" }).io.options.codec.name).toBe("text");
    expect(connect("http://h:4").io.options.codec.name).toBe("json-test");
  });

  it("throws INVALID_OPTIONS for programmer mistakes", () => {
    const { connect } = entry();
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return (err as ClientError).code;
      }
      return "no error";
    };
    expect(codeOf(() => connect("http://h:1", { codec: "msgpack" as "json" }))).toBe("INVALID_OPTIONS");
    expect(codeOf(() => connect("http://h:1", { codec: "unknown" as "json" }))).toBe("INVALID_OPTIONS");
    expect(codeOf(() => connect("http://h:1", { reconnectionDelay: -1 }))).toBe("INVALID_OPTIONS");
    expect(codeOf(() => connect("http://h:1", { transports: [] }))).toBe("INVALID_OPTIONS");
    expect(codeOf(() => connect("http://h:1", { retries: Number.NaN }))).toBe("INVALID_OPTIONS");
  });
});
