/**
 * End-to-end smoke of the benchmark harness: the runner in `--smoke` mode starts every target's
 * server and a load generator (from TypeScript sources, through tsx) and must produce a complete,
 * positive result row per target and scenario. Correctness only: no speed is ever asserted here.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunMeta } from "../src/report/run-meta.js";
import type { SummaryRow } from "../src/report/summary.js";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const REQUIRED_TARGETS = ["bare-uws", "socketio-uws", "socketio-ws"];
const SCENARIO_KEYS = ["idle-50", "fanout-20/fixed", "fanout-20/saturated", "rpc-10", "connect-4"];

interface SmokeReport {
  meta: RunMeta;
  failures: string[];
  rows: SummaryRow[];
}

describe("bench runner --smoke", () => {
  let outDir: string;
  let report: SmokeReport;
  let output: string;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), "cometa-bench-smoke-"));
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ["--conditions=source", "--import", "tsx", "src/runner.ts", "--smoke", "--out", outDir],
      { cwd: packageDir, timeout: 60_000, maxBuffer: 16 * 2 ** 20 },
    );
    output = stdout + stderr;
    report = JSON.parse(readFileSync(join(outDir, "smoke.json"), "utf8")) as SmokeReport;
  }, 90_000);

  afterAll(() => {
    rmSync(outDir, { recursive: true, force: true });
  });

  it("completes without failed sessions and prints the table", () => {
    expect(report.failures).toEqual([]);
    expect(report.meta.smoke).toBe(true);
    expect(output).toContain("× bare uWS");
  });

  it("measures bare uWS, both Socket.IO servers, and Cometa unless it was reported unavailable", () => {
    const targets = new Set(report.rows.map((row) => row.target));
    for (const name of REQUIRED_TARGETS) expect(targets).toContain(name);
    const cometaSkipped = report.meta.skippedTargets.some((skipped) => skipped.name === "cometa");
    expect(targets.has("cometa")).toBe(!cometaSkipped);
  });

  it("has one row with positive figures per target and scenario", () => {
    const targets = [...new Set(report.rows.map((row) => row.target))];
    for (const target of targets) {
      for (const key of SCENARIO_KEYS) {
        const rows = report.rows.filter((row) => row.target === target && row.key === key);
        expect(rows, `${target} ${key}`).toHaveLength(1);
        const { figures, primary } = rows[0]!;
        expect(figures.ops, `${target} ${key} ops`).toBeGreaterThan(0);
        expect(figures.throughput, `${target} ${key} throughput`).toBeGreaterThan(0);
        expect(figures.seconds).toBeGreaterThan(0);
        expect(figures.serverRssBytes, `${target} ${key} rss`).toBeGreaterThan(0);
        // CPU is read in 10 ms clock ticks: a tiny window may legitimately read 0, never less.
        expect(figures.serverCpuUsPerOp).toBeGreaterThanOrEqual(0);
        expect(Number.isFinite(primary)).toBe(true);
        if (figures.phase === "idle") {
          expect(figures.rssPerConnectionBytes).toBeDefined();
        } else {
          expect(figures.latency?.p50, `${target} ${key} p50`).toBeGreaterThan(0);
          expect(figures.latency!.p99).toBeGreaterThanOrEqual(figures.latency!.p50);
        }
      }
    }
  });

  it("relates every row to the bare-uWS ceiling and to Socket.IO on uWS", () => {
    for (const row of report.rows) {
      if (row.target === "bare-uws" && row.primary > 0) expect(row.vsBare).toBeCloseTo(1, 6);
      if (row.target === "socketio-uws" && row.primary > 0) expect(row.vsSocketioUws).toBeCloseTo(1, 6);
    }
  });
});
