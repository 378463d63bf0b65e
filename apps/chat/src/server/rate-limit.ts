/**
 * A token bucket: `burst` actions at once, then `perSecond` on average. One
 * per socket keeps a script from flooding a room; people never notice it.
 *
 * @example
 * ```ts
 * const limit = new RateLimit(() => Date.now(), { burst: 10, perSecond: 4 });
 * if (!limit.take()) return ack(fail("RATE_LIMITED", "Slow down a little."));
 * ```
 */
export class RateLimit {
  #tokens: number;
  #last: number;

  constructor(
    private readonly now: () => number,
    private readonly rate: { readonly burst: number; readonly perSecond: number },
  ) {
    this.#tokens = rate.burst;
    this.#last = now();
  }

  /** Spend one token; false (and nothing spent) when the bucket is empty. */
  take(): boolean {
    const now = this.now();
    // Refill for the time since the last call, capped at the burst size.
    this.#tokens = Math.min(this.rate.burst, this.#tokens + ((now - this.#last) / 1000) * this.rate.perSecond);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
