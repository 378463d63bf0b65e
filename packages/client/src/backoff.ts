/**
 * The reconnection schedule, as data and pure functions: no timers, no
 * randomness of its own. `retry-timer.ts` puts it on a clock.
 *
 * Exponential backoff with full jitter. Attempt `n` (0-based) has a ceiling
 * `min(reconnectionDelayMax, reconnectionDelay × factor^n)`; the delay is drawn
 * uniformly from the whole window `[(1 − randomizationFactor) × ceiling, ceiling]`.
 * Two choices differ from socket.io-client's backo2 on purpose:
 * - the jitter is applied *after* the cap, so clients that reached the cap
 *   still spread out instead of all retrying at exactly the maximum (with
 *   backo2, every client at the cap retries at the same instant);
 * - the draw only shortens the delay, so `reconnectionDelayMax` is a true maximum.
 * With `randomizationFactor = 1` this is the "full jitter" of the AWS architecture blog.
 */

/** Parameters of the schedule: the `connect()` options of the same names (manager options satisfy it). */
export interface BackoffPolicy {
  /** Ceiling of the first attempt, ms (default 1000). */
  readonly reconnectionDelay: number;
  /** Largest ceiling, ms (default 5000). */
  readonly reconnectionDelayMax: number;
  /** Share of the window that is randomised, 0…1 (default 0.5). */
  readonly randomizationFactor: number;
  /** Growth per attempt (default 2). */
  readonly factor?: number;
}

/** socket.io-client's defaults. */
export const DEFAULT_BACKOFF: BackoffPolicy = { reconnectionDelay: 1000, reconnectionDelayMax: 5000, randomizationFactor: 0.5 };

/**
 * The ceiling of attempt `attempt` (0-based): the delay when the random draw is 0.
 *
 * @example
 * ```ts
 * [0, 1, 2, 3].map((n) => backoffCeiling(DEFAULT_BACKOFF, n)) // [1000, 2000, 4000, 5000]
 * ```
 */
export function backoffCeiling(policy: BackoffPolicy, attempt: number): number {
  // factor^attempt overflows to Infinity after ~1000 attempts; min() keeps it finite.
  return Math.max(0, Math.min(policy.reconnectionDelayMax, policy.reconnectionDelay * (policy.factor ?? 2) ** attempt));
}

/**
 * The delay before attempt `attempt` (0-based), given a uniform draw `random`
 * in [0, 1). Result is an integer number of ms in
 * `[(1 − randomizationFactor) × ceiling, ceiling]`.
 *
 * If the server asked for a wait (`retryAfterMs`, from a 503 Retry-After or a
 * close hint), the delay is never shorter than that wait, and is spread over
 * `[retryAfterMs, retryAfterMs × (1 + randomizationFactor)]` so a restart that sent
 * every client the same hint does not turn into a synchronised reconnect storm.
 */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: number, retryAfterMs = 0): number {
  const spread = clamp01(policy.randomizationFactor) * clamp01(random);
  // NaN or negative hints count as none (`|| 0`: max() with NaN is NaN).
  const requested = Math.max(retryAfterMs, 0) || 0;
  return Math.floor(Math.max(backoffCeiling(policy, attempt) * (1 - spread), requested * (1 + spread)));
}

/** The ceilings of the first `attempts` attempts, for docs and tests. */
export function backoffSchedule(policy: BackoffPolicy, attempts: number): number[] {
  return Array.from({ length: attempts }, (_, n) => backoffCeiling(policy, n));
}

function clamp01(value: number): number {
  return Math.min(Math.max(value, 0), 1) || 0; // also maps NaN to 0
}
