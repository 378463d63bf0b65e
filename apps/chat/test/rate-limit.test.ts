import { describe, expect, it } from "vitest";
import { RateLimit } from "../src/server/rate-limit.js";

describe("RateLimit", () => {
  it("allows a burst, then refills at the given rate, never above the burst", () => {
    let now = 0;
    const limit = new RateLimit(() => now, { burst: 3, perSecond: 2 });
    expect([limit.take(), limit.take(), limit.take(), limit.take()]).toEqual([true, true, true, false]);
    now = 400; // 0.8 token
    expect(limit.take()).toBe(false);
    now = 500; // 1 token (0.8 was kept)
    expect(limit.take()).toBe(true);
    expect(limit.take()).toBe(false);
    now = 60_000;
    expect([limit.take(), limit.take(), limit.take(), limit.take()]).toEqual([true, true, true, false]);
  });
});
