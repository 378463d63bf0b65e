/**
 * The adapter implementations the conformance suite runs against.
 */
import { createClusterAdapter, createMemoryBackplane, type Backplane } from "@cometa/server/cluster";
import { Cluster, Redis } from "ioredis";
import { type RedisAdapterFactory, redisAdapter } from "../src/index.js";
import type { RedisBackplane } from "../src/redis-backplane.js";
import type { AdapterImplementation } from "./cluster-fixture.js";
import { TEST_TIMING } from "./cluster-fixture.js";
import { type RedisClusterProcess, type RedisProcess, startRedis, startRedisCluster } from "./redis-harness.js";

/** Servers in one process on the in-memory bus. */
export function memoryImplementation(): AdapterImplementation {
  let bus: Backplane = createMemoryBackplane();
  return {
    name: "memory",
    setup: async () => {
      bus = createMemoryBackplane();
    },
    adapter: () => createClusterAdapter(bus, TEST_TIMING),
    // Deliveries are microtasks; their replies are more microtasks.
    sync: () => new Promise((resolve) => setImmediate(resolve)),
    teardown: async () => {},
  };
}

/** Servers on one real redis-server (plain pub/sub), one backplane each. */
export function redisImplementation(): AdapterImplementation & { readonly redis: () => RedisProcess; readonly backplanes: RedisBackplane[] } {
  let redis: RedisProcess | undefined;
  let template: Redis | undefined;
  const backplanes: RedisBackplane[] = [];
  return {
    name: "redis",
    backplanes,
    redis: () => redis!,
    setup: async () => {
      redis = await startRedis();
      // A template only: the adapter opens its own connections from its options.
      template = new Redis(redis.url, { lazyConnect: true });
    },
    adapter: () => track(redisAdapter(template!, TEST_TIMING), backplanes),
    sync: async () => {
      await Promise.all(backplanes.map((backplane) => backplane.subscribed()));
    },
    teardown: async () => {
      template?.disconnect();
      await redis?.stop();
    },
  };
}

/** Servers on a local 3-master Redis Cluster (sharded pub/sub). */
export function shardedImplementation(): AdapterImplementation & { readonly cluster: () => RedisClusterProcess; readonly backplanes: RedisBackplane[] } {
  let cluster: RedisClusterProcess | undefined;
  let template: Cluster | undefined;
  const backplanes: RedisBackplane[] = [];
  return {
    name: "redis-cluster (sharded)",
    backplanes,
    cluster: () => cluster!,
    setup: async () => {
      cluster = await startRedisCluster(3);
      template = new Cluster([...cluster.startupNodes], { lazyConnect: true });
    },
    adapter: () => track(redisAdapter(template!, TEST_TIMING), backplanes),
    sync: async () => {
      await Promise.all(backplanes.map((backplane) => backplane.subscribed()));
    },
    teardown: async () => {
      template?.disconnect();
      await cluster?.stop();
    },
  };
}

function track(factory: RedisAdapterFactory, backplanes: RedisBackplane[]): RedisAdapterFactory {
  backplanes.push(factory.backplane);
  return factory;
}
