import { describe, expect, it } from "vitest";
import { parseRunOptions, UsageError } from "../src/run/run-options.js";
import { planSessions } from "../src/run/scenario-plan.js";

describe("parseRunOptions", () => {
  it("defaults to every scenario, all targets, 5 s windows and 3 rounds, writing docs", () => {
    const options = parseRunOptions([], {});
    expect(options).toMatchObject({ targets: undefined, durationMs: 5000, rounds: 3, smoke: false, writeDocs: true });
    expect(options.scenarios).toEqual(["fanout-1000", "fanout-5000", "idle", "rpc", "connect", "cluster-fanout"]);
  });

  it("reads flags, inline values and environment fallbacks", () => {
    const options = parseRunOptions(["--scenarios", "connect,fanout", "--targets=cometa,bare-uws", "--duration", "2"], {
      BENCH_ROUNDS: "4",
    });
    expect(options.scenarios).toEqual(["fanout-1000", "fanout-5000", "connect"]);
    expect(options.targets).toEqual(["cometa", "bare-uws"]);
    expect(options.durationMs).toBe(2000);
    expect(options.rounds).toBe(4);
  });

  it("ignores the bare `--` separators that pnpm and turbo pass along", () => {
    expect(parseRunOptions(["--", "--smoke", "--", "--rounds", "2"], {})).toMatchObject({ smoke: true, rounds: 2 });
  });

  it("smoke: short windows, one round, never touches docs", () => {
    expect(parseRunOptions(["--smoke"], {})).toMatchObject({ smoke: true, durationMs: 200, rounds: 1, writeDocs: false });
  });

  it.each([["--targets", "nginx"], ["--scenarios", "chaos"], ["--duration", "-1"], ["--bogus"], ["stray"], ["--rounds"]])(
    "rejects %s %s with a UsageError",
    (...argv) => {
      expect(() => parseRunOptions(argv, {})).toThrow(UsageError);
    },
  );
});

describe("planSessions", () => {
  const kinds = (options: string[]): string[][] =>
    planSessions(parseRunOptions(options, {})).map((session) => session.scenarios.map((spec) => spec.kind));

  it("gives every scenario its own session in a full run, cluster-fanout a 1-instance and a 2-instance one", () => {
    const sessions = planSessions(parseRunOptions([], {}));
    expect(kinds([])).toEqual([["fanout"], ["fanout"], ["idle"], ["rpc"], ["connect"], ["fanout"], ["fanout"]]);
    expect(sessions[1]!.scenarios[0]).toMatchObject({ kind: "fanout", clients: 5000 });
    expect(sessions[2]!.scenarios[0]).toMatchObject({ kind: "idle", connections: 10_000 });
    expect(sessions.slice(0, 5).every((s) => s.instances === 1 && !s.redisTargetsOnly)).toBe(true);
    const [single, cluster] = sessions.slice(5);
    expect(single).toMatchObject({ instances: 1, redisTargetsOnly: true });
    expect(cluster).toMatchObject({ instances: 2, redisTargetsOnly: true });
    expect(cluster!.scenarios[0]).toMatchObject({ kind: "fanout", scenario: "cluster-fanout-1000", clients: 1000 });
    expect(single!.scenarios).toEqual(cluster!.scenarios);
  });

  it("runs a smoke as one single-server session per target, idle first, one fan-out size, then the cluster pair", () => {
    expect(kinds(["--smoke"])).toEqual([["idle", "fanout", "rpc", "connect"], ["fanout"], ["fanout"]]);
    expect(planSessions(parseRunOptions(["--smoke"], {}))[2]!.scenarios[0]).toMatchObject({ scenario: "cluster-fanout-20", clients: 20 });
  });

  it("plans only the cluster pair for --scenarios cluster-fanout", () => {
    const sessions = planSessions(parseRunOptions(["--scenarios", "cluster-fanout"], {}));
    expect(sessions.map((s) => s.instances)).toEqual([1, 2]);
  });
});
