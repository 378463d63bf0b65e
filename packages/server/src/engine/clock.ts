/**
 * Time as the engine sees it. Every timer in the engine (heartbeats, upgrade
 * timeout, the polling close fallback) goes through a `Clock`, so tests drive
 * them with fake time. Same shape as the client's `Clock`.
 */

/** Opaque timer handle. */
export type TimerHandle = unknown;

/** The three things the engine needs from time. */
export interface Clock {
  /** Milliseconds; only differences are used. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The real clock: `performance.now` (monotonic, so a wall-clock jump never
 * fires every heartbeat at once) and the global timers, unref'd so they never
 * keep a process alive on their own (the listen socket does that).
 */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout(callback, ms) {
    const handle = globalThis.setTimeout(callback, ms);
    handle.unref();
    return handle;
  },
  clearTimeout(handle) {
    globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>);
  },
};
