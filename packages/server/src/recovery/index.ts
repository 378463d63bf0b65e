/**
 * Connection state recovery and exactly-once effect for retried emits: the
 * contracts (packet log, session store, de-duplication window), their
 * single-process implementations, and the option resolver. `@cometa/redis`
 * implements the same contracts on Redis for several instances.
 *
 * @example
 * ```ts
 * import { MemoryPacketLog, MemorySessionStore, MemoryDedupWindow } from "@cometa/server/recovery";
 * const log = new MemoryPacketLog({ maxAge: 120_000 });
 * ```
 */
export type { DedupClaim, DedupWindow } from "./dedup-window.js";
export { type DedupWindowOptions, MemoryDedupWindow } from "./memory-dedup-window.js";
export { MemoryPacketLog, type MemoryPacketLogOptions } from "./memory-packet-log.js";
export { MemorySessionStore } from "./memory-session-store.js";
export { formatOffset, newEpoch, type ParsedOffset, parseOffset } from "./offset.js";
export { isAddressedTo, type LogEntry, type LogEntryInput, type PacketLog, type ReplayFailure, type ReplayResult } from "./packet-log.js";
export {
  type ConnectionStateRecoveryOptions,
  DEFAULT_MAX_DISCONNECTION_DURATION,
  INSUFFICIENT_STATE,
  isRecoverableReason,
  RECOVERABLE_REASONS,
  type ResolvedRecoveryOptions,
  resolveRecoveryOptions,
} from "./recovery-options.js";
export type { SessionRecord, SessionStore } from "./session-store.js";
export { type LocalRecoveryStores, memoryRecoveryStores, type RecoveryStores, type SharedRecoveryStores } from "./recovery-stores.js";
export { dedupWindowOf, type RetriedEventHost, runOnce } from "./retried-event.js";
export { type RestoredSession, type RestoreFailure, type RestoreResult, restoreSession } from "./session-restore.js";
export type { BroadcastFeed } from "./broadcast-feed.js";
export { createRecovery, type RecoverableSocket, Recovery, type RecoveryScope, type ServerRecoveryOptions } from "./recovery.js";
