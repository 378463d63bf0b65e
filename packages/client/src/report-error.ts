/**
 * Rethrow `err` outside the current call stack, like the DOM's
 * `reportError`: it surfaces as an uncaught error (console in browsers,
 * `uncaughtException` in Node) without unwinding the caller, so a throwing
 * application listener cannot break the client's own state.
 */
export function reportError(err: unknown): void {
  // Looked up on globalThis: the client compiles without DOM or Node types.
  (globalThis as unknown as { queueMicrotask(task: () => void): void }).queueMicrotask(() => {
    throw err;
  });
}
