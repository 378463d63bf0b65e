import { type Clock, systemClock } from "../clock.js";
import type { SessionRecord, SessionStore } from "./session-store.js";

/**
 * Sessions of a single process, in a map swept lazily: an expired session
 * is dropped when looked up or when a later save walks past it, so no timer
 * per session exists.
 *
 * @example
 * ```ts
 * const store = new MemorySessionStore();
 * await store.save({ pid, sid, nsp: "/", rooms: ["r"], data: {} }, 120_000);
 * const session = await store.take(pid);
 * ```
 */
export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, { readonly session: SessionRecord; readonly expiresAt: number }>();
  readonly #clock: Clock;

  constructor(clock: Clock = systemClock) {
    this.#clock = clock;
  }

  /** Sessions currently kept (expired ones may still count until swept). */
  get size(): number {
    return this.#sessions.size;
  }

  save(session: SessionRecord, ttlMs: number): Promise<void> {
    const now = this.#clock.now();
    // Re-insert so the map stays in expiry order (same ttl for every save of one server).
    this.#sessions.delete(session.pid);
    this.#sessions.set(session.pid, { session, expiresAt: now + ttlMs });
    this.#sweep(now);
    return Promise.resolve();
  }

  take(pid: string): Promise<SessionRecord | undefined> {
    const kept = this.#sessions.get(pid);
    this.#sessions.delete(pid);
    return Promise.resolve(kept !== undefined && kept.expiresAt > this.#clock.now() ? kept.session : undefined);
  }

  /** Drop expired sessions from the front (the oldest saves), stopping at the first live one. */
  #sweep(now: number): void {
    for (const [pid, kept] of this.#sessions) {
      if (kept.expiresAt > now) return;
      this.#sessions.delete(pid);
    }
  }
}
