/**
 * Poll `check` until it returns true (hooks cannot use `expect.poll`). For
 * state with no event to await: another process's view, a Redis counter.
 */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 5000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
