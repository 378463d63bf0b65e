/**
 * What a fault-suite server process is told (its config, then commands over
 * IPC) and what it reports back (facts). Shared by the parent
 * (`fault-node.ts`) and the child (`fault-node-main.ts`).
 */

/** Configuration of one server process, passed as JSON in `COMETA_FAULT_NODE`. */
export interface FaultNodeConfig {
  /** Name used in facts and logs. */
  readonly name: string;
  /** Port to listen on (0: a free one; a restarted node reuses its old one). */
  readonly port?: number;
  /** Address to listen on. Default 127.0.0.1. */
  readonly host?: string;
  /** Run inside this network namespace (`ip netns exec`); see `net-namespace.ts`. */
  readonly netns?: string;
  /** Redis for the cluster adapter; none: in-memory adapter. */
  readonly redisUrl?: string;
  /** Sentinel mode instead of `redisUrl`: `{ sentinels: [{host, port}], name }` for ioredis. */
  readonly sentinel?: { readonly sentinels: readonly { host: string; port: number }[]; readonly name: string };
  readonly pingInterval: number;
  readonly pingTimeout: number;
  /** Cluster node heartbeat, ms (the adapter's `heartbeatInterval`; timeout is twice it). */
  readonly heartbeatInterval?: number;
  /** Engine `backpressureHardLimit` (bytes above which a socket is cut as `slow consumer`). */
  readonly backpressureHardLimit?: number;
  /** Engine `maxPayload`. */
  readonly maxPayload?: number;
  /** The backplane's bound on publishes awaiting Redis (`maxPendingPublishes`; default 4096). */
  readonly maxPendingPublishes?: number;
  /** Connection state recovery on Redis (`redisRecoveryStores`: the packet log on Streams); needs `redisUrl`. */
  readonly recovery?: boolean;
  /**
   * Forward long-polling requests to the session's owner through Redis
   * (`createRedisSessionRouter`), so no sticky sessions are needed; needs `redisUrl`.
   */
  readonly forwarding?: boolean;
}

/** A command from the parent; `id` pairs it with its {@link CommandReply}. */
export type FaultNodeCommand =
  | { readonly id: number; readonly cmd: "stall"; readonly ms: number }
  | { readonly id: number; readonly cmd: "sockets"; readonly cluster: boolean }
  | {
      readonly id: number;
      readonly cmd: "burst";
      readonly room: string;
      /** Numbers `from .. from + count - 1`. */
      readonly from: number;
      readonly count: number;
      /** Size of the padding string of each message. */
      readonly bytes: number;
      readonly ratePerSecond: number;
    }
  | { readonly id: number; readonly cmd: "emit"; readonly room: string; readonly event: string; readonly args: readonly unknown[] }
  | { readonly id: number; readonly cmd: "probe" }
  | { readonly id: number; readonly cmd: "close" };

/** Answer to one command. */
export interface CommandReply {
  readonly id: number;
  readonly result?: unknown;
  readonly error?: string;
}

/** State of the process, answered to `probe`. */
export interface NodeProbe {
  readonly rssBytes: number;
  readonly localSockets: number;
  /** Errors handed to the server's `onError` so far. */
  readonly errors: number;
  /** Longest event-loop delay since the previous probe (or start), ms (`monitorEventLoopDelay`, 10 ms resolution). */
  readonly loopDelayMaxMs: number;
  /** The Redis backplane's counters (`RedisMetrics`), when the node has one. */
  readonly redis?: Readonly<Record<string, number>>;
  /** The session router's counters (`ForwardingStats`), with `forwarding`. */
  readonly forwarding?: unknown;
}

/** Something the child reports unasked. */
export type FaultNodeFact =
  | { readonly type: "listening"; readonly port: number; readonly pid: number }
  | { readonly type: "connection"; readonly id: string; readonly clientId: string }
  | { readonly type: "disconnect"; readonly id: string; readonly clientId: string; readonly reason: string }
  | { readonly type: "backplane"; readonly healthy: boolean; readonly reason: string }
  | { readonly type: "up"; readonly clientId: string; readonly n: number }
  | { readonly type: "error"; readonly code: string; readonly message: string }
  | { readonly type: "unhandled"; readonly message: string };
