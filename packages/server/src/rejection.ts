/**
 * User code (listeners, middlewares, ack callbacks, namespace matchers) may be
 * `async`: the promise it returns is usually ignored by whoever called it, and
 * an ignored rejected promise is an unhandled rejection, which ends a Node
 * process by default. Every place that calls user code routes the returned
 * promise's rejection to the server's `onError` through these helpers.
 */

/** Where an error goes when there is no caller to throw it to (a namespace, a socket, the server). */
export interface ErrorSink {
  reportError(error: unknown): void;
}

/** Whether `value` is a promise or another thenable (what an `async` function returns). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as PromiseLike<unknown>).then === "function"
  );
}

/**
 * If user code returned a promise, send its rejection to `sink` instead of
 * leaving it unhandled. Allocates only for a promise (a plain return is the
 * common case on hot paths).
 *
 * @example
 * ```ts
 * reportRejection(callback(...args), socket); // an async ack callback that throws reaches onError
 * ```
 */
export function reportRejection(result: unknown, sink: ErrorSink): void {
  if (isThenable(result)) result.then(undefined, (error: unknown) => sink.reportError(error));
}
