/**
 * A fixed-bucket latency histogram (0.1 ms buckets up to 10 s) that merges
 * across processes: clients record deliveries without allocating, and send
 * their non-empty buckets to the runner, which adds them up.
 */

const BUCKET_MS = 0.1;
const BUCKETS = 100_000;

/** Non-empty buckets as `[index, count]` pairs: the JSON form sent over IPC. */
export type HistogramData = readonly (readonly [number, number])[];

/** Latency histogram; values above 10 s land in the last bucket. */
export class LatencyHistogram {
  private readonly counts = new Uint32Array(BUCKETS);
  /** Values recorded. */
  count = 0;

  /** Records one latency, ms (negative clock skew counts as 0). */
  record(ms: number): void {
    const index = Math.min(BUCKETS - 1, Math.max(0, Math.floor(ms / BUCKET_MS)));
    this.counts[index] = (this.counts[index] ?? 0) + 1;
    this.count++;
  }

  /** Adds another histogram's buckets. */
  merge(data: HistogramData): void {
    for (const [index, count] of data) {
      this.counts[index] = (this.counts[index] ?? 0) + count;
      this.count += count;
    }
  }

  /** The `p`-th percentile (0–100), ms; NaN when empty. */
  percentile(p: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return (i + 1) * BUCKET_MS;
    }
    return BUCKETS * BUCKET_MS;
  }

  /** The non-empty buckets, for sending to another process. */
  toData(): HistogramData {
    const data: [number, number][] = [];
    this.counts.forEach((count, index) => {
      if (count > 0) data.push([index, count]);
    });
    return data;
  }
}
