import type { Clock, TimerHandle } from "../clock.js";
import type { SessionRecord, SessionStore } from "./session-store.js";

/** What is saved of a connected socket. `Socket` implements it. */
export interface LiveSocket {
  readonly id: string;
  readonly pid: string | undefined;
  /** Rooms, its own id included or not. */
  readonly rooms: ReadonlySet<string>;
  readonly data: unknown;
  /** False once disconnected (a late save must not bring a session back). */
  readonly connected: boolean;
}

/** The session record of a socket that has a `pid`: its rooms without its own id room, and its `data`. */
export function sessionRecordOf(nsp: string, socket: LiveSocket): SessionRecord {
  const rooms: string[] = [];
  for (const room of socket.rooms) if (room !== socket.id) rooms.push(room);
  return { pid: socket.pid!, sid: socket.id, nsp, rooms, data: socket.data };
}

/** Most sessions written in one tick; the rest wait for the next one (a refresh of many sockets never stalls the loop). */
const BATCH = 1000;

/**
 * Sessions of connected sockets, saved while they are alive, so that an
 * instance that dies without closing its sockets (`kill -9`, a crash, a lost
 * host) leaves them behind in a shared store: its clients reconnect to
 * another instance and recover. Only used with a store that outlives this
 * process ({@link SessionStore.durable}: Redis); a memory store dies with it.
 *
 * When a session is written:
 * - at connect (after the `connection` handlers ran: same tick),
 * - after a join or leave, coalesced per tick (one write per socket, however
 *   many rooms changed),
 * - every `refreshEvery` ms for every connected socket, which keeps the TTL
 *   (`maxDisconnectionDuration + refreshEvery`) ahead of the clock, so a
 *   session stays restorable for at least `maxDisconnectionDuration` after its
 *   instance died. `socket.data` changes are not observed: they are saved with
 *   the next of these writes (and at disconnect, by the caller).
 *
 * Nothing here runs per message.
 *
 * @example
 * ```ts
 * const live = new LiveSessions(redisSessions, 120_000, clock, new StoreOutage("session store", reportError));
 * live.track("/", socket); // on connect
 * live.touch(socket); // after join/leave
 * live.untrack(socket); // on disconnect
 * ```
 */
export class LiveSessions {
  /** Connected sockets → their namespace. */
  readonly #live = new Map<LiveSocket, string>();
  /** Sockets whose session must be written on the next flush. */
  readonly #dirty = new Set<LiveSocket>();
  readonly #ttl: number;
  readonly #refreshEvery: number;
  #flushing = false;
  #timer: TimerHandle | undefined;
  #closed = false;
  /** Sessions written so far (tests and metrics). */
  writes = 0;

  constructor(
    private readonly store: SessionStore,
    maxDisconnectionDuration: number,
    private readonly clock: Clock,
    /** Where failed saves go (one report per outage). */
    private readonly outage: { watch(operation: Promise<unknown>): void },
    refreshEvery = Math.max(1000, Math.floor(maxDisconnectionDuration / 2)),
  ) {
    this.#refreshEvery = refreshEvery;
    this.#ttl = maxDisconnectionDuration + refreshEvery;
  }

  /** Connected sockets tracked. */
  get size(): number {
    return this.#live.size;
  }

  /** A socket connected (fresh or restored): save its session on the next tick. */
  track(nsp: string, socket: LiveSocket): void {
    if (this.#closed || socket.pid === undefined) return;
    this.#live.set(socket, nsp);
    this.#mark(socket);
    if (this.#timer === undefined) this.#timer = this.clock.setTimeout(this.#refresh, this.#refreshEvery);
  }

  /** Rooms changed: save again on the next tick (once, however many changes). */
  touch(socket: LiveSocket): void {
    if (this.#live.has(socket)) this.#mark(socket);
  }

  /** A socket disconnected: no more live saves for it (the caller saves or discards its session). */
  untrack(socket: LiveSocket): void {
    this.#live.delete(socket);
    this.#dirty.delete(socket);
  }

  /** Stop (server close): no more writes. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) this.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#live.clear();
    this.#dirty.clear();
  }

  /** Write every pending session now (tests; a flush is scheduled by itself otherwise). */
  flush(): void {
    this.#flushing = false;
    let budget = BATCH;
    for (const socket of this.#dirty) {
      if (budget-- === 0) break;
      this.#dirty.delete(socket);
      const nsp = this.#live.get(socket);
      if (nsp === undefined || !socket.connected) continue;
      this.#save(nsp, socket);
    }
    if (this.#dirty.size > 0) this.#schedule();
  }

  #save(nsp: string, socket: LiveSocket): void {
    this.writes++;
    this.outage.watch(this.store.save(sessionRecordOf(nsp, socket), this.#ttl));
  }

  #mark(socket: LiveSocket): void {
    this.#dirty.add(socket);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#flushing || this.#closed) return;
    this.#flushing = true;
    // Next tick, not a microtask: the joins of a whole handler (and its awaits on resolved promises) coalesce.
    setImmediate(this.#onTick);
  }

  readonly #onTick = (): void => {
    if (this.#flushing) this.flush();
  };

  readonly #refresh = (): void => {
    this.#timer = undefined;
    if (this.#closed || this.#live.size === 0) return;
    for (const socket of this.#live.keys()) this.#dirty.add(socket);
    this.#schedule();
    this.#timer = this.clock.setTimeout(this.#refresh, this.#refreshEvery);
  };
}
