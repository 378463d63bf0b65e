import type { DedupClaim, DedupWindow } from "./dedup-window.js";
import { MemoryDedupWindow } from "./memory-dedup-window.js";

/** How {@link runOnce} talks to the socket that received the packet. */
export interface RetriedEventHost {
  /** Run the listeners; `ack` (when the packet asked for one) is what they call to reply. */
  dispatch(ack: ((...reply: unknown[]) => void) | undefined): void;
  /** Send an ACK with this id and reply (replaying an earlier answer). */
  sendAck(reply: readonly unknown[]): void;
  /** A store failure that has no caller (reported, never thrown). */
  reportError(error: unknown): void;
}

/**
 * Exactly-once effect for a client emit that carries a message id (`mid`):
 * the first transmission runs the listeners, and its ack reply is
 * remembered; a retransmission of the same id (after an ack timeout, a
 * reconnection, or on another instance) never runs them again: it gets the
 * remembered reply, or nothing while the first is still being handled (the
 * client retries later). With a memory window the decision is synchronous, so
 * events keep their order; with a shared window it waits for the store. If
 * the store fails, the event runs (at-least-once beats losing it).
 *
 * `hasAck` says whether the packet asked for an ack (an id).
 */
export function runOnce(window: DedupWindow, session: string, mid: string, hasAck: boolean, host: RetriedEventHost): void {
  if (window instanceof MemoryDedupWindow) {
    decide(window, session, mid, hasAck, host, window.claimNow(session, mid));
    return;
  }
  window.claim(session, mid).then(
    (claim) => decide(window, session, mid, hasAck, host, claim),
    (error: unknown) => {
      host.reportError(error);
      host.dispatch(hasAck ? (...reply) => host.sendAck(reply) : undefined);
    },
  );
}

function decide(window: DedupWindow, session: string, mid: string, hasAck: boolean, host: RetriedEventHost, claim: DedupClaim): void {
  if (claim.state === "pending") return;
  if (claim.state === "done") {
    if (hasAck && claim.reply !== undefined) host.sendAck(claim.reply);
    return;
  }
  const remember = (reply: readonly unknown[] | undefined) => {
    const done = window.complete(session, mid, reply);
    done.catch((error: unknown) => host.reportError(error));
  };
  if (!hasAck) {
    host.dispatch(undefined);
    remember(undefined);
    return;
  }
  let answered = false;
  try {
    host.dispatch((...reply: unknown[]) => {
      if (answered) return;
      answered = true;
      remember(reply);
      host.sendAck(reply);
    });
  } catch (error) {
    // A listener threw before answering: let the next transmission run it again.
    if (!answered) window.release(session, mid).catch((e: unknown) => host.reportError(e));
    throw error;
  }
}

/**
 * The de-duplication window a message id belongs to. Cometa's client writes
 * ids as `<random per-socket prefix>.<counter>` (decision 0003): the prefix
 * outlives reconnections, even one that could not restore the session, so
 * windowing by it keeps a retry exactly-once in every case. Ids of another
 * shape fall back to `session` (the recovery pid or the socket id).
 */
export function dedupWindowOf(nsp: string, mid: string, session: string): string {
  const dot = mid.lastIndexOf(".");
  return dot > 0 ? `${nsp}#${mid.slice(0, dot)}` : `${nsp}#${session}`;
}
