/**
 * The results table, as cells, rendered either as aligned text (console) or as Markdown.
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

function formatRate(perSecond: number): string {
  return perSecond >= 1000 ? `${formatNumber(perSecond / 1000)}k/s` : `${formatNumber(perSecond)}/s`;
}

function ratio(value: number | undefined): string {
  return value === undefined ? "–" : `${value.toFixed(2)}×`;
}

const HEADER = [
  "scenario",
  "target",
  "server cost",
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
      ratio(row.vsBare),
      ratio(row.vsSocketioUws),
      isIdle ? `${(f.serverRssBytes / 2 ** 20).toFixed(0)} MiB RSS` : formatRate(f.throughput),
      f.latency ? formatNumber(f.latency.p50) : "–",
      f.latency ? formatNumber(f.latency.p99) : "–",
      `${f.serverCpuPercent.toFixed(0)} %`,
      `${f.generatorCpuPercent.toFixed(0)} %`,
      row.goal ? `${row.goal.met ? "met" : "MISSED"} (${row.goal.text})` : "",
      f.notes.join("; "),
    ]);
  }
  return lines;
}

/** Aligned plain-text table for the console. */
export function renderTextTable(rows: readonly SummaryRow[]): string {
  const lines = tableCells(rows);
  const widths = HEADER.map((_, column) => Math.max(...lines.map((line) => line[column]!.length)));
  return lines
    .map((line) =>
      line
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** Markdown table. */
export function renderMarkdownTable(rows: readonly SummaryRow[]): string {
  const lines = tableCells(rows).map((line) => `| ${line.map((cell) => cell.replace(/\|/g, "\\|")).join(" | ")} |`);
  lines.splice(1, 0, `|${HEADER.map(() => "---").join("|")}|`);
  return lines.join("\n");
}
