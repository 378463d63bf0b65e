/** Waiting helpers for the load generator's phase schedule (never used in tests as synchronisation). */

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `done` every 5 ms until it returns true or `timeoutMs` passes; resolves with whether it did.
 * Used to drain in-flight deliveries between phases, where no single event marks "all arrived".
 */
export async function waitFor(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await sleep(5);
  }
  return true;
}
