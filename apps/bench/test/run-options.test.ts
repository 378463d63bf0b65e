import { describe, expect, it } from "vitest";
import { parseRunOptions, UsageError } from "../src/run/run-options.js";
import { planSessions } from "../src/run/scenario-plan.js";

describe("parseRunOptions", () => {
  it("defaults to every scenario, all targets, 5 s windows and 3 rounds, writing docs", () => {
    const options = parseRunOptions([], {});
    expect(options).toMatchObject({ targets: undefined, durationMs: 5000, rounds: 3, smoke: false, writeDocs: true });
    expect(options.scenarios).toEqual(["fanout-1000", "fanout-5000", "idle", "rpc", "connect"]);
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
  it("gives every scenario its own session in a full run", () => {
    const sessions = planSessions(parseRunOptions([], {}));
    expect(sessions.map((session) => session.map((spec) => spec.kind))).toEqual([["fanout"], ["fanout"], ["idle"], ["rpc"], ["connect"]]);
    expect(sessions[1]![0]).toMatchObject({ kind: "fanout", clients: 5000 });
    expect(sessions[2]![0]).toMatchObject({ kind: "idle", connections: 10_000 });
  });

  it("runs a smoke as one session per target, idle first, one fan-out size", () => {
    const sessions = planSessions(parseRunOptions(["--smoke"], {}));
    expect(sessions.map((session) => session.map((spec) => spec.kind))).toEqual([["idle", "fanout", "rpc", "connect"]]);
  });
});
