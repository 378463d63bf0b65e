import { describe, expect, it } from "vitest";
import { LatencyHistogram } from "../src/load/latency-histogram.js";

describe("LatencyHistogram", () => {
  it("reports p50/p99 within the 1 % bucket precision", () => {
    const histogram = new LatencyHistogram();
    for (let i = 1; i <= 10_000; i++) histogram.record(i / 100); // 0.01 … 100 ms, uniform
    const { count, p50, p99, max } = histogram.summary();
    expect(count).toBe(10_000);
    expect(p50).toBeGreaterThan(50 * 0.99);
    expect(p50).toBeLessThan(50 * 1.01);
    expect(p99).toBeGreaterThan(99 * 0.99);
    expect(p99).toBeLessThan(99 * 1.01);
    expect(max).toBe(100);
  });

  it("is empty-safe and clamps nonsense readings instead of throwing", () => {
    const histogram = new LatencyHistogram();
    expect(histogram.summary()).toEqual({ count: 0, p50: 0, p99: 0, max: 0 });
    histogram.record(-5);
    histogram.record(Number.NaN);
    histogram.record(1e12);
    expect(histogram.count).toBe(3);
  });
});
