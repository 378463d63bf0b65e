import type { Clock, TimerHandle } from "../src/clock.js";

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly callback: () => void;
}

/**
 * Manual time for tests: timers fire only inside `advance()`, in due order
 * (ties in creation order), with `now()` set to each timer's due time.
 */
export class FakeClock implements Clock {
  #now: number;
  #nextId = 1;
  #timers: Timer[] = [];

  constructor(start = 1_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const timer = { id: this.#nextId++, at: this.#now + Math.max(0, ms), callback };
    this.#timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  }

  /** Timers armed, with their delays from now, soonest first. */
  get pending(): number[] {
    return this.#sorted().map((t) => t.at - this.#now);
  }

  /** Move time forward by `ms`, firing every timer due on the way. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const next = this.#sorted()[0];
      if (next === undefined || next.at > end) break;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#now = next.at;
      next.callback();
    }
    this.#now = end;
  }

  /** Fire the next timer, wherever it is; returns the time advanced. */
  next(): number {
    const next = this.#sorted()[0];
    if (next === undefined) throw new Error("no timer pending");
    const delta = next.at - this.#now;
    this.advance(delta);
    return delta;
  }

  #sorted(): Timer[] {
    return [...this.#timers].sort((a, b) => a.at - b.at || a.id - b.id);
  }
}
