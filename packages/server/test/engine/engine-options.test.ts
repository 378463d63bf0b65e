import { describe, expect, it } from "vitest";
import { systemClock } from "../../src/engine/clock.js";
import { type EngineOptions, resolveEngineOptions } from "../../src/engine/engine-options.js";

describe("resolveEngineOptions", () => {
  it("applies the reference defaults", () => {
    const o = resolveEngineOptions();
    expect(o).toMatchObject({
      path: "/socket.io/",
      pingInterval: 25_000,
      pingTimeout: 20_000,
      upgradeTimeout: 10_000,
      maxPayload: 1_000_000,
      transports: ["polling", "websocket"],
      cors: null,
      allowedOrigins: null,
      allowRequest: null,
      perMessageDeflate: false,
      maxBackpressure: 64 * 1024,
      backpressureHardLimit: 2 * 1024 * 1024,
      cookie: null,
      maxPacketsPerPayload: 1000,
      closeTimeout: 30_000,
    });
    expect(o.clock).toBe(systemClock);
  });

  it("normalises the path and derives the origin allow-list from cors", () => {
    const o = resolveEngineOptions({ path: "/rt", cors: { origin: ["https://a.example", "http://localhost:8080"] } });
    expect(o.path).toBe("/rt/");
    expect([...(o.allowedOrigins ?? [])]).toEqual(["https://a.example", "http://localhost:8080"]);
    expect(resolveEngineOptions({ cors: { origin: ["https://a.example"] }, allowedOrigins: "*" }).allowedOrigins).toBeNull();
  });

  it("resolves the cookie", () => {
    expect(resolveEngineOptions({ cookie: true }).cookie).toEqual({
      name: "io",
      path: "/",
      httpOnly: true,
      sameSite: "Lax",
      secure: false,
    });
    expect(resolveEngineOptions({ cookie: { name: "sid", secure: true, sameSite: "None" } }).cookie).toMatchObject({
      name: "sid",
      secure: true,
      sameSite: "None",
    });
  });

  const invalid: [string, EngineOptions][] = [
    ["negative interval", { pingInterval: -1 }],
    ["NaN timeout", { pingTimeout: Number.NaN }],
    ["zero maxPayload", { maxPayload: 0 }],
    ["empty transports", { transports: [] }],
    ["unknown transport", { transports: ["carrier-pigeon" as "polling"] }],
    ["relative path", { path: "socket.io" }],
    ["path with a query", { path: "/io?x=1" }],
    ["origin with a path", { cors: { origin: ["https://a.example/app"] } }],
    ["origin with a trailing slash", { allowedOrigins: ["https://a.example/"] }],
    ["origin without scheme", { allowedOrigins: ["a.example"] }],
    ["hard limit under the soft one", { maxBackpressure: 1000, backpressureHardLimit: 10 }],
    ["cookie name with a space", { cookie: { name: "a b" } }],
  ];
  it.each(invalid)("throws INVALID_OPTION for %s", (_name, options) => {
    expect(() => resolveEngineOptions(options)).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }));
  });
});
