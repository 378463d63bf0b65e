import { describe, expect, it } from "vitest";
import { LatencyHistogram } from "../../src/load/latency-histogram.js";

describe("LatencyHistogram", () => {
  it("reads percentiles to the 0.1 ms bucket", () => {
    const histogram = new LatencyHistogram();
    for (let ms = 1; ms <= 100; ms++) histogram.record(ms);
    expect(histogram.percentile(50)).toBeCloseTo(50.1, 5);
    expect(histogram.percentile(99)).toBeCloseTo(99.1, 5);
    expect(histogram.count).toBe(100);
  });

  it("merges another process's buckets", () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    for (let i = 0; i < 99; i++) a.record(1);
    b.record(500);
    a.merge(b.toData());
    expect(a.count).toBe(100);
    expect(a.percentile(99)).toBeCloseTo(1.1, 5);
    expect(a.percentile(100)).toBeCloseTo(500.1, 5);
  });

  it("clamps negative skew to 0 and huge values to the last bucket; empty is NaN", () => {
    const histogram = new LatencyHistogram();
    expect(histogram.percentile(50)).toBeNaN();
    histogram.record(-3);
    histogram.record(1e9);
    expect(histogram.percentile(50)).toBeCloseTo(0.1, 5);
    expect(histogram.percentile(100)).toBeCloseTo(10_000, 5);
  });
});
