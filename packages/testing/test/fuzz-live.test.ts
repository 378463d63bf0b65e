import { describe, expect, it } from "vitest";
import { budgetFromEnv, CI_BUDGET_MS, seedFromEnv, violations } from "../src/fuzz/fuzz-limits.js";
import { formatOutcomes, formatReport } from "../src/fuzz/fuzz-report.js";
import { runFuzz } from "../src/fuzz/fuzz-run.js";

/**
 * The mutation run (issue 7, RELIABILITY.md R1 and §4c "Plus fuzzing"):
 * mutants of valid Engine.IO / Socket.IO / MessagePack traffic over
 * WebSocket and polling against a live server in a child process, for
 * `FUZZ_BUDGET_MS` (default two minutes, the CI budget). Crashes, hangs and
 * sessions left behind must be 0 and RSS growth under 64 MB. For a long run:
 * `pnpm --filter @cometa/testing fuzz`.
 */
const budget = budgetFromEnv(CI_BUDGET_MS);

describe("mutation fuzzing against a live server", () => {
  it(`survives ${budget / 1000} s of mutated traffic on both transports`, async () => {
    const report = await runFuzz({ budgetMs: budget, seed: seedFromEnv() });
    console.log(formatReport(report));
    console.log(`outcomes: ${formatOutcomes(report)}`);
    expect(violations(report), report.incidents.join("\n")).toEqual([]);
    // The app's handlers never throw: anything in onError is the server failing at a boundary.
    expect(report.listenerErrors, report.errorSamples.join("\n---\n")).toBe(0);
    // Not vacuous: mutants got through the handshake to namespaces and handlers, on both transports.
    expect(report.executionsByPhase.websocket).toBeGreaterThan(budget / 200);
    expect(report.executionsByPhase.polling).toBeGreaterThan(budget / 200);
    expect(report.socketsAccepted).toBeGreaterThan(report.executions / 20);
    expect(report.eventsDispatched).toBeGreaterThan(report.executions / 20);
  }, budget + 90_000);
});
