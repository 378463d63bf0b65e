/** What a middleware calls to continue (`next()`) or to stop with an error (`next(err)`). */
export type NextFunction = (err?: Error) => void;

/** One step of a middleware chain. */
export type ChainStep<A> = (arg: A, next: NextFunction) => void;

/** The default liveness check: one shared function, not a closure per run. */
const ALWAYS_ALIVE = (): boolean => true;

/**
 * Run `steps` in order over `arg`, each one sync or async. `done` is called
 * exactly once: with the first error passed to `next`, with the error a step
 * threw synchronously (`thrown` true), or with nothing after the last step.
 * A step calling `next` twice cannot run the rest of the chain twice.
 * `alive` is checked before every step: when it turns false the chain stops
 * silently (the socket went away meanwhile).
 *
 * Each run allocates its own `next` per step (so a step calling `next` twice is
 * detectable): callers skip `runChain` entirely when there are no steps.
 */
export function runChain<A>(
  steps: readonly ChainStep<A>[],
  arg: A,
  done: (err: Error | undefined, thrown: boolean) => void,
  alive: () => boolean = ALWAYS_ALIVE,
): void {
  let index = 0;
  let finished = false;
  const finish = (err: Error | undefined, thrown: boolean): void => {
    finished = true;
    done(err, thrown);
  };
  const step = (): void => {
    if (finished || !alive()) return;
    const fn = steps[index++];
    if (fn === undefined) {
      finish(undefined, false);
      return;
    }
    let called = false;
    const next: NextFunction = (err) => {
      if (called || finished) return;
      called = true;
      if (err !== undefined && err !== null) finish(toError(err), false);
      else step();
    };
    try {
      fn(arg, next);
    } catch (error) {
      // Thrown after `next()`: it came from further down (a later step or `done`), not from this step.
      if (called || finished) throw error;
      finish(toError(error), true);
    }
  };
  step();
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
