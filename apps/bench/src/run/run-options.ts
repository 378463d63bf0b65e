/**
 * Runner options from the command line (`--name value` or `--name=value`) with environment fallbacks
 * (`BENCH_SCENARIOS`, `BENCH_TARGETS`, `BENCH_DURATION`, `BENCH_ROUNDS`, `BENCH_SMOKE`, `BENCH_OUT`).
 */
import { fileURLToPath } from "node:url";
import { isTargetName, type TargetName } from "./targets.js";

/** Scenario groups a run can select. */
export const SCENARIO_NAMES = ["fanout-1000", "fanout-5000", "idle", "rpc", "connect", "cluster-fanout"] as const;

/** One selectable scenario group. */
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** Everything a run is configured by. */
export interface RunOptions {
  scenarios: ScenarioName[];
  /** Explicit targets, or undefined for "all that work". */
  targets: TargetName[] | undefined;
  /** Measurement window per phase, ms. */
  durationMs: number;
  /** Interleaved rounds (A B C D, A B C D, …); figures are medians over rounds. */
  rounds: number;
  /** Tiny client counts and windows: checks the harness end to end in seconds. */
  smoke: boolean;
  /** Directory for the results JSON. */
  outDir: string;
  /** Rewrite docs/benchmarks.md and docs/benchmarks/latest.svg. */
  writeDocs: boolean;
}

/** Thrown for a bad command line; the runner prints the message and the usage. */
export class UsageError extends Error {
  readonly code = "BENCH_USAGE";
}

/** The usage text. */
export const USAGE = `usage: node dist/runner.js [options]
  --scenarios a,b   ${SCENARIO_NAMES.join(", ")} ("fanout" = both single-server fan-outs; default all)
                    cluster-fanout: 2 instances on one Redis vs 1 instance, Cometa and Socket.IO on uWS only
  --targets a,b     bare-uws, cometa, socketio-uws, socketio-ws (default: all that work)
  --duration s      measurement window per phase, seconds (default 5; smoke 0.2)
  --rounds n        interleaved rounds, medians reported (default 3; smoke 1)
  --smoke           tiny counts, whole run in ~10 s; does not touch docs/
  --out dir         results directory (default apps/bench/results)
  --no-docs         do not rewrite docs/benchmarks.md`;

function list(value: string): string[] {
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

function parseScenarios(value: string): ScenarioName[] {
  const names = new Set<ScenarioName>();
  for (const item of list(value)) {
    if (item === "fanout") {
      names.add("fanout-1000");
      names.add("fanout-5000");
    } else if ((SCENARIO_NAMES as readonly string[]).includes(item)) names.add(item as ScenarioName);
    else throw new UsageError(`unknown scenario "${item}"`);
  }
  return SCENARIO_NAMES.filter((name) => names.has(name));
}

function parseTargets(value: string): TargetName[] {
  return list(value).map((item) => {
    if (!isTargetName(item)) throw new UsageError(`unknown target "${item}"`);
    return item;
  });
}

function positive(name: string, value: string): number {
  const number = Number(value);
  if (!(number > 0)) throw new UsageError(`--${name} needs a positive number, got "${value}"`);
  return number;
}

/** Parses argv (without node and script) and env into options. */
export function parseRunOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): RunOptions {
  const raw = new Map<string, string>();
  for (const [key, name] of [
    ["BENCH_SCENARIOS", "scenarios"],
    ["BENCH_TARGETS", "targets"],
    ["BENCH_DURATION", "duration"],
    ["BENCH_ROUNDS", "rounds"],
    ["BENCH_OUT", "out"],
  ] as const) {
    const value = env[key];
    if (value) raw.set(name, value);
  }
  if (env.BENCH_SMOKE === "1") raw.set("smoke", "true");
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    // A bare `--` is what package managers and turbo put between their own flags and ours.
    if (arg === "--") continue;
    if (!arg.startsWith("--")) throw new UsageError(`unexpected argument "${arg}"`);
    const [name, inline] = arg.slice(2).split("=", 2) as [string, string | undefined];
    if (name === "smoke" || name === "no-docs" || name === "help") raw.set(name, "true");
    else if (["scenarios", "targets", "duration", "rounds", "out"].includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      raw.set(name, value);
    } else throw new UsageError(`unknown option --${name}`);
  }
  if (raw.has("help")) throw new UsageError("help");
  const smoke = raw.has("smoke");
  return {
    scenarios: raw.has("scenarios") ? parseScenarios(raw.get("scenarios")!) : [...SCENARIO_NAMES],
    targets: raw.has("targets") ? parseTargets(raw.get("targets")!) : undefined,
    durationMs: raw.has("duration") ? positive("duration", raw.get("duration")!) * 1000 : smoke ? 200 : 5000,
    rounds: raw.has("rounds") ? Math.round(positive("rounds", raw.get("rounds")!)) : smoke ? 1 : 3,
    smoke,
    outDir: raw.get("out") ?? fileURLToPath(new URL("../../results", import.meta.url)),
    writeDocs: !smoke && !raw.has("no-docs"),
  };
}
