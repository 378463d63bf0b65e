/**
 * The benchmark payload `{t, s, p}` (BENCH.md): `t` CLOCK_MONOTONIC ms, `s` sequence number,
 * `p` padding chosen so the server's tick frame `{type:2,data:["tick",payload],nsp:"/"}` is ≈ 100 bytes.
 */
import { monotonicMs } from "./monotonic-clock.js";

/** The payload object sent with `broadcast` and `echo`. */
export interface BenchPayload {
  t: number;
  s: number;
  p: string;
}

// 57 characters make the tick frame exactly 100 bytes for s < 128 and ≤ 104 bytes for any uint32 s.
const PADDING = "x".repeat(57);

/** Builds a fresh payload stamped now. */
export function makePayload(seq: number): BenchPayload {
  return { t: monotonicMs(), s: seq, p: PADDING };
}
