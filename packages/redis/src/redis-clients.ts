import { Cluster, Redis, type RedisOptions } from "ioredis";

/** A client `@cometa/redis` accepts: a standalone ioredis `Redis` or a `Cluster`. */
export type RedisClient = Redis | Cluster;

/** The subscriber connection type (always standalone: sharded subscribers get one per master). */
export type SubscriberClient = Redis;

/** Reconnect timing of the connections the backplane owns. */
export interface ReconnectOptions {
  /** Longest wait between reconnect attempts, ms (attempt n waits min(100·n, this)). Default 1000. */
  readonly reconnectMaxDelay?: number;
  /** TCP connect timeout, ms. Default 2000. */
  readonly connectTimeout?: number;
}

/**
 * Options that make a connection fail fast instead of queueing: a command
 * sent while Redis is away is rejected at once (no offline queue), commands
 * in flight when the socket drops are rejected rather than replayed later
 * (a stale publish after reconnect would be reordered), and subscriptions are
 * restored by the backplane itself so it knows when they are back.
 */
export function failFastOptions(options: ReconnectOptions = {}): Partial<RedisOptions> {
  const maxDelay = options.reconnectMaxDelay ?? 1000;
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResubscribe: false,
    autoResendUnfulfilledCommands: false,
    connectTimeout: options.connectTimeout ?? 2000,
    lazyConnect: false,
    retryStrategy: (times: number) => Math.min(100 * times, maxDelay),
  };
}

/** Whether `client` is a Redis Cluster client. */
export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster || (client as { isCluster?: boolean }).isCluster === true;
}

/** A standalone connection configured like `template`, with fail-fast options (the template is left alone). */
export function duplicateStandalone(template: Redis, options?: ReconnectOptions): Redis {
  return template.duplicate(failFastOptions(options));
}

/** A cluster client configured like `template`, failing fast, without ioredis' own sharded subscribers. */
export function duplicateCluster(template: Cluster, options?: ReconnectOptions): Cluster {
  const nodeOptions = failFastOptions(options);
  return template.duplicate(undefined, {
    enableOfflineQueue: false,
    lazyConnect: false,
    shardedSubscribers: false,
    clusterRetryStrategy: nodeOptions.retryStrategy,
    redisOptions: { ...template.options.redisOptions, ...nodeOptions },
  });
}

/** A standalone connection to one cluster node, with the cluster's node options and fail-fast options. */
export function connectToNode(cluster: Cluster, host: string, port: number, options?: ReconnectOptions): Redis {
  return new Redis({ ...cluster.options.redisOptions, ...failFastOptions(options), host, port });
}
