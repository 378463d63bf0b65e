/**
 * Connection state recovery on Redis: the packet log (Redis Streams, one
 * stream per namespace, offsets with an epoch), the session store and the
 * de-duplication window for retried emits, all shared by every instance.
 * Each implements the matching contract of `@cometa/server`'s recovery
 * folder (structurally).
 */
export { type RedisDedupClaim, RedisDedupWindow, type RedisDedupWindowOptions } from "./redis-dedup-window.js";
export {
  type RedisLogEntry,
  type RedisLogEntryInput,
  RedisPacketLog,
  type RedisPacketLogOptions,
  type RedisReplayResult,
  compareStreamIds,
  decodePublished,
  type PublishedEntry,
} from "./redis-packet-log.js";
export { feedChannel, type RecoveryFeedHandlers, type RecoveryFeedOptions, RedisRecoveryFeed } from "./recovery-feed.js";
export { type RedisSessionRecord, RedisSessionStore, type RedisSessionStoreOptions } from "./redis-session-store.js";
export { type RedisRecoveryOptions, type RedisRecoveryStores, redisRecoveryStores } from "./redis-recovery-stores.js";
