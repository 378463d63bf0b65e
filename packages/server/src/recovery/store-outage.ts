import { ServerError } from "../errors.js";

/**
 * Turns failures of a recovery store into one `onError` report per outage.
 * A store that refuses writes (Redis out of memory, or unreachable) fails
 * every broadcast and every session save; reporting each one would flood the
 * log with one line per message (RELIABILITY.md F14). The first failure after
 * a healthy period is reported, as a `RECOVERY_STORE_FAILED` error whose
 * `cause` is the store's own error; later ones are only counted, until an
 * operation succeeds again.
 *
 * @example
 * ```ts
 * const logOutage = new StoreOutage("packet log", reportError);
 * logOutage.watch(feed.publish(nsp, entry));
 * ```
 */
export class StoreOutage {
  #down = false;
  /** Failures not reported because an outage was already reported (tests and metrics). */
  suppressed = 0;

  constructor(
    /** What the store is, for the message: "packet log", "session store". */
    private readonly what: string,
    private readonly report: (error: unknown) => void,
  ) {}

  /** Whether an outage was reported and no operation has succeeded since. */
  get down(): boolean {
    return this.#down;
  }

  /** Follow one store operation: a rejection is reported (first of an outage) or counted; a fulfilment ends the outage. */
  watch(operation: Promise<unknown>): void {
    operation.then(this.succeeded, this.failed);
  }

  /** An operation of the store succeeded: a later failure is a new outage. */
  readonly succeeded = (): void => {
    this.#down = false;
  };

  /** An operation of the store failed. */
  readonly failed = (error: unknown): void => {
    if (this.#down) {
      this.suppressed++;
      return;
    }
    this.#down = true;
    const detail = error instanceof Error ? error.message : String(error);
    this.report(
      new ServerError("RECOVERY_STORE_FAILED", `recovery ${this.what} failed: ${detail} (further failures are not reported until it works again)`, {
        cause: error,
      }),
    );
  };
}
