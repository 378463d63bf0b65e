import { describe, expect, it } from "vitest";
import { OriginPolicy } from "../../src/engine/origin-policy.js";

describe("OriginPolicy", () => {
  const policy = new OriginPolicy({
    allowedOrigins: new Set(["https://good.example", "null"]),
    cors: { origin: ["https://good.example"], credentials: true, maxAge: 600 },
  });

  it.each([
    ["https://good.example", true],
    [undefined, true],
    ["null", true],
    ["https://good.example.evil.com", false],
    ["https://evilgood.example", false],
    ["https://good.example.", false],
    ["HTTPS://GOOD.EXAMPLE", false],
    ["https://good.example:443", false],
    ["https://good.example/", false],
    ["", false],
  ])("isAllowed(%s) = %s (exact match only)", (origin, allowed) => {
    expect(policy.isAllowed(origin)).toBe(allowed);
  });

  it.each([
    [undefined, true], // not a browser
    ["same-origin", true],
    ["none", true], // typed in the address bar
    ["cross-site", false], // a no-cors request from another site's page: it cannot read the answer anyway
    ["same-site", false],
  ])("without Origin, Sec-Fetch-Site %s → %s", (fetchSite, allowed) => {
    expect(policy.isAllowed(undefined, fetchSite)).toBe(allowed);
    // With an Origin the allow-list decides, whatever the fetch metadata says.
    expect(policy.isAllowed("https://good.example", fetchSite)).toBe(true);
  });

  it("builds CORS headers once per origin, only for cors origins", () => {
    const headers = policy.headersFor("https://good.example");
    expect(headers).toEqual([
      ["Access-Control-Allow-Origin", "https://good.example"],
      ["Vary", "Origin"],
      ["Access-Control-Allow-Credentials", "true"],
    ]);
    expect(policy.headersFor("https://good.example")).toBe(headers);
    // "null" is allowed to connect but never gets CORS headers (not in cors.origin).
    expect(policy.headersFor("null")).toEqual([]);
    expect(policy.headersFor(undefined)).toEqual([]);
  });

  it("answers preflights, echoing requested headers but never control characters", () => {
    expect(policy.preflightHeaders("https://good.example", "content-type, x-token")).toEqual([
      ["Access-Control-Allow-Origin", "https://good.example"],
      ["Vary", "Origin"],
      ["Access-Control-Allow-Credentials", "true"],
      ["Access-Control-Allow-Methods", "GET,POST"],
      ["Access-Control-Allow-Headers", "content-type, x-token"],
      ["Access-Control-Max-Age", "600"],
    ]);
    const injected = policy.preflightHeaders("https://good.example", "a\r\nSet-Cookie: x=1");
    expect(injected.some(([name]) => name === "Access-Control-Allow-Headers")).toBe(false);
    expect(policy.preflightHeaders("https://evil.example", "x")).toEqual([]);
  });

  it("allows everything when no list is configured", () => {
    const open = new OriginPolicy({ allowedOrigins: null, cors: null });
    expect(open.isAllowed("https://anything.example")).toBe(true);
    expect(open.headersFor("https://anything.example")).toEqual([]);
  });
});
