/**
 * Counters of a Redis backplane (or emitter). Plain numbers, updated in place:
 * read them from a `/metrics` endpoint or a test. Counters only grow; gauges
 * say so.
 */
export interface RedisMetrics {
  /** Messages handed to Redis (one per channel: a broadcast to 3 rooms counts 3). */
  published: number;
  /** Publishes that failed: Redis unavailable (failed fast), or lost in flight. */
  publishFailed: number;
  /** Publishes dropped because too many were awaiting Redis (a slow or frozen Redis). */
  publishOverflow: number;
  /** Gauge: publishes awaiting Redis' answer now. */
  pendingPublishes: number;
  /** Messages received on subscribed channels. */
  received: number;
  /** Received messages that were not valid Cometa envelopes or bodies. */
  invalid: number;
  /** Sequence gaps detected (each may cover several messages). */
  gaps: number;
  /** Messages known lost: the sum of all gap sizes. */
  lost: number;
  /** Messages received twice (dropped). */
  duplicates: number;
  /** Messages received after a later one (dropped, already counted lost). */
  reordered: number;
  /** Times a connection went down (closed, PING or handshake timeout). */
  disconnects: number;
  /** Of those, how many a health check forced (silent partition, frozen Redis). */
  healthCheckFailures: number;
  /** Gauge: channels currently subscribed. */
  subscriptions: number;
}

/** A zeroed metrics object. */
export function createMetrics(): RedisMetrics {
  return {
    published: 0,
    publishFailed: 0,
    publishOverflow: 0,
    pendingPublishes: 0,
    received: 0,
    invalid: 0,
    gaps: 0,
    lost: 0,
    duplicates: 0,
    reordered: 0,
    disconnects: 0,
    healthCheckFailures: 0,
    subscriptions: 0,
  };
}
