/**
 * Turns selected scenario names into the generator's scenario specs: the full sizes of the issue
 * (1000 and 5000 fan-out clients, 10 000 idle connections, 100 rpc clients) or tiny smoke sizes.
 */
import type { ScenarioSpec } from "../load/scenario-spec.js";
import type { RunOptions, ScenarioName } from "./run-options.js";

/** Fixed-phase offered load: 50 000 deliveries/s (50 broadcasts/s to 1000, 10/s to 5000 clients). */
const FIXED_DELIVERIES_PER_SECOND = 50_000;
/** Saturated phase: up to 4 broadcasts in flight. */
const WINDOW_BROADCASTS = 4;
const CONNECT_LANES = 50;

/** The spec for one scenario under `options`. */
export function scenarioSpec(name: ScenarioName, options: RunOptions): ScenarioSpec {
  const durationMs = options.durationMs;
  const warmupMs = options.smoke ? 50 : 1000;
  switch (name) {
    case "fanout-1000":
    case "fanout-5000": {
      const clients = options.smoke ? (name === "fanout-1000" ? 20 : 40) : Number(name.slice("fanout-".length));
      const fixedDeliveriesPerSecond = options.smoke ? clients * 50 : FIXED_DELIVERIES_PER_SECOND;
      return { kind: "fanout", clients, fixedDeliveriesPerSecond, windowBroadcasts: WINDOW_BROADCASTS, warmupMs, durationMs };
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
 * Groups specs into sessions (one server process + one generator process each). A full run gives
 * every scenario a fresh server, so idle memory and CPU figures are not polluted by earlier scenarios;
 * a smoke run puts all scenarios of a target in one session (idle first) to stay within seconds.
 */
export function planSessions(options: RunOptions): ScenarioSpec[][] {
  const specs = options.scenarios.map((name) => scenarioSpec(name, options));
  if (!options.smoke) return specs.map((spec) => [spec]);
  // Smoke: idle first, while the server's RSS baseline is untouched; one fan-out size is enough
  // there (5000 clients run the same code path as 1000).
  const idle = specs.filter((spec) => spec.kind === "idle");
  const fanout = specs.filter((spec) => spec.kind === "fanout").slice(0, 1);
  const others = specs.filter((spec) => spec.kind !== "idle" && spec.kind !== "fanout");
  return [[...idle, ...fanout, ...others]];
}
