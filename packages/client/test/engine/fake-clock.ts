import type { Clock } from "../../src/clock.js";

/** A manual clock: timers fire only in `advance`, and `jump` moves wall time without firing them (a sleeping laptop). */
export interface FakeClock extends Clock {
  advance(ms: number): void;
  jump(ms: number): void;
  readonly pending: number;
}

/** Creates a {@link FakeClock} starting at `start` ms. */
export function createFakeClock(start = 1_000_000): FakeClock {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        let due: [number, { at: number; callback: () => void }] | undefined;
        for (const entry of timers) if (entry[1].at <= until && (!due || entry[1].at < due[1].at)) due = entry;
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].callback();
      }
      now = until;
    },
    jump(ms) {
      now += ms;
    },
    get pending() {
      return timers.size;
    },
  };
}
