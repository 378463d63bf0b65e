/**
 * `pnpm --filter @cometa/testing fuzz`: a long local fuzz run (10 minutes by
 * default; `FUZZ_BUDGET_MS`, `FUZZ_SEED` and `FUZZ_CONCURRENCY` override).
 * Prints progress, the one-line report and the outcome counts; exits 1 on a
 * crash, a hang, a leftover session or RSS growth over the bound.
 *
 * `… fuzz --replay <crash file>` resends a crashed batch one plan at a time
 * and names the plan that kills the server.
 */
import { budgetFromEnv, seedFromEnv, violations } from "./fuzz-limits.js";
import { formatOutcomes, formatReport } from "./fuzz-report.js";
import { runFuzz } from "./fuzz-run.js";
import { replayCrash } from "./replay.js";

if (process.argv[2] === "--replay" && process.argv[3] !== undefined) {
  const { killer, stderr } = await replayCrash(process.argv[3]);
  if (killer === undefined) console.log("replay: the server survived every plan of the batch");
  else console.log(`replay: plan ${killer.index} kills the server:\n${JSON.stringify(killer.plan, bytesAsBase64, 2)}\n${stderr}`);
  process.exit(killer === undefined ? 0 : 1);
}

function bytesAsBase64(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? Buffer.from(value).toString("base64") : value;
}

const concurrency = Number(process.env.FUZZ_CONCURRENCY);
const report = await runFuzz({
  budgetMs: budgetFromEnv(600_000),
  seed: seedFromEnv(),
  ...(Number.isInteger(concurrency) && concurrency > 0 ? { concurrency } : {}),
  log: (line) => console.log(`[fuzz] ${line}`),
});
console.log(formatReport(report));
console.log(`outcomes: ${formatOutcomes(report)}`);
for (const incident of report.incidents) console.log(`incident: ${incident}`);
for (const sample of report.errorSamples) console.log(`onError sample: ${sample}`);
const failed = violations(report);
for (const line of failed) console.error(`FAIL: ${line}`);
process.exit(failed.length === 0 ? 0 : 1);
