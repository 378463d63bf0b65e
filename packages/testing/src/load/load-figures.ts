/**
 * The one-line figure each load row prints (RELIABILITY.md §6):
 * `N conns × M msg/s × T s: lost 0, dup 0, reordered 0; p50/p99; RSS start→end; CPU%`.
 */
import type { SeqTotals } from "./seq-tracker.js";

/** What a row measured. */
export interface RowFigures {
  readonly row: string;
  readonly conns: number;
  readonly msgPerSec: number;
  readonly seconds: number;
  readonly ticks?: SeqTotals;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  readonly rssStartBytes?: number;
  readonly rssEndBytes?: number;
  readonly cpuPercent?: number;
  /** Anything else worth a figure (per-connection memory, pending acks, fds …). */
  readonly extra?: string;
}

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

/** Formats the figure line of a row. */
export function formatFigures(f: RowFigures): string {
  const parts = [`${f.row} ${f.conns} conns × ${f.msgPerSec} msg/s × ${f.seconds} s`];
  const details: string[] = [];
  if (f.ticks !== undefined) details.push(`lost ${f.ticks.lost}, dup ${f.ticks.dup}, reordered ${f.ticks.reordered} (received ${f.ticks.received})`);
  if (f.p50Ms !== undefined && f.p99Ms !== undefined) details.push(`p50/p99 ${f.p50Ms.toFixed(1)}/${f.p99Ms.toFixed(1)} ms`);
  if (f.rssStartBytes !== undefined && f.rssEndBytes !== undefined) details.push(`RSS ${mb(f.rssStartBytes)}→${mb(f.rssEndBytes)} MB`);
  if (f.cpuPercent !== undefined) details.push(`CPU ${f.cpuPercent.toFixed(0)}% of a core`);
  if (f.extra !== undefined) details.push(f.extra);
  return `${parts[0]}: ${details.join("; ")}`;
}

/**
 * What the generator achieved: asks per second against the target, and the
 * CPU its fleet processes used (so a shortfall can be told from a slow server).
 */
export function generatorFigures(sent: number, target: number, seconds: number, fleets: readonly { readonly cpuMs: number }[]): string {
  const cpu = fleets.map((fleet) => ((fleet.cpuMs / (seconds * 1000)) * 100).toFixed(0)).join("+");
  return `generator ${Math.round(sent / seconds)} asks/s (${((sent / target) * 100).toFixed(0)} % of target), fleet CPU ${cpu} % of a core`;
}
