import type { FuzzReport } from "./fuzz-report.js";

/** RSS growth a run may show before it fails (R2: bounded resources). */
export const MAX_RSS_GROWTH_BYTES = 64 * 1024 * 1024;

/** The CI budget: two minutes across both transports. */
export const CI_BUDGET_MS = 120_000;

/** The fuzz budget from `FUZZ_BUDGET_MS`, or `fallback` when unset or not a positive number. */
export function budgetFromEnv(fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.FUZZ_BUDGET_MS);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** The run seed from `FUZZ_SEED`, or undefined for the default. */
export function seedFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = Number(env.FUZZ_SEED);
  return env.FUZZ_SEED !== undefined && Number.isInteger(value) ? value : undefined;
}

/** Why a run failed, one line each; empty when it passed. */
export function violations(report: FuzzReport): string[] {
  const found: string[] = [];
  if (report.crashes > 0) found.push(`${report.crashes} crash(es): ${report.crashFiles.join(", ")}`);
  if (report.hangs > 0) found.push(`${report.hangs} hang(s)`);
  if (report.maxRssGrowthBytes >= MAX_RSS_GROWTH_BYTES) found.push(`RSS grew ${report.maxRssGrowthBytes} bytes`);
  if (report.leftoverSessions !== 0) found.push(`${report.leftoverSessions} session(s) left after the drain`);
  return found;
}
