/**
 * The cross-instance table (issue 5): per fan-out phase, each Redis-capable target on one instance
 * and on two instances sharing a Redis, with deliveries/s, server CPU per delivery summed over the
 * instances, Redis's own CPU, latency and the ratio to the same target's single instance.
 */
import { target } from "../run/targets.js";
import { alignCells, formatGoal, formatNumber, formatRate, formatRatio, markdownCells } from "./result-table.js";
import type { SummaryRow } from "./summary.js";

const HEADER = [
  "phase",
  "target",
  "instances",
  "deliveries/s",
  "server µs/delivery",
  "× 1 instance",
  "Redis µs/delivery",
  "Redis CPU",
  "p50 ms",
  "p99 ms",
  "server CPU",
  "gen CPU",
  "goal",
  "notes",
];

/** `1`, or `2 + Redis` for instances sharing a Redis. */
export function instancesLabel(row: SummaryRow): string {
  return row.instances > 1 ? `${row.instances} + Redis` : "1";
}

/** Header plus one line of cells per row. */
export function clusterCells(rows: readonly SummaryRow[]): string[][] {
  const lines = [HEADER];
  for (const row of rows) {
    const f = row.figures;
    const hasRedis = f.redisCpuUsPerOp !== undefined;
    lines.push([
      row.key,
      target(row.target).label,
      instancesLabel(row),
      formatRate(f.throughput),
      formatNumber(row.primary),
      row.instances > 1 ? formatRatio(row.vsSingle) : "1.00×",
      hasRedis ? formatNumber(f.redisCpuUsPerOp!) : "–",
      hasRedis ? `${f.redisCpuPercent!.toFixed(0)} %` : "–",
      f.latency ? formatNumber(f.latency.p50) : "–",
      f.latency ? formatNumber(f.latency.p99) : "–",
      `${f.serverCpuPercent.toFixed(0)} %`,
      `${f.generatorCpuPercent.toFixed(0)} %`,
      formatGoal(row),
      f.notes.join("; "),
    ]);
  }
  return lines;
}

/** Aligned plain-text cross-instance table for the console. */
export function renderClusterText(rows: readonly SummaryRow[]): string {
  return alignCells(clusterCells(rows));
}

/** Markdown cross-instance table. */
export function renderClusterMarkdown(rows: readonly SummaryRow[]): string {
  return markdownCells(clusterCells(rows));
}
