/**
 * What the runner asks a load generator process to do, and what it gets back. These types are the
 * IPC contract between `runner.ts` and `load/main.ts`.
 */
import type { LatencySummary } from "./latency-histogram.js";

/**
 * Fan-out: `clients` subscribers in room `bench`, one publisher; a fixed-rate then a saturated phase.
 * Against several server instances the subscribers are split evenly across them (client i on
 * instance i mod n) and the publisher sits on the first instance.
 */
export interface FanoutSpec {
  kind: "fanout";
  /** Scenario id in results; `fanout-<clients>` when absent (`cluster-fanout-<clients>` for issue 5). */
  scenario?: string;
  clients: number;
  /** Offered load of the fixed phase, deliveries per second (broadcasts/s × clients). */
  fixedDeliveriesPerSecond: number;
  /** Saturated phase: at most this many broadcasts' worth of deliveries outstanding. */
  windowBroadcasts: number;
  warmupMs: number;
  durationMs: number;
}

/** Idle memory: `connections` clients connect and join, server RSS delta per connection. */
export interface IdleSpec {
  kind: "idle";
  connections: number;
  settleMs: number;
}

/** Ack round trips: `clients` clients each doing `echo` with ack back to back. */
export interface RpcSpec {
  kind: "rpc";
  clients: number;
  warmupMs: number;
  durationMs: number;
}

/** Connection setup: connect → CONNECT reply → close, in `lanes` parallel lanes. */
export interface ConnectSpec {
  kind: "connect";
  lanes: number;
  warmupMs: number;
  durationMs: number;
}

/** Any scenario. */
export type ScenarioSpec = FanoutSpec | IdleSpec | RpcSpec | ConnectSpec;

/** The unit a scenario's per-operation figures are counted in. */
export type OperationName = "delivery" | "ack" | "connection";

/** Figures of one measured phase of one scenario against one server. */
export interface PhaseResult {
  /** Scenario id, e.g. `fanout-1000`, `idle-10000`, `rpc-100`, `connect-50`. */
  scenario: string;
  /** `fixed` / `saturated` for fan-out; the scenario kind otherwise. */
  phase: string;
  operation: OperationName;
  /** Operations completed inside the measurement window. */
  ops: number;
  /** Window length, seconds. */
  seconds: number;
  /** ops / seconds. */
  throughput: number;
  /** Server utime+stime over the window divided by ops, microseconds. The primary figure. */
  serverCpuUsPerOp: number;
  /**
   * The utime part of `serverCpuUsPerOp` (the server's own code: JS, V8, libuv, uWS); the rest is
   * kernel time (TCP on loopback, epoll, wake-ups), which every target pays alike. Absent in old results.
   */
  serverUserUsPerOp?: number;
  /** Server CPU over the window as % of one core. */
  serverCpuPercent: number;
  /** Load generator CPU over the window as % of one core (> 90 % = the generator was the bottleneck). */
  generatorCpuPercent: number;
  /** Server RSS at the end of the window, bytes. */
  serverRssBytes: number;
  /** Server processes measured (their CPU and RSS are summed); 1 when absent. */
  instances?: number;
  /** With a Redis backplane: Redis's own utime+stime over the window divided by ops, microseconds. */
  redisCpuUsPerOp?: number;
  /** With a Redis backplane: Redis CPU over the window as % of one core. */
  redisCpuPercent?: number;
  /** Idle only: server RSS growth per connection, bytes. */
  rssPerConnectionBytes?: number;
  /** Latency (delivery, ack round trip or connect time), ms. */
  latency?: LatencySummary;
  /** Irregularities worth flagging: generator-bound, lost deliveries, rate not sustained, errors. */
  notes: string[];
}

/** The processes a generator drives and measures: one server, or several sharing a Redis. */
export interface GeneratorTarget {
  /** Server base URLs, e.g. `ws://127.0.0.1:4000`; the first is instance A (publisher, single-server scenarios). */
  urls: string[];
  /** Server pids (same order), for `/proc` readings summed over all of them. */
  serverPids: number[];
  /** Redis pid when the servers share one: its CPU is reported separately, never added to the servers'. */
  redisPid?: number;
}

/** Runner → generator. */
export interface GeneratorRequest extends GeneratorTarget {
  type: "run";
  scenarios: ScenarioSpec[];
}

/** Generator → runner. `hello` says the generator listens for its request (IPC messages sent earlier could be lost). */
export type GeneratorReply =
  | { type: "hello" }
  | { type: "result"; results: PhaseResult[] }
  | { type: "error"; message: string };

/** Share of one core above which the generator, not the server, limited a run. */
export const GENERATOR_BOUND_PERCENT = 90;
