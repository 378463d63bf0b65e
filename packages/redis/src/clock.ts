import type { Clock } from "@cometa/server";

/**
 * The real clock for health checks and reconnect bookkeeping: `Date.now` and
 * unref'd timers, so a health check never keeps a process alive. Tests inject
 * a fake one (same `Clock` shape as the server's).
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const handle = globalThis.setTimeout(callback, ms);
    handle.unref();
    return handle;
  },
  clearTimeout(handle) {
    globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>);
  },
};
