/**
 * The de-duplication window contract (RELIABILITY.md §3.3, decision 0003):
 * a client that emits with `retries` puts the same message id (`mid`) on
 * every transmission. The server claims the id before running the handler;
 * a later transmission of the same id does not run it again but gets the
 * original ack replayed. Windows are per session (the recovery `pid`, or the
 * socket id without recovery) and bounded in size and age.
 * Implementations: {@link MemoryDedupWindow} and the Redis window in
 * `@cometa/redis` (shared by every instance).
 */

/** What a claim found. */
export type DedupClaim =
  /** First time seen: run the handler, then call `complete`. */
  | { readonly state: "new" }
  /** A transmission with this id is being handled right now: drop this one (the client retries later). */
  | { readonly state: "pending" }
  /** Already handled: do not run again; answer with `reply` if the packet asks for an ack (undefined: the handler did not ack). */
  | { readonly state: "done"; readonly reply: readonly unknown[] | undefined };

/** A bounded window of client message ids per session. */
export interface DedupWindow {
  /** Claim `mid` for `session`: exactly one concurrent claimant gets `new`. */
  claim(session: string, mid: string): Promise<DedupClaim>;
  /** The handler acked with `reply` (or finished without an ack: undefined); later claims replay it. */
  complete(session: string, mid: string, reply: readonly unknown[] | undefined): Promise<void>;
  /** Give up a `new` claim without a result (the handler failed): the next transmission runs it again. */
  release(session: string, mid: string): Promise<void>;
}
