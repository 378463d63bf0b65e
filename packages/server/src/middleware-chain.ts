import { type ErrorSink, isThenable } from "./rejection.js";

/** What a middleware calls to continue (`next()`) or to stop with an error (`next(err)`). */
export type NextFunction = (err?: Error) => void;

/**
 * One step of a middleware chain. It may be `async`: the chain watches the
 * promise it returns (see {@link runChain}).
 */
export type ChainStep<A> = (arg: A, next: NextFunction) => void;

/**
 * How a chain stopped with an error:
 * - `next`: a step called `next(err)`;
 * - `thrown`: a step threw synchronously (a bug in the step);
 * - `rejected`: an async step's promise rejected before the step called `next`.
 */
export type ChainFailure = "next" | "thrown" | "rejected";

/** The end of a chain: `err` undefined when every step passed (`failure` is then meaningless). */
export type ChainDone = (err: Error | undefined, failure: ChainFailure) => void;

/** The default liveness check: one shared function, not a closure per run. */
const ALWAYS_ALIVE = (): boolean => true;

/**
 * Run `steps` in order over `arg`, each one sync or async. `done` is called
 * exactly once: with the first error passed to `next`, thrown synchronously by
 * a step, or rejected by a step's promise before it called `next`; or with
 * nothing after the last step. A step calling `next` twice cannot run the rest
 * of the chain twice. `alive` is checked before every step: when it turns
 * false the chain stops silently (the socket went away meanwhile).
 *
 * A rejection that can no longer decide the chain (the step already called
 * `next`, or the chain ended) goes to `sink`: an `async` step is never left
 * as an unhandled rejection, which would end the process.
 *
 * Each run allocates its own `next` per step (so a step calling `next` twice is
 * detectable): callers skip `runChain` entirely when there are no steps.
 */
export function runChain<A>(
  steps: readonly ChainStep<A>[],
  arg: A,
  done: ChainDone,
  sink: ErrorSink,
  alive: () => boolean = ALWAYS_ALIVE,
): void {
  let index = 0;
  let finished = false;
  const finish = (err: Error | undefined, failure: ChainFailure): void => {
    finished = true;
    done(err, failure);
  };
  const step = (): void => {
    if (finished || !alive()) return;
    const fn = steps[index++];
    if (fn === undefined) {
      finish(undefined, "next");
      return;
    }
    let called = false;
    const next: NextFunction = (err) => {
      if (called || finished) return;
      called = true;
      if (err !== undefined && err !== null) finish(toError(err), "next");
      else step();
    };
    let result: unknown;
    try {
      result = fn(arg, next);
    } catch (error) {
      // Thrown after `next()`: it came from further down (a later step or `done`), not from this step.
      if (called || finished) throw error;
      finish(toError(error), "thrown");
      return;
    }
    if (!isThenable(result)) return;
    result.then(undefined, (error: unknown) => {
      // After `next()` the rejection may even come from further down (an async step that
      // called `next()` before its first await runs the rest of the chain inside its promise).
      if (called || finished) {
        sink.reportError(error);
        return;
      }
      called = true;
      try {
        finish(toError(error), "rejected");
      } catch (fromDone) {
        sink.reportError(fromDone); // a promise callback has no caller to throw to
      }
    });
  };
  step();
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
