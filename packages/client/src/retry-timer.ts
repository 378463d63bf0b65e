import { type BackoffPolicy, backoffDelay } from "./backoff.js";
import type { Clock, TimerHandle } from "./clock.js";

/**
 * A one-shot timer that counts its attempts and takes each delay from the
 * backoff schedule (phoenix's `Timer` with `reconnectAfterMs`). Time and
 * randomness are injected, so tests drive it with a fake clock.
 *
 * @example
 * ```ts
 * const timer = new RetryTimer(systemClock, DEFAULT_BACKOFF, Math.random, () => reconnect());
 * timer.schedule();   // ~500–1000 ms, attempts = 1
 * timer.schedule();   // ~1000–2000 ms, attempts = 2
 * timer.reset();      // connected again: cancel and start over
 * ```
 */
export class RetryTimer {
  /** Attempts scheduled since the last `reset()`. */
  attempts = 0;
  #handle: TimerHandle | undefined;
  readonly #clock: Clock;
  readonly #policy: BackoffPolicy;
  readonly #random: () => number;
  readonly #onDue: () => void;

  constructor(clock: Clock, policy: BackoffPolicy, random: () => number, onDue: () => void) {
    this.#clock = clock;
    this.#policy = policy;
    this.#random = random;
    this.#onDue = onDue;
  }

  /**
   * Arm the timer for the next attempt (replacing an armed one) and return
   * the chosen delay in ms. `retryAfterMs` is the server's requested wait.
   */
  schedule(retryAfterMs?: number): number {
    this.cancel();
    const delay = backoffDelay(this.#policy, this.attempts++, this.#random(), retryAfterMs);
    this.#handle = this.#clock.setTimeout(this.#onDue, delay);
    return delay;
  }

  /** Disarm without forgetting the attempt count. */
  cancel(): void {
    this.#clock.clearTimeout(this.#handle);
  }

  /** Disarm and start the schedule over. */
  reset(): void {
    this.cancel();
    this.attempts = 0;
  }
}
