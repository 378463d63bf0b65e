import { describe, expect, it } from "vitest";
import { BUDGETS, formatTable, measure, REFERENCES } from "../scripts/size.mjs";

/**
 * Bundle size (not a timing target): the same measurement as `pnpm size`,
 * printed beside socket.io-client bundled the same way. Always enforced:
 * every entry is smaller than its socket.io-client reference and stays under
 * its ceiling, and the default entry meets its budget (11 KB min+gzip). The
 * json entry's budget (7 KB) is not met (9.37 KB, see the table and decision
 * 0007): it is enforced with COMETA_SIZE_BUDGETS=1, and becomes unconditional
 * once it holds; until then its ceiling (9.55 KB) stops regressions.
 */
describe("bundle size", async () => {
  const rows = await measure();
  const byName = new Map(rows.map((r) => [r.name, r]));
  const entries = Object.keys(BUDGETS);
  console.info(`\n${formatTable(rows)}\n`);

  it("measures every entry and the references", () => {
    expect(rows.map((r) => r.name)).toEqual([
      "@cometa/client",
      "@cometa/client/json",
      "socket.io-client 4.8.4",
      "socket.io-client 4.8.4 + msgpack-parser",
    ]);
    for (const row of rows) {
      expect(row.gzip).toBeGreaterThan(1000);
      expect(row.gzip).toBeLessThan(row.minified);
    }
  });

  it("leaves the text codec out of the default entry and MessagePack out of the json entry", () => {
    // Markers: the text codec's attachment placeholders, the MessagePack codec's name.
    expect(byName.get("@cometa/client")!.code).not.toContain("_placeholder");
    expect(byName.get("@cometa/client")!.code).toContain('"msgpack"');
    expect(byName.get("@cometa/client/json")!.code).toContain("_placeholder");
    expect(byName.get("@cometa/client/json")!.code).not.toContain('"msgpack"');
  });

  it.each(entries)("%s is smaller than its socket.io-client reference", (name) => {
    const reference = byName.get(REFERENCES[name]!)!;
    expect(byName.get(name)!.gzip).toBeLessThan(reference.gzip);
  });

  it.each(entries)("%s stays under its regression ceiling", (name) => {
    const row = byName.get(name)!;
    expect(row.gzip).toBeLessThanOrEqual(row.ceiling!);
  });

  it("@cometa/client meets its min+gzip budget", () => {
    const row = byName.get("@cometa/client")!;
    expect(row.gzip).toBeLessThanOrEqual(row.budget!);
  });

  it.skipIf(process.env.COMETA_SIZE_BUDGETS !== "1")("@cometa/client/json meets its min+gzip budget", () => {
    const row = byName.get("@cometa/client/json")!;
    expect(row.gzip).toBeLessThanOrEqual(row.budget!);
  });

  it("the json entry bundles the client's own text codec, not the protocol package's decoders", () => {
    // Markers: messages of the protocol's parseTextPacket and guardValue, which the client codec does not use.
    const code = byName.get("@cometa/client/json")!.code;
    expect(code).not.toContain("unknown packet type");
    expect(code).not.toContain("nesting deeper than");
    expect(code).toContain("DECODE_DEPTH_EXCEEDED");
  });

  it("the client codecs leave validatePacket out (the server validates; the client checks what it dispatches)", () => {
    // Marker: validatePacket's message for a packet type it refuses.
    for (const entry of entries) expect(byName.get(entry)!.code).not.toContain("invalid packet type");
  });
});
