import { type Packet, PacketType } from "@cometa/protocol";
import type { BroadcastOptions } from "../cluster/adapter.js";
import { createSocketId } from "../socket-id.js";
import type { LogEntry } from "./packet-log.js";
import type { Clock } from "../clock.js";
import { LiveSessions, type LiveSocket, sessionRecordOf } from "./live-sessions.js";
import {
  type ConnectionStateRecoveryOptions,
  isRecoverableReason, type ResolvedRecoveryOptions, resolveRecoveryOptions } from "./recovery-options.js";
import { memoryRecoveryStores, type RecoveryStores } from "./recovery-stores.js";
import { type RestoreResult, restoreSession } from "./session-restore.js";
import { StoreOutage } from "./store-outage.js";

/** What recovery needs from a namespace: its name and local delivery. `Namespace` implements it. */
export interface RecoveryScope {
  readonly name: string;
  localBroadcast(packet: Packet, opts: BroadcastOptions): void;
  /** The adapter's broadcast: local delivery plus the cluster (used when the feed cannot take a packet). */
  readonly adapter: { broadcast(packet: Packet, opts: BroadcastOptions): void };
  /**
   * This instance missed logged broadcasts it cannot read back: disconnect
   * every local socket with reason `insufficient state` and close their
   * connections, so their clients reconnect and recover through the log.
   */
  dropForRecovery(): void;
}

/** What is saved of a socket (connected, or that lost its connection). `Socket` implements it. */
export type RecoverableSocket = LiveSocket;

const NO_FLAGS = Object.freeze({});

/** Packets that already carry their offset (logged here, or delivered from the feed). */
const stamped = new WeakSet<Packet>();

/**
 * Connection state recovery for one server: it stamps recoverable packets
 * with offsets, saves sessions on recoverable disconnections, restores them
 * on reconnection, and de-duplicates retried client emits. The namespace,
 * socket and broadcast code call it at a handful of points; everything here
 * is off (no cost) unless `connectionStateRecovery` is set.
 *
 * - Which packets are logged: EVENTs without an ack id, not volatile, not
 *   `local`, through a broadcast or `socket.emit` (PROTOCOL.md §4.7 step 2).
 * - One process (memory log): the offset is appended synchronously and the
 *   packet goes its usual way.
 * - Several instances (a feed): the packet is handed to the feed, which logs
 *   and publishes it atomically; every instance delivers it from the feed.
 */
export class Recovery {
  /** Namespaces fed from the shared log, by name (the current one, if a child namespace was recreated). */
  readonly #scopes = new Map<string, RecoveryScope>();
  /** Sessions of connected sockets, saved while they live (only with a durable session store). */
  readonly live: LiveSessions | undefined;
  /** Failures of the packet log (feed publishes), reported once per outage. */
  readonly logOutage: StoreOutage;
  /** Failures of the session store (saves, discards, restores), reported once per outage. */
  readonly sessionOutage: StoreOutage;

  constructor(
    readonly options: ResolvedRecoveryOptions,
    readonly stores: RecoveryStores,
    private readonly reportError: (error: unknown) => void,
    clock?: Clock,
  ) {
    this.logOutage = new StoreOutage("packet log", reportError);
    this.sessionOutage = new StoreOutage("session store", reportError);
    if (stores.sessions.durable === true && clock !== undefined) {
      this.live = new LiveSessions(stores.sessions, options.maxDisconnectionDuration, clock, this.sessionOutage);
    }
    // A gap the feed could not read back: the namespace's local sockets recover through a reconnection.
    if (stores.feed !== undefined) stores.onLoss?.((nsp) => this.#scopes.get(nsp)?.dropForRecovery());
  }

  /** A private session id for a new socket (secret to its client). */
  newPid(): string {
    return createSocketId();
  }

  /** Whether a packet sent with these flags is logged. */
  isLogged(packet: Packet, flags: BroadcastOptions["flags"]): boolean {
    return packet.type === PacketType.EVENT && packet.id === undefined && flags.volatile !== true && flags.local !== true;
  }

  /**
   * Log a broadcast. One process: the offset is appended to `packet.data`
   * and returned; the caller delivers as usual. With a feed: returns the
   * promise of the offset, and the caller must not deliver (every instance
   * does, from the feed); it resolves undefined if the log was unreachable
   * and the packet went out without an offset instead.
   */
  logBroadcast(scope: RecoveryScope, packet: Packet, opts: BroadcastOptions): string | Promise<string | undefined> {
    const entry = { data: (packet.data as unknown[]).slice(), rooms: [...opts.rooms], except: [...opts.except] };
    const stores = this.stores;
    if (stores.feed === undefined) {
      const offset = stores.log.appendNow(scope.name, entry);
      (packet.data as unknown[]).push(offset);
      stamped.add(packet);
      return offset;
    }
    this.watch(scope);
    const outage = this.logOutage;
    return stores.feed.publish(scope.name, entry).then(
      (offset) => {
        outage.succeeded();
        return offset;
      },
      (error: unknown) => {
        // The log is unreachable: deliver without an offset rather than drop (clients in it then resync).
        outage.failed(error);
        scope.adapter.broadcast(packet, opts);
        return undefined;
      },
    );
  }

  /**
   * An event that is not logged (volatile, `local`, from another node or an
   * emitter) still gets an offset: the newest one this instance delivered.
   * Clients can then always treat the last string of an ack-less event as
   * the offset (Cometa's client strips it), and "everything up to here" stays
   * true, since every logged event for this client up to that point was
   * written to its connection before this one. Empty while nothing was logged
   * yet on this instance with a shared log.
   */
  stampUnlogged(nsp: string, packet: Packet): void {
    if (packet.type !== PacketType.EVENT || packet.id !== undefined || stamped.has(packet)) return;
    const stores = this.stores;
    const head = stores.feed === undefined ? stores.log.head(nsp) : (stores.feed.delivered(nsp) ?? "");
    (packet.data as unknown[]).push(head);
    stamped.add(packet);
  }

  /** Deliver the feed's entries of `scope` to its local sockets (once per namespace). */
  watch(scope: RecoveryScope): void {
    const feed = this.stores.feed;
    if (feed === undefined) return;
    const known = this.#scopes.has(scope.name);
    this.#scopes.set(scope.name, scope);
    if (known) return;
    const name = scope.name;
    feed
      .watch(name, (entry: LogEntry) => {
        const packet: Packet = { type: PacketType.EVENT, nsp: name, data: [...entry.data, entry.offset] };
        stamped.add(packet);
        this.#scopes.get(name)!.localBroadcast(packet, { rooms: new Set(entry.rooms), except: new Set(entry.except), flags: NO_FLAGS });
      })
      .catch((error: unknown) => this.reportError(error));
  }

  /** A socket was accepted: with a durable store, its session is saved while it lives (a crash then loses nothing). */
  track(nsp: string, socket: RecoverableSocket): void {
    this.live?.track(nsp, socket);
  }

  /** A connected socket joined or left rooms: its live session is saved again (coalesced per tick). */
  touch(socket: RecoverableSocket): void {
    this.live?.touch(socket);
  }

  /**
   * A socket disconnected: keep its session when the reason allows recovery.
   * Otherwise, a live session saved earlier is discarded: a client that left
   * on purpose must not be restored.
   */
  persist(nsp: string, socket: RecoverableSocket, reason: string): void {
    if (socket.pid === undefined) return;
    const live = this.live;
    live?.untrack(socket);
    if (!isRecoverableReason(reason)) {
      if (live !== undefined) this.sessionOutage.watch(this.stores.sessions.take(socket.pid));
      return;
    }
    this.sessionOutage.watch(this.stores.sessions.save(sessionRecordOf(nsp, socket), this.options.maxDisconnectionDuration));
  }

  /** Stop saving live sessions and release the stores' connections (server close). */
  async close(): Promise<void> {
    this.live?.close();
    await this.stores.close?.();
  }

  /** A CONNECT carried `{pid, offset}`: try to restore. Never rejects (a store failure is a failed restore). */
  async restore(nsp: string, pid: unknown, offset: unknown): Promise<RestoreResult> {
    try {
      const result = await restoreSession(this.stores, nsp, pid, offset);
      this.sessionOutage.succeeded();
      return result;
    } catch (error) {
      this.sessionOutage.failed(error);
      return { ok: false, reason: "unavailable" };
    }
  }
}

/** The server option: Socket.IO's two settings, plus where the state lives (memory by default). */
export interface ServerRecoveryOptions extends ConnectionStateRecoveryOptions {
  /** Shared stores for several instances (`redisRecoveryStores` from `@cometa/redis`). Default: this process's memory. */
  readonly stores?: RecoveryStores;
}

/** Build the server's recovery from its option; undefined when recovery is off. */
export function createRecovery(
  option: ServerRecoveryOptions | boolean | undefined,
  clock: Clock,
  reportError: (error: unknown) => void,
): Recovery | undefined {
  const resolved = resolveRecoveryOptions(option);
  if (resolved === undefined) return undefined;
  const stores = (typeof option === "object" ? option.stores : undefined) ?? memoryRecoveryStores(resolved.maxDisconnectionDuration, clock);
  return new Recovery(resolved, stores, reportError, clock);
}
