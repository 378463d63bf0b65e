/**
 * Turns selected scenario names into sessions of generator scenario specs: the full sizes of the
 * issues (1000 and 5000 fan-out clients, 10 000 idle connections, 100 rpc clients, 1000 clients split
 * over two instances on Redis) or tiny smoke sizes.
 */
import type { FanoutSpec, ScenarioSpec } from "../load/scenario-spec.js";
import type { RunOptions, ScenarioName } from "./run-options.js";

/** Fixed-phase offered load: 50 000 deliveries/s (50 broadcasts/s to 1000, 10/s to 5000 clients). */
const FIXED_DELIVERIES_PER_SECOND = 50_000;
/** Saturated phase: up to 4 broadcasts in flight. */
const WINDOW_BROADCASTS = 4;
const CONNECT_LANES = 50;
/** Cross-instance fan-out (issue 5): clients in one room, split 50/50 over two instances. */
const CLUSTER_CLIENTS = 1000;
const CLUSTER_INSTANCES = 2;

/**
 * One session: fresh server processes per target and one generator running `scenarios` in order.
 */
export interface SessionPlan {
  /** Server processes per target: 1, or 2 sharing a fresh `redis-server` (env `REDIS_URL`). */
  instances: number;
  /** Run only for targets with a Redis mode: the cross-instance comparison and its 1-instance baseline. */
  redisTargetsOnly: boolean;
  scenarios: ScenarioSpec[];
}

function fanoutSpec(clients: number, options: RunOptions, scenario?: string): FanoutSpec {
  const spec: FanoutSpec = {
    kind: "fanout",
    clients,
    fixedDeliveriesPerSecond: options.smoke ? clients * 50 : FIXED_DELIVERIES_PER_SECOND,
    windowBroadcasts: WINDOW_BROADCASTS,
    warmupMs: options.smoke ? 50 : 1000,
    durationMs: options.durationMs,
  };
  if (scenario !== undefined) spec.scenario = scenario;
  return spec;
}

/** The spec for one scenario under `options`. */
export function scenarioSpec(name: ScenarioName, options: RunOptions): ScenarioSpec {
  const durationMs = options.durationMs;
  const warmupMs = options.smoke ? 50 : 1000;
  switch (name) {
    case "fanout-1000":
    case "fanout-5000":
      return fanoutSpec(options.smoke ? (name === "fanout-1000" ? 20 : 40) : Number(name.slice("fanout-".length)), options);
    case "cluster-fanout": {
      const clients = options.smoke ? 20 : CLUSTER_CLIENTS;
      return fanoutSpec(clients, options, `cluster-fanout-${clients}`);
    }
    case "idle":
      return options.smoke ? { kind: "idle", connections: 50, settleMs: 50 } : { kind: "idle", connections: 10_000, settleMs: 2000 };
    case "rpc":
      return { kind: "rpc", clients: options.smoke ? 10 : 100, warmupMs, durationMs };
    case "connect":
      return { kind: "connect", lanes: options.smoke ? 4 : CONNECT_LANES, warmupMs, durationMs };
  }
}

/**
 * Groups specs into sessions. A full run gives every scenario a fresh server, so idle memory and CPU
 * figures are not polluted by earlier scenarios; a smoke run puts all single-server scenarios of a
 * target in one session (idle first) to stay within seconds. `cluster-fanout` always gets two
 * sessions per target: the 1-instance baseline, then 2 instances on Redis.
 */
export function planSessions(options: RunOptions): SessionPlan[] {
  const single = options.scenarios.filter((name) => name !== "cluster-fanout").map((name) => scenarioSpec(name, options));
  const sessions: SessionPlan[] = [];
  if (!options.smoke) {
    for (const spec of single) sessions.push({ instances: 1, redisTargetsOnly: false, scenarios: [spec] });
  } else if (single.length > 0) {
    // Smoke: idle first, while the server's RSS baseline is untouched; one fan-out size is enough
    // there (5000 clients run the same code path as 1000).
    const idle = single.filter((spec) => spec.kind === "idle");
    const fanout = single.filter((spec) => spec.kind === "fanout").slice(0, 1);
    const others = single.filter((spec) => spec.kind !== "idle" && spec.kind !== "fanout");
    sessions.push({ instances: 1, redisTargetsOnly: false, scenarios: [...idle, ...fanout, ...others] });
  }
  if (options.scenarios.includes("cluster-fanout")) {
    const spec = scenarioSpec("cluster-fanout", options);
    sessions.push({ instances: 1, redisTargetsOnly: true, scenarios: [spec] });
    sessions.push({ instances: CLUSTER_INSTANCES, redisTargetsOnly: true, scenarios: [spec] });
  }
  return sessions;
}
