// Reads a test log (turbo + vitest output) on stdin and prints one closing line for the whole
// suite: "N passed, M failed" (plus ", K skipped"), summed over every package's vitest summary.
// CI reads that line; a run with no vitest summary at all prints "0 passed, 0 failed" and fails.
import { readFileSync } from "node:fs";

const log = readFileSync(0, "utf8").replace(/\x1b\[[0-9;]*m/g, "");
const totals = { passed: 0, failed: 0, skipped: 0 };
let summaries = 0;
for (const line of log.split("\n")) {
  // e.g. "Tests  2 failed | 90 passed | 2 expected fail | 1 skipped (95)"
  const m = /\bTests\s+((?:\d+ [a-z ]+?(?: \| )?)+)\s*\(\d+\)/.exec(line);
  if (!m) continue;
  summaries++;
  for (const [, n, kind] of m[1].matchAll(/(\d+) (passed|failed|skipped|todo|expected fail)\b/g)) {
    // An expected failure (`test.fails`) is a passing test: it asserts a known gap still exists.
    const key = kind === "todo" ? "skipped" : kind === "expected fail" ? "passed" : kind;
    totals[key] += Number(n);
  }
}
const skipped = totals.skipped ? `, ${totals.skipped} skipped` : "";
console.log(`${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(summaries > 0 && totals.failed === 0 ? 0 : 1);
