import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type BackoffPolicy, DEFAULT_BACKOFF, backoffCeiling, backoffDelay, backoffSchedule } from "../src/backoff.js";

describe("backoff schedule", () => {
  it("doubles from reconnectionDelay up to reconnectionDelayMax", () => {
    expect(backoffSchedule(DEFAULT_BACKOFF, 6)).toEqual([1000, 2000, 4000, 5000, 5000, 5000]);
  });

  it("stays finite for huge attempt counts", () => {
    expect(backoffCeiling(DEFAULT_BACKOFF, 5000)).toBe(5000);
    expect(backoffDelay(DEFAULT_BACKOFF, 5000, 0.3)).toBe(4250);
  });

  it("draws over the whole window: random 0 gives the ceiling, random → 1 gives (1 − jitter) × ceiling", () => {
    expect(backoffDelay(DEFAULT_BACKOFF, 0, 0)).toBe(1000);
    expect(backoffDelay(DEFAULT_BACKOFF, 0, 0.999999)).toBe(500);
    expect(backoffDelay(DEFAULT_BACKOFF, 2, 0.5)).toBe(3000);
  });

  it("still spreads clients that reached the cap (jitter applied after the cap)", () => {
    const atCap = [0, 0.25, 0.5, 0.75].map((r) => backoffDelay(DEFAULT_BACKOFF, 10, r));
    expect(new Set(atCap).size).toBe(4);
    expect(Math.max(...atCap)).toBe(5000);
  });

  it("full jitter (1) spans [0, ceiling]; no jitter (0) is deterministic", () => {
    const full: BackoffPolicy = { ...DEFAULT_BACKOFF, randomizationFactor: 1 };
    expect(backoffDelay(full, 1, 0.999999)).toBe(0);
    expect(backoffDelay(full, 1, 0)).toBe(2000);
    const none: BackoffPolicy = { ...DEFAULT_BACKOFF, randomizationFactor: 0 };
    expect(backoffDelay(none, 1, 0.7)).toBe(2000);
  });

  it("never retries before a server-requested wait, and spreads above it", () => {
    expect(backoffDelay(DEFAULT_BACKOFF, 0, 0, 10_000)).toBe(10_000);
    expect(backoffDelay(DEFAULT_BACKOFF, 0, 0.5, 10_000)).toBe(12_500);
    // A requested wait shorter than the backoff does not shorten it.
    expect(backoffDelay(DEFAULT_BACKOFF, 2, 0, 100)).toBe(4000);
    // Invalid hints are ignored.
    expect(backoffDelay(DEFAULT_BACKOFF, 0, 0, Number.NaN)).toBe(1000);
    expect(backoffDelay(DEFAULT_BACKOFF, 0, 0, -5)).toBe(1000);
  });

  it("property: every delay is an integer inside its window", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.double({ min: 1, max: 4, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 40 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (initialDelayMs, extra, factor, jitter, attempt, random) => {
          const policy = { reconnectionDelay: initialDelayMs, reconnectionDelayMax: initialDelayMs + extra, factor, randomizationFactor: jitter };
          const ceiling = backoffCeiling(policy, attempt);
          const delay = backoffDelay(policy, attempt, random);
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeLessThanOrEqual(ceiling);
          expect(delay).toBeGreaterThanOrEqual(Math.floor((1 - jitter) * ceiling) - 1);
        },
      ),
    );
  });

  it("property: the spread over many clients is not a spike (≥ 8 of 10 buckets used)", () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const buckets = new Set<number>();
    for (let i = 0; i < 1000; i++) buckets.add(Math.floor((backoffDelay(DEFAULT_BACKOFF, 8, random()) - 2500) / 250));
    expect(buckets.size).toBeGreaterThanOrEqual(8);
  });
});
