import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ChannelNames, escapeChannelPart } from "../src/channel-names.js";

describe("channel names", () => {
  const names = new ChannelNames();

  it("lay out namespace, node and room channels", () => {
    expect(names.namespace("/")).toBe("cometa#/#");
    expect(names.node("/admin", "abc")).toBe("cometa#/admin#n#abc");
    expect(names.room("/", "lobby")).toBe("cometa#/#r#lobby");
    expect(new ChannelNames("app1").room("/", "x")).toBe("app1#/#r#x");
  });

  it("escape separators, escapes, glob, hash-tag, whitespace and control characters", () => {
    expect(escapeChannelPart("a#b")).toBe("a%23b");
    expect(escapeChannelPart("room*")).toBe("room%2A");
    expect(escapeChannelPart("[a-z]?")).toBe("%5Ba-z%5D%3F");
    expect(escapeChannelPart("{tag}")).toBe("%7Btag%7D");
    expect(escapeChannelPart("100%")).toBe("100%25");
    expect(escapeChannelPart("a b\n\u2028")).toBe("a%20b%0A%u2028");
    expect(escapeChannelPart("héllo ✓")).toBe("héllo%20✓");
  });

  it("are injective: different (namespace, room) pairs never share a channel, and no part adds a separator", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.string(), (nsp1, room1, nsp2, room2) => {
        const a = names.room(`/${nsp1}`, room1);
        const b = names.room(`/${nsp2}`, room2);
        if (nsp1 !== nsp2 || room1 !== room2) expect(a).not.toBe(b);
        expect(a.split("#")).toHaveLength(4);
        expect(a).not.toMatch(/[*?[\]{}]/);
      }),
      { numRuns: 2000 },
    );
    // Room channels never collide with node or namespace channels.
    expect(names.room("/", "n#x")).not.toBe(names.node("/", "x"));
    expect(names.room("/", "")).not.toBe(names.namespace("/"));
  });
});
