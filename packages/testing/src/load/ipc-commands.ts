/**
 * The child side of the load harness's IPC: answers `{ id, cmd, ...args }`
 * messages from the runner with `{ id, result }` or `{ id, error }`.
 */

/** A command handler: gets the message, resolves with a JSON-serialisable result. */
export type CommandHandler = (message: Record<string, unknown>) => unknown;

/**
 * Serves `handlers` on the IPC channel and tells the runner `ready` (with
 * `info`). The `stop` command runs `onStop` and exits; losing the parent exits too.
 */
export function serveCommands(handlers: Record<string, CommandHandler>, info: Record<string, unknown>, onStop: () => Promise<void>): void {
  process.on("message", (message: Record<string, unknown> & { id: number; cmd: string }) => {
    if (message.cmd === "stop") {
      void onStop().finally(() => process.exit(0));
      return;
    }
    const handler = handlers[message.cmd];
    if (handler === undefined) {
      process.send?.({ id: message.id, error: `unknown command ${message.cmd}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(message))
      .then(
        (result) => process.send?.({ id: message.id, result: result ?? null }),
        (error: unknown) => process.send?.({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
      );
  });
  // The runner is gone (killed, crashed): do not outlive it.
  process.on("disconnect", () => process.exit(0));
  process.send?.({ type: "ready", ...info });
}

/** The config the runner put in `COMETA_LOAD_CONFIG`. */
export function loadConfig<T>(): T {
  return JSON.parse(process.env.COMETA_LOAD_CONFIG ?? "{}") as T;
}
