/**
 * Fixed-memory latency histogram with ~1 % relative precision (log buckets of ratio 1.01 over µs).
 *
 * Recording is allocation free (one `Math.log` and an increment), so millions of deliveries can be
 * recorded without the histogram itself perturbing the generator. Covers 1 µs … ~100 s.
 */
const RATIO_LOG = Math.log(1.01);
const BUCKETS = 1900;

/** Summary of a latency distribution in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** Log-bucketed histogram of latencies given in milliseconds. */
export class LatencyHistogram {
  private readonly counts = new Uint32Array(BUCKETS);
  private total = 0;
  private maxMs = 0;

  /** Records one latency in milliseconds (negative readings, from clock skew, count as 0). */
  record(ms: number): void {
    const us = ms * 1000;
    let index = us <= 1 ? 0 : Math.floor(Math.log(us) / RATIO_LOG) + 1;
    if (!(index < BUCKETS)) index = BUCKETS - 1; // also catches NaN
    this.counts[index]!++;
    this.total++;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  /** Number of recorded samples. */
  get count(): number {
    return this.total;
  }

  /** The value (ms) below which `fraction` of the samples lie, at bucket precision. */
  quantile(fraction: number): number {
    if (this.total === 0) return 0;
    const rank = Math.ceil(fraction * this.total);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return i === 0 ? 0.001 : 1.01 ** (i - 0.5) / 1000;
    }
    return this.maxMs;
  }

  /** p50 / p99 / max in ms. */
  summary(): LatencySummary {
    return { count: this.total, p50: this.quantile(0.5), p99: this.quantile(0.99), max: this.maxMs };
  }
}
