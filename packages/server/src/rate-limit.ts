import type { Clock } from "./clock.js";

/**
 * The per-socket inbound event budget (RELIABILITY S6): a token bucket of
 * `points` tokens refilled evenly over `intervalMs`. An event past the budget
 * is dropped; a socket whose drops in one interval exceed `disconnectAfter`
 * is disconnected with reason `rate limited`.
 */
export interface RateLimitOptions {
  /** Events allowed per interval (also the burst size). */
  readonly points: number;
  /** Length of the interval, ms. */
  readonly intervalMs: number;
  /** Drops within one interval after which the socket is disconnected. Default: `points`. */
  readonly disconnectAfter?: number;
}

/** What `RateLimiter.take` decided for one event. */
export type RateDecision = "allow" | "drop" | "first-drop" | "disconnect";

/**
 * One socket's token bucket. Plain number fields and no timer: a refill is
 * computed from the elapsed time when an event arrives, so the hot path costs
 * a clock read and some arithmetic.
 */
export class RateLimiter {
  private tokens: number;
  private refilledAt: number;
  private drops = 0;
  private dropWindowStart = 0;
  private readonly perMs: number;
  private readonly disconnectAfter: number;

  constructor(
    private readonly options: RateLimitOptions,
    private readonly clock: Clock,
  ) {
    this.tokens = options.points;
    this.refilledAt = clock.now();
    this.perMs = options.points / options.intervalMs;
    this.disconnectAfter = options.disconnectAfter ?? options.points;
  }

  /** Spend one token for an inbound event. */
  take(): RateDecision {
    const now = this.clock.now();
    const points = this.options.points;
    if (this.tokens < points) {
      this.tokens = Math.min(points, this.tokens + (now - this.refilledAt) * this.perMs);
    }
    this.refilledAt = now;
    if (this.tokens >= 1) {
      this.tokens--;
      return "allow";
    }
    if (this.drops === 0 || now - this.dropWindowStart >= this.options.intervalMs) {
      // A new episode of flooding: reported once, so a flood cannot flood the error log too.
      this.drops = 1;
      this.dropWindowStart = now;
      return this.drops > this.disconnectAfter ? "disconnect" : "first-drop";
    }
    this.drops++;
    return this.drops > this.disconnectAfter ? "disconnect" : "drop";
  }
}
