/**
 * The reconnection schedule, as data and pure functions: no timers, no
 * randomness of its own. `retry-timer.ts` puts it on a clock.
 *
 * Exponential backoff with full jitter. Attempt `n` (0-based) has a ceiling
 * `min(maxDelayMs, initialDelayMs × factor^n)`; the delay is drawn uniformly
 * from the whole window `[(1 − jitter) × ceiling, ceiling]`. Two choices differ
 * from socket.io-client's backo2 on purpose:
 * - the jitter is applied *after* the cap, so clients that reached the cap
 *   still spread out instead of all retrying at exactly `maxDelayMs` (with
 *   backo2, every client at the cap retries at the same instant);
 * - the draw only shortens the delay, so `maxDelayMs` is a true maximum.
 * With `jitter = 1` this is the "full jitter" of the AWS architecture blog.
 */

/** Parameters of the schedule (the `reconnectionDelay*` options). */
export interface BackoffPolicy {
  /** Ceiling of the first attempt, ms (`reconnectionDelay`, default 1000). */
  readonly initialDelayMs: number;
  /** Largest ceiling, ms (`reconnectionDelayMax`, default 5000). */
  readonly maxDelayMs: number;
  /** Growth per attempt (default 2). */
  readonly factor: number;
  /** Share of the window that is randomised, 0…1 (`randomizationFactor`, default 0.5). */
  readonly jitter: number;
}

/** socket.io-client's defaults. */
export const DEFAULT_BACKOFF: BackoffPolicy = { initialDelayMs: 1000, maxDelayMs: 5000, factor: 2, jitter: 0.5 };

/**
 * The ceiling of attempt `attempt` (0-based): the delay when the random draw is 0.
 *
 * @example
 * ```ts
 * [0, 1, 2, 3].map((n) => backoffCeiling(DEFAULT_BACKOFF, n)) // [1000, 2000, 4000, 5000]
 * ```
 */
export function backoffCeiling(policy: BackoffPolicy, attempt: number): number {
  const grown = policy.initialDelayMs * policy.factor ** attempt;
  // factor^attempt overflows to Infinity after ~1000 attempts; min() keeps it finite.
  return Math.max(0, Math.min(policy.maxDelayMs, grown));
}

/**
 * The delay before attempt `attempt` (0-based), given a uniform draw `random`
 * in [0, 1). Result is an integer number of ms in
 * `[(1 − jitter) × ceiling, ceiling]`.
 *
 * If the server asked for a wait (`retryAfterMs`, from a 503 Retry-After or a
 * close hint), the delay is never shorter than that wait, and is spread over
 * `[retryAfterMs, retryAfterMs × (1 + jitter)]` so a restart that sent every
 * client the same hint does not turn into a synchronised reconnect storm.
 */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: number, retryAfterMs?: number): number {
  const jitter = clamp01(policy.jitter);
  const r = clamp01(random);
  const ceiling = backoffCeiling(policy, attempt);
  const delay = Math.floor(ceiling * (1 - jitter * r));
  if (retryAfterMs === undefined || !(retryAfterMs > 0)) return delay;
  const requested = Math.floor(retryAfterMs * (1 + jitter * r));
  return Math.max(delay, requested);
}

/** The ceilings of the first `attempts` attempts, for docs and tests. */
export function backoffSchedule(policy: BackoffPolicy, attempts: number): number[] {
  const out: number[] = [];
  for (let n = 0; n < attempts; n++) out.push(backoffCeiling(policy, n));
  return out;
}

function clamp01(value: number): number {
  if (!(value > 0)) return 0; // also maps NaN to 0
  return Math.min(value, 1);
}
