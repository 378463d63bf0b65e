/**
 * Time as the Socket.IO layer sees it: ack timeouts, the connect timeout and
 * broadcast-ack timeouts all go through a `Clock`, so tests drive them with
 * fake time. Same shape as the engine's and the client's clocks, so one fake
 * clock can drive a whole test.
 */

/** Opaque timer handle. */
export type TimerHandle = unknown;

/** The three things the Socket.IO layer needs from time. */
export interface Clock {
  /** Milliseconds; only differences are used (connect deadlines, cluster heartbeats). */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The real clock: `performance.now` (monotonic, so a wall-clock jump neither
 * expires every pending deadline at once nor postpones them) and global
 * timers, unref'd so a pending ack never keeps a process alive.
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
