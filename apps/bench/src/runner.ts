/**
 * The benchmark runner (`pnpm bench`): starts each target's server (or two instances sharing a fresh
 * Redis) and a load generator in separate processes, runs the scenarios with the targets interleaved
 * (A B C D, A B C D, …), prints a table with each target's ratio to the bare-uWS ceiling and to
 * Socket.IO on uWS plus the cross-instance table, and writes `results/latest.json`,
 * `docs/benchmarks/latest.svg` and `docs/benchmarks.md`.
 *
 * @example
 * node apps/bench/dist/runner.js                       # full run, all targets that work
 * node apps/bench/dist/runner.js --smoke                # end-to-end check, tiny counts
 * node apps/bench/dist/runner.js --scenarios rpc,connect --targets cometa,socketio-uws --rounds 1
 * node apps/bench/dist/runner.js --scenarios cluster-fanout --duration 3   # issue 5, needs redis-server
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isProcReadable } from "./proc-stats.js";
import { renderBenchmarksDoc } from "./report/benchmarks-doc.js";
import { renderClusterText } from "./report/cluster-table.js";
import { mergeSections, readSections, sectionRows, sectionSubtitles, sectionsOf } from "./report/doc-sections.js";
import { renderTextTable } from "./report/result-table.js";
import { describeRun, metaLine, type RunMeta } from "./report/run-meta.js";
import { isClusterRow, type RawResult, rowKey, summarize } from "./report/summary.js";
import { renderSvgChart } from "./report/svg-chart.js";
import { canPin } from "./run/cpu-pinning.js";
import { redisUnavailableReason } from "./run/redis-process.js";
import { parseRunOptions, type RunOptions, USAGE, UsageError } from "./run/run-options.js";
import { planSessions, type SessionPlan } from "./run/scenario-plan.js";
import { runSession } from "./run/session.js";
import { cometaUnavailableReason, TARGET_NAMES, type TargetName, target } from "./run/targets.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

async function chooseTargets(options: RunOptions): Promise<{ targets: TargetName[]; skipped: RunMeta["skippedTargets"] }> {
  const wanted = options.targets ?? [...TARGET_NAMES];
  const skipped: RunMeta["skippedTargets"] = [];
  if (!wanted.includes("cometa")) return { targets: wanted, skipped };
  const reason = await cometaUnavailableReason();
  if (reason === undefined) return { targets: wanted, skipped };
  console.warn(`cometa left out of this run: ${reason}`);
  skipped.push({ name: "cometa", reason });
  return { targets: wanted.filter((name) => name !== "cometa"), skipped };
}

/** Drops the Redis sessions (with a warning in the results) when there is no redis-server here. */
function choosePlans(options: RunOptions): { plans: SessionPlan[]; skipped: RunMeta["skippedScenarios"] } {
  const plans = planSessions(options);
  const reason = plans.some((plan) => plan.instances > 1) ? redisUnavailableReason() : undefined;
  if (reason === undefined) return { plans, skipped: [] };
  console.warn(`cluster-fanout left out of this run: ${reason}`);
  return { plans: plans.filter((plan) => !plan.redisTargetsOnly), skipped: [{ name: "cluster-fanout", reason }] };
}

function writeOutputs(options: RunOptions, meta: RunMeta, raw: RawResult[], failures: string[]): void {
  const rows = summarize(raw);
  const mainRows = rows.filter((row) => !isClusterRow(row));
  const clusterRows = rows.filter(isClusterRow);
  console.log(`\n${metaLine(meta)}\n`);
  if (mainRows.length > 0) console.log(renderTextTable(mainRows));
  if (clusterRows.length > 0) console.log(`\ncross-instance fan-out (2 instances on one Redis vs 1 instance):\n${renderClusterText(clusterRows)}`);
  mkdirSync(options.outDir, { recursive: true });
  const jsonPath = join(options.outDir, options.smoke ? "smoke.json" : "latest.json");
  // A partial run keeps the sections it did not measure from the previous results (smoke runs never merge).
  const sections = options.smoke ? sectionsOf(meta, rows) : mergeSections(readSections(jsonPath), sectionsOf(meta, rows));
  writeFileSync(jsonPath, `${JSON.stringify({ meta, failures, rows, raw, sections }, null, 2)}\n`);
  console.log(`\nresults: ${jsonPath}`);
  if (!options.writeDocs) return;
  mkdirSync(join(repoRoot, "docs/benchmarks"), { recursive: true });
  writeFileSync(join(repoRoot, "docs/benchmarks/latest.svg"), renderSvgChart(sectionRows(sections), sectionSubtitles(sections)));
  writeFileSync(join(repoRoot, "docs/benchmarks.md"), renderBenchmarksDoc(sections));
  console.log("docs: docs/benchmarks.md, docs/benchmarks/latest.svg");
}

async function main(): Promise<number> {
  let options: RunOptions;
  try {
    options = parseRunOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    if (error.message !== "help") console.error(error.message);
    console.error(USAGE);
    return error.message === "help" ? 0 : 2;
  }
  if (!isProcReadable(process.pid)) {
    console.error("the bench runner measures CPU and memory through /proc: it needs Linux");
    return 2;
  }
  const { targets, skipped } = await chooseTargets(options);
  const { plans, skipped: skippedScenarios } = choosePlans(options);
  const meta = describeRun(options, canPin(), skipped, skippedScenarios);
  const raw: RawResult[] = [];
  const failures: string[] = [];
  console.log(`${metaLine(meta)}\ntargets: ${targets.join(", ")}`);
  for (let round = 1; round <= options.rounds; round++) {
    for (const plan of plans) {
      for (const name of targets) {
        if (plan.redisTargetsOnly && !target(name).redis) continue;
        const label = `${plan.scenarios.map((spec) => spec.kind).join("+")}${plan.instances > 1 ? ` ×${plan.instances} on Redis` : ""}`;
        try {
          const results = await runSession(target(name), plan);
          for (const result of results) {
            raw.push({ target: name, round, result });
            const cost = result.phase === "idle" ? `${((result.rssPerConnectionBytes ?? 0) / 1024).toFixed(2)} KiB/conn` : `${result.serverCpuUsPerOp.toFixed(2)} µs/${result.operation}`;
            const where = (result.instances ?? 1) > 1 ? ` ×${result.instances} + Redis` : "";
            console.log(
              `[${round}/${options.rounds}] ${rowKey(result).padEnd(30)} ${(name + where).padEnd(22)} ${cost}${result.notes.length ? ` (${result.notes.join("; ")})` : ""}`,
            );
          }
        } catch (error) {
          const message = `[${round}/${options.rounds}] ${label} ${name}: ${error instanceof Error ? error.message : String(error)}`;
          failures.push(message);
          console.error(message);
        }
      }
    }
  }
  writeOutputs(options, meta, raw, failures);
  return failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
