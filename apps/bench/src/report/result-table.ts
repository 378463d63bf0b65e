/**
 * The results table of the single-server scenarios, as cells, rendered either as aligned text
 * (console) or as Markdown. The cross-instance rows have their own table (`cluster-table.ts`).
 */
import { target } from "../run/targets.js";
import type { SummaryRow } from "./summary.js";

/** Formats a figure with about three significant digits. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return "–";
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

/** Formats a rate as `12.3k/s` or `456/s`. */
export function formatRate(perSecond: number): string {
  return perSecond >= 1000 ? `${formatNumber(perSecond / 1000)}k/s` : `${formatNumber(perSecond)}/s`;
}

/** Formats a ratio as `1.23×`, or `–` when there is none. */
export function formatRatio(value: number | undefined): string {
  return value === undefined ? "–" : `${value.toFixed(2)}×`;
}

/** `met (…)` / `MISSED (…)`, or empty when the row has no goal. */
export function formatGoal(row: SummaryRow): string {
  return row.goal ? `${row.goal.met ? "met" : "MISSED"} (${row.goal.text})` : "";
}

const HEADER = [
  "scenario",
  "target",
  "server cost",
  "user part",
  "× bare uWS",
  "× SIO/uWS",
  "throughput",
  "p50 ms",
  "p99 ms",
  "server CPU",
  "gen CPU",
  "goal",
  "notes",
];

/** Header plus one line of cells per row. */
export function tableCells(rows: readonly SummaryRow[]): string[][] {
  const lines = [HEADER];
  for (const row of rows) {
    const f = row.figures;
    const isIdle = f.phase === "idle";
    lines.push([
      row.key,
      target(row.target).label,
      `${formatNumber(row.primary)} ${row.unit}`,
      isIdle || f.serverUserUsPerOp === undefined ? "–" : formatNumber(f.serverUserUsPerOp),
      formatRatio(row.vsBare),
      formatRatio(row.vsSocketioUws),
      isIdle ? `${(f.serverRssBytes / 2 ** 20).toFixed(0)} MiB RSS` : formatRate(f.throughput),
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

/** Aligned plain text from a header line plus rows of cells. */
export function alignCells(lines: readonly string[][]): string {
  const widths = lines[0]!.map((_, column) => Math.max(...lines.map((line) => line[column]!.length)));
  return lines
    .map((line) =>
      line
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** A Markdown table from a header line plus rows of cells. */
export function markdownCells(cells: readonly string[][]): string {
  const lines = cells.map((line) => `| ${line.map((cell) => cell.replace(/\|/g, "\\|")).join(" | ")} |`);
  lines.splice(1, 0, `|${cells[0]!.map(() => "---").join("|")}|`);
  return lines.join("\n");
}

/** Aligned plain-text table for the console. */
export function renderTextTable(rows: readonly SummaryRow[]): string {
  return alignCells(tableCells(rows));
}

/** Markdown table. */
export function renderMarkdownTable(rows: readonly SummaryRow[]): string {
  return markdownCells(tableCells(rows));
}
