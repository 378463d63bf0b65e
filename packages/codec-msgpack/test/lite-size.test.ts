import { describe, expect, it } from "vitest";
import { LITE_BUDGET, LITE_EXPORTS, measureLite } from "../scripts/lite-size.mjs";

/**
 * Size of the browser codecs (not a timing target): the same measurement as
 * `pnpm size`, enforced. Each codec's own code must stay within 2.5 KB
 * min+gzip; the client's bundle budget (packages/client) counts it with
 * everything else.
 */
describe("lite codec size", async () => {
  const sizes = await measureLite();
  for (const [name, parts] of Object.entries(sizes)) {
    console.info(`${name}, min+gzip: own ${parts.own.gzip} B, with protocol ${parts["with protocol"].gzip} B`);
  }

  it.each(LITE_EXPORTS)("measures a real bundle of %s", (name) => {
    const parts = sizes[name]!;
    expect(parts.own.gzip).toBeGreaterThan(1000);
    expect(parts.own.gzip).toBeLessThan(parts.own.minified);
    expect(parts["with protocol"].gzip).toBeGreaterThan(parts.own.gzip);
  });

  it.each(LITE_EXPORTS)("keeps the own code of %s within 2.5 KB min+gzip", (name) => {
    expect(sizes[name]!.own.gzip).toBeLessThanOrEqual(LITE_BUDGET);
  });

  it("the client codec leaves validatePacket out", () => {
    expect(sizes.liteMsgpackClientCodec!["with protocol"].gzip).toBeLessThan(sizes.liteMsgpackCodec!["with protocol"].gzip - 300);
  });
});
