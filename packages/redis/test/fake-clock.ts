import type { Clock } from "@cometa/server";

/** A manual clock: timers fire only when the test calls `advance()`, in time order. */
export class FakeClock implements Clock {
  time = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  private id = 0;
  now = () => this.time;
  setTimeout = (fn: () => void, ms: number) => {
    this.timers.set(++this.id, { at: this.time + ms, fn });
    return this.id;
  };
  clearTimeout = (handle: unknown) => {
    this.timers.delete(handle as number);
  };

  /** Pending timers. */
  get pending(): number {
    return this.timers.size;
  }

  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (next === undefined) break;
      this.timers.delete(next[0]);
      this.time = next[1].at;
      next[1].fn();
    }
    this.time = end;
  }
}
