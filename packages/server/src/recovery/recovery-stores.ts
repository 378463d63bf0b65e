import type { Clock } from "../clock.js";
import type { BroadcastFeed } from "./broadcast-feed.js";
import type { DedupWindow } from "./dedup-window.js";
import { MemoryDedupWindow } from "./memory-dedup-window.js";
import { MemoryPacketLog } from "./memory-packet-log.js";
import { MemorySessionStore } from "./memory-session-store.js";
import type { PacketLog } from "./packet-log.js";
import type { SessionStore } from "./session-store.js";

/**
 * Where recovery keeps its state: the packet log, the disconnected
 * sessions and the de-duplication window. One process uses
 * {@link memoryRecoveryStores}; instances sharing Redis use `redisRecoveryStores`
 * from `@cometa/redis`, so a client may come back on any of them.
 */
export type RecoveryStores = LocalRecoveryStores | SharedRecoveryStores;

/** One process: the memory log is appended synchronously on the broadcast path, so broadcasts never wait. */
export interface LocalRecoveryStores {
  readonly log: MemoryPacketLog;
  readonly sessions: SessionStore;
  readonly dedup: DedupWindow;
  readonly feed?: undefined;
  close?(): Promise<void>;
}

/** Several instances: a shared log whose feed delivers every logged broadcast on every instance in log order. */
export interface SharedRecoveryStores {
  readonly log: PacketLog;
  readonly sessions: SessionStore;
  readonly dedup: DedupWindow;
  readonly feed: BroadcastFeed;
  /**
   * Listen for entries the feed missed and could not read back (log trimmed,
   * data lost, log unreadable): this instance's sockets of `nsp` may lack some.
   * The server then disconnects them with reason `insufficient state`, so
   * their clients reconnect and recover through the log, or learn
   * `recovered = false` and resync, instead of losing silently.
   */
  onLoss?(listener: (nsp: string, reason: string) => void): void;
  /** Release connections (called on server close). */
  close?(): Promise<void>;
}

/**
 * The single-process stores, sized for `maxDisconnectionDuration`.
 *
 * @example
 * ```ts
 * const stores = memoryRecoveryStores(120_000);
 * ```
 */
export function memoryRecoveryStores(maxDisconnectionDuration: number, clock?: Clock): LocalRecoveryStores {
  return {
    log: new MemoryPacketLog({ maxAge: maxDisconnectionDuration, clock }),
    sessions: new MemorySessionStore(clock),
    dedup: new MemoryDedupWindow({ maxAge: maxDisconnectionDuration, clock }),
  };
}
