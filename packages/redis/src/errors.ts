import { CometaError } from "@cometa/protocol";

/**
 * Codes of the errors `@cometa/redis` reports:
 * - `REDIS_UNAVAILABLE`: the publishing connection is not ready (Redis down,
 *   paused or unreachable); the publish failed at once instead of queueing;
 * - `PUBLISH_FAILED`: Redis rejected or lost a publish;
 * - `PUBLISH_OVERFLOW`: too many publishes awaiting Redis (it is slow); this one was dropped;
 * - `INVALID_MESSAGE`: a message on a Cometa channel could not be decoded;
 * - `INVALID_ARGUMENT`: programmer misuse (thrown).
 */
export type RedisAdapterErrorCode =
  | "REDIS_UNAVAILABLE"
  | "PUBLISH_FAILED"
  | "PUBLISH_OVERFLOW"
  | "INVALID_MESSAGE"
  | "INVALID_ARGUMENT";

/** An error of the Redis adapter, backplane or emitter. */
export class RedisAdapterError extends CometaError<RedisAdapterErrorCode> {}
