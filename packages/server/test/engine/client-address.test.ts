import { describe, expect, it } from "vitest";
import { ClientAddressResolver, isValidProxyEntry, normaliseAddress } from "../../src/engine/client-address.js";

describe("normaliseAddress", () => {
  it.each([
    ["127.0.0.1", "127.0.0.1"],
    ["::ffff:127.0.0.1", "127.0.0.1"],
    ["0000:0000:0000:0000:0000:ffff:7f00:0001", "127.0.0.1"],
    ["0000:0000:0000:0000:0000:0000:0000:0001", "::1"],
    ["2001:DB8:0:0:0:0:0:1", "2001:db8::1"],
    ["not an address", "not an address"],
  ])("%s → %s", (input, output) => {
    expect(normaliseAddress(input)).toBe(output);
  });
});

describe("ClientAddressResolver (X-Forwarded-For only from trusted proxies)", () => {
  const resolver = new ClientAddressResolver(["10.0.0.0/8", "::1"]);

  it("ignores the header from a peer that is not a trusted proxy", () => {
    expect(resolver.resolve("198.51.100.1", "203.0.113.7")).toBe("198.51.100.1");
    expect(new ClientAddressResolver([]).resolve("10.0.0.1", "203.0.113.7")).toBe("10.0.0.1");
  });

  it("takes the rightmost address that is not a trusted proxy", () => {
    expect(resolver.resolve("10.0.0.5", "203.0.113.7")).toBe("203.0.113.7");
    // A client-supplied left part cannot override what the trusted hops appended.
    expect(resolver.resolve("10.0.0.5", "1.1.1.1, 203.0.113.7, 10.0.0.9")).toBe("203.0.113.7");
    expect(resolver.resolve("0000:0000:0000:0000:0000:0000:0000:0001", " ::ffff:192.0.2.1 ")).toBe("192.0.2.1");
  });

  it("stops at the last trusted hop on a malformed entry, and uses the peer without a header", () => {
    expect(resolver.resolve("10.0.0.5", "garbage, 10.0.0.9")).toBe("10.0.0.9");
    expect(resolver.resolve("10.0.0.5", "")).toBe("10.0.0.5");
    expect(resolver.resolve("10.0.0.5", undefined)).toBe("10.0.0.5");
    expect(resolver.resolve("10.0.0.5", "10.0.0.7, 10.0.0.8")).toBe("10.0.0.7");
  });

  it("looks at 16 entries at most, from the right (a 10 000-entry header costs no more)", () => {
    const header = `203.0.113.7, ${Array.from({ length: 10_000 }, () => "10.1.2.3").join(", ")}`;
    expect(resolver.resolve("10.0.0.5", header)).toBe("10.1.2.3");
    const short = `203.0.113.7, ${Array.from({ length: 15 }, () => "10.1.2.3").join(", ")}`;
    expect(resolver.resolve("10.0.0.5", short)).toBe("203.0.113.7");
  });

  it("validates proxy entries", () => {
    for (const ok of ["10.0.0.1", "10.0.0.0/8", "::1", "fd00::/8", "0.0.0.0/0"]) expect(isValidProxyEntry(ok)).toBe(true);
    for (const bad of ["", "localhost", "10.0.0.0/33", "10.0.0.0/x", "::/129", "10.0.0.1/8/9"]) {
      expect(isValidProxyEntry(bad)).toBe(false);
    }
  });
});
