import { type Clock, systemClock } from "../clock.js";
import type { DedupClaim, DedupWindow } from "./dedup-window.js";

/** Options of {@link MemoryDedupWindow}. */
export interface DedupWindowOptions {
  /** Most ids remembered per session; the oldest go first. Default 1000. */
  readonly maxIds?: number;
  /** How long a handled id is remembered, ms. Default 120 000. */
  readonly maxAge?: number;
  /** How long a claim may stay pending before another transmission may run the handler, ms. Default 30 000. */
  readonly pendingTimeout?: number;
  /** Time source (fake in tests). */
  readonly clock?: Clock;
}

interface Seen {
  /** `undefined` while pending. */
  readonly reply: readonly unknown[] | undefined;
  readonly done: boolean;
  readonly until: number;
}

const NEW: DedupClaim = { state: "new" };
const PENDING: DedupClaim = { state: "pending" };

/**
 * The de-duplication window of a single process: per session, a map of
 * ids in claim order, trimmed from the front by count and age on each claim.
 * Sessions whose ids all expired are dropped on the next claim for them or
 * by {@link sweep}.
 *
 * @example
 * ```ts
 * const window = new MemoryDedupWindow();
 * if ((await window.claim(pid, mid)).state === "new") { const reply = await run(); await window.complete(pid, mid, reply); }
 * ```
 */
export class MemoryDedupWindow implements DedupWindow {
  readonly #sessions = new Map<string, Map<string, Seen>>();
  readonly #maxIds: number;
  readonly #maxAge: number;
  readonly #pendingTimeout: number;
  readonly #clock: Clock;

  constructor(options: DedupWindowOptions = {}) {
    this.#maxIds = options.maxIds ?? 1000;
    this.#maxAge = options.maxAge ?? 120_000;
    this.#pendingTimeout = options.pendingTimeout ?? 30_000;
    this.#clock = options.clock ?? systemClock;
  }

  /** Sessions with at least one remembered id. */
  get sessions(): number {
    return this.#sessions.size;
  }

  /** Synchronous {@link claim} (no await on the event path of a single process). */
  claimNow(session: string, mid: string): DedupClaim {
    const now = this.#clock.now();
    let ids = this.#sessions.get(session);
    if (ids === undefined) {
      ids = new Map();
      this.#sessions.set(session, ids);
    }
    const seen = ids.get(mid);
    if (seen !== undefined && seen.until > now) return seen.done ? { state: "done", reply: seen.reply } : PENDING;
    ids.delete(mid);
    ids.set(mid, { reply: undefined, done: false, until: now + this.#pendingTimeout });
    this.#trim(ids, now);
    return NEW;
  }

  /** Synchronous {@link complete}. */
  completeNow(session: string, mid: string, reply: readonly unknown[] | undefined): void {
    const ids = this.#sessions.get(session);
    if (ids === undefined || !ids.has(mid)) return; // trimmed meanwhile: nothing to replay later
    ids.set(mid, { reply, done: true, until: this.#clock.now() + this.#maxAge });
  }

  /** Synchronous {@link release}. */
  releaseNow(session: string, mid: string): void {
    const seen = this.#sessions.get(session)?.get(mid);
    if (seen !== undefined && !seen.done) this.#sessions.get(session)!.delete(mid);
  }

  claim(session: string, mid: string): Promise<DedupClaim> {
    return Promise.resolve(this.claimNow(session, mid));
  }

  complete(session: string, mid: string, reply: readonly unknown[] | undefined): Promise<void> {
    this.completeNow(session, mid, reply);
    return Promise.resolve();
  }

  release(session: string, mid: string): Promise<void> {
    this.releaseNow(session, mid);
    return Promise.resolve();
  }

  /** Drop every session whose ids have all expired (call now and then, e.g. from a heartbeat). */
  sweep(): void {
    const now = this.#clock.now();
    for (const [session, ids] of this.#sessions) {
      this.#trim(ids, now);
      if (ids.size === 0) this.#sessions.delete(session);
    }
  }

  #trim(ids: Map<string, Seen>, now: number): void {
    // Count bound: claim order is insertion order, so the oldest claims go first.
    for (const mid of ids.keys()) {
      if (ids.size <= this.#maxIds) break;
      ids.delete(mid);
    }
    // Age bound: completion can postpone expiry, so skip rather than stop at the first live id.
    for (const [mid, seen] of ids) if (seen.until <= now) ids.delete(mid);
  }
}
