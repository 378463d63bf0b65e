/**
 * CLOCK_MONOTONIC in float milliseconds.
 *
 * `process.hrtime.bigint()` reads CLOCK_MONOTONIC on Linux, which every process on the machine
 * shares, so a timestamp written by one process can be compared with a reading in another.
 * `performance.timeOrigin + performance.now()` is NOT suitable: `timeOrigin` is per process.
 *
 * @example
 * const sentAt = monotonicMs();
 * // … later, possibly in another process
 * const latencyMs = monotonicMs() - sentAt;
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
