import { type BackoffPolicy, backoffDelay } from "./backoff.js";
import type { Clock, TimerHandle } from "./clock.js";

/**
 * A one-shot timer that counts its attempts and takes each delay from the
 * backoff schedule (phoenix's `Timer` with `reconnectAfterMs`). Time and
 * randomness are injected, so tests drive it with a fake clock.
 */
export interface RetryTimer {
  /** Attempts scheduled since the last `reset()`. */
  readonly attempts: number;
  /**
   * Arm the timer for the next attempt (replacing an armed one) and return
   * the chosen delay in ms. `retryAfterMs` is the server's requested wait.
   */
  schedule(retryAfterMs?: number): number;
  /** Disarm without forgetting the attempt count. */
  cancel(): void;
  /** Disarm and start the schedule over. */
  reset(): void;
}

/**
 * Create a {@link RetryTimer} that calls `onDue` when an armed delay ends.
 *
 * @example
 * ```ts
 * const timer = createRetryTimer(systemClock, DEFAULT_BACKOFF, Math.random, () => reconnect());
 * timer.schedule();   // ~500–1000 ms, attempts = 1
 * timer.schedule();   // ~1000–2000 ms, attempts = 2
 * timer.reset();      // connected again: cancel and start over
 * ```
 */
export function createRetryTimer(clock: Clock, policy: BackoffPolicy, random: () => number, onDue: () => void): RetryTimer {
  let handle: TimerHandle | undefined;
  const timer = {
    attempts: 0,
    schedule(retryAfterMs?: number) {
      timer.cancel();
      const delay = backoffDelay(policy, timer.attempts++, random(), retryAfterMs);
      handle = clock.setTimeout(onDue, delay);
      return delay;
    },
    cancel: () => clock.clearTimeout(handle),
    reset() {
      timer.cancel();
      timer.attempts = 0;
    },
  };
  return timer;
}
