import { describe, expect, it } from "vitest";
import { BUDGETS, measure, REFERENCES } from "../scripts/size.mjs";

/**
 * Bundle size (not a timing target): the same measurement as `pnpm size`.
 * The budgets (11 KB / 7 KB min+gzip) are enforced when COMETA_SIZE_BUDGETS=1;
 * until every layer fits them, the always-on guard is "never more than 10 %
 * above socket.io-client bundled the same way".
 */
describe("bundle size", async () => {
  const rows = await measure();
  const byName = new Map(rows.map((r) => [r.name, r]));
  const entries = Object.keys(BUDGETS);

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
    // The json entry must not contain MessagePack: it is the smaller one.
    expect(byName.get("@cometa/client/json")!.gzip).toBeLessThan(byName.get("@cometa/client")!.gzip);
  });

  it.each(entries)("%s is at most 10 percent larger than its socket.io-client reference", (name) => {
    const reference = byName.get(REFERENCES[name]!)!;
    expect(byName.get(name)!.gzip).toBeLessThanOrEqual(reference.gzip * 1.1);
  });

  it.skipIf(process.env.COMETA_SIZE_BUDGETS !== "1").each(entries)("%s meets its min+gzip budget", (name) => {
    const row = byName.get(name)!;
    expect(row.gzip).toBeLessThanOrEqual(row.budget!);
  });
});
