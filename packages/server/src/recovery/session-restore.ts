import { isAddressedTo, type LogEntry, type ReplayFailure } from "./packet-log.js";
import type { RecoveryStores } from "./recovery-stores.js";
import type { SessionRecord } from "./session-store.js";

/** A session brought back: its state and the events it missed, each `[name, ...args, offset]`, in order. */
export interface RestoredSession {
  readonly session: SessionRecord;
  readonly missed: readonly unknown[][];
}

/** Why a session was not restored (the client then gets a fresh one and `recovered = false`). */
export type RestoreFailure = ReplayFailure | "no-session" | "wrong-namespace" | "bad-request" | "feed-behind";

/** Result of {@link restoreSession}. */
export type RestoreResult = { readonly ok: true; readonly restored: RestoredSession } | { readonly ok: false; readonly reason: RestoreFailure };

/** Read-backs tried while a busy feed keeps moving ahead of the log read. */
const MAX_READS = 5;

/**
 * The server half of recovery (PROTOCOL.md §4.7 step 5): given the `pid` and
 * `offset` a client put in its CONNECT, take the session (so no second
 * connection can take it too) and read what it missed from the log, keeping
 * only events addressed to the session's rooms. The session is consumed even
 * when the replay fails: the client starts afresh either way.
 *
 * With a feed, the replay must end exactly where this instance's live
 * delivery stands when the socket rejoins its rooms (the caller does that
 * synchronously when this resolves): entries up to there are replayed,
 * later ones arrive live. So entries past the feed's position are dropped,
 * and if the feed moved past the read, the log is read again.
 *
 * @example
 * ```ts
 * const result = await restoreSession(stores, "/", auth.pid, auth.offset);
 * if (result.ok) for (const data of result.restored.missed) socket.sendEvent(data);
 * ```
 */
export async function restoreSession(stores: RecoveryStores, nsp: string, pid: unknown, offset: unknown): Promise<RestoreResult> {
  if (typeof pid !== "string" || typeof offset !== "string" || pid.length > 100 || offset.length > 100) {
    return { ok: false, reason: "bad-request" };
  }
  const session = await stores.sessions.take(pid);
  if (session === undefined) return { ok: false, reason: "no-session" };
  if (session.nsp !== nsp) return { ok: false, reason: "wrong-namespace" };
  const entries: LogEntry[] = [];
  let from = offset;
  for (let reads = 0; ; reads++) {
    if (reads === MAX_READS) return { ok: false, reason: "feed-behind" };
    const replay = await stores.log.readAfter(nsp, from);
    if (!replay.ok) return replay;
    const feed = stores.feed;
    const upTo = feed?.delivered(nsp);
    if (feed === undefined || upTo === undefined) {
      entries.push(...replay.entries);
      break;
    }
    let reached = false;
    for (const entry of replay.entries) {
      if (feed.compare(entry.offset, upTo) > 0) {
        reached = true;
        break;
      }
      entries.push(entry);
      from = entry.offset;
    }
    // Done when the read covers everything this instance delivered live so far.
    if (reached || feed.compare(from, upTo) >= 0) break;
  }
  const rooms = new Set(session.rooms);
  rooms.add(session.sid);
  const missed: unknown[][] = [];
  for (const entry of entries) if (isAddressedTo(entry, rooms)) missed.push([...entry.data, entry.offset]);
  return { ok: true, restored: { session, missed } };
}
