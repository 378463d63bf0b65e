/**
 * Time as the client sees it. Every timer in the client goes through a
 * `Clock`, so tests drive backoff, heartbeats and timeouts with fake time.
 */

/** Opaque timer handle. */
export type TimerHandle = unknown;

/** The three things the client needs from time. */
export interface Clock {
  /** Wall-clock milliseconds (compared against deadlines after sleep/background throttling). */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  /** Cancel a timer; `undefined` (no timer) is a no-op. */
  clearTimeout(handle: TimerHandle | undefined): void;
}

/** The global timer functions, typed here because the build compiles without DOM or Node types. */
const timers = globalThis as unknown as {
  setTimeout(callback: () => void, ms: number): { unref?: () => void };
  clearTimeout(handle: unknown): void;
};

/** The real clock: `Date.now` and the global timers. Timers are unref'd in Node so they never keep a process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const handle = timers.setTimeout(callback, ms);
    // Browsers return a number; Node a Timeout object.
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => timers.clearTimeout(handle),
};
