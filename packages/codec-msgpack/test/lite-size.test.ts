import { describe, expect, it } from "vitest";
import { LITE_BUDGET, measureLite } from "../scripts/lite-size.mjs";

/**
 * Size of the browser codec (not a timing target): the same measurement as
 * `pnpm size`, enforced. Its own code must stay within 2.5 KB min+gzip; the
 * client's bundle budget (packages/client) counts it with everything else.
 */
describe("lite codec size", async () => {
  const sizes = await measureLite();
  console.info(`\nlite codec, min+gzip: own ${sizes.own.gzip} B, with protocol ${sizes["with protocol"].gzip} B\n`);

  it("measures a real bundle", () => {
    expect(sizes.own.gzip).toBeGreaterThan(1000);
    expect(sizes.own.gzip).toBeLessThan(sizes.own.minified);
    expect(sizes["with protocol"].gzip).toBeGreaterThan(sizes.own.gzip);
  });

  it("keeps its own code within 2.5 KB min+gzip", () => {
    expect(sizes.own.gzip).toBeLessThanOrEqual(LITE_BUDGET);
  });
});
