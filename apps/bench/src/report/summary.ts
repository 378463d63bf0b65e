/**
 * From raw per-round phase results to summary rows: medians over rounds, the primary figure of each
 * scenario, its ratios to the bare-uWS ceiling and to Socket.IO on uWS, and the goals.
 */
import type { LatencySummary } from "../load/latency-histogram.js";
import type { PhaseResult } from "../load/scenario-spec.js";
import { TARGET_NAMES, type TargetName } from "../run/targets.js";

/** One phase result of one round of one target. */
export interface RawResult {
  target: TargetName;
  round: number;
  result: PhaseResult;
}

/** The goal the issue sets for Cometa on one row, and whether this run met it. */
export interface GoalCheck {
  text: string;
  met: boolean;
}

/** One table row: a target on a scenario phase. */
export interface SummaryRow {
  /** `fanout-1000/fixed`, `rpc-100`, … */
  key: string;
  target: TargetName;
  rounds: number;
  /** Medians over rounds (notes are the union). */
  figures: PhaseResult;
  primary: number;
  unit: string;
  vsBare?: number;
  vsSocketioUws?: number;
  goal?: GoalCheck;
}

/** `scenario/phase`, or just the scenario when the phase repeats its kind. */
export function rowKey(result: PhaseResult): string {
  return result.scenario.startsWith(result.phase) ? result.scenario : `${result.scenario}/${result.phase}`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function medianLatency(latencies: LatencySummary[]): LatencySummary | undefined {
  if (latencies.length === 0) return undefined;
  return {
    count: median(latencies.map((l) => l.count)),
    p50: median(latencies.map((l) => l.p50)),
    p99: median(latencies.map((l) => l.p99)),
    max: median(latencies.map((l) => l.max)),
  };
}

function medianResult(results: PhaseResult[]): PhaseResult {
  const first = results[0]!;
  const pick = (field: keyof PhaseResult): number => median(results.map((r) => r[field] as number));
  const merged: PhaseResult = {
    scenario: first.scenario,
    phase: first.phase,
    operation: first.operation,
    ops: pick("ops"),
    seconds: pick("seconds"),
    throughput: pick("throughput"),
    serverCpuUsPerOp: pick("serverCpuUsPerOp"),
    serverCpuPercent: pick("serverCpuPercent"),
    generatorCpuPercent: pick("generatorCpuPercent"),
    serverRssBytes: pick("serverRssBytes"),
    notes: [...new Set(results.flatMap((r) => r.notes))],
  };
  if (first.rssPerConnectionBytes !== undefined) merged.rssPerConnectionBytes = pick("rssPerConnectionBytes");
  const latency = medianLatency(results.flatMap((r) => (r.latency ? [r.latency] : [])));
  if (latency) merged.latency = latency;
  return merged;
}

/** The figure a row is ranked by (lower is better) and its unit. */
export function primaryFigure(result: PhaseResult): { value: number; unit: string } {
  if (result.phase === "idle") return { value: (result.rssPerConnectionBytes ?? 0) / 1024, unit: "KiB/conn" };
  return { value: result.serverCpuUsPerOp, unit: `µs/${result.operation}` };
}

function goalFor(row: SummaryRow): GoalCheck | undefined {
  if (row.target !== "cometa") return undefined;
  const scenario = row.figures.scenario;
  if (scenario.startsWith("fanout") && row.vsBare !== undefined) {
    return { text: "≤ 1.15× bare uWS", met: row.vsBare <= 1.15 };
  }
  if (scenario.startsWith("rpc") && row.vsSocketioUws !== undefined) {
    return { text: "≤ 0.75× Socket.IO/uWS", met: row.vsSocketioUws <= 0.75 };
  }
  if (scenario.startsWith("connect") && row.vsSocketioUws !== undefined) {
    return { text: "≤ 0.6× Socket.IO/uWS", met: row.vsSocketioUws <= 0.6 };
  }
  if (scenario.startsWith("idle")) return { text: "≤ 3 KiB/conn", met: row.primary <= 3 };
  return undefined;
}

/** Groups raw results into rows, ordered by scenario (first seen) then target (table order). */
export function summarize(raw: readonly RawResult[]): SummaryRow[] {
  const groups = new Map<string, Map<TargetName, PhaseResult[]>>();
  for (const { target, result } of raw) {
    const key = rowKey(result);
    let byTarget = groups.get(key);
    if (!byTarget) {
      byTarget = new Map();
      groups.set(key, byTarget);
    }
    byTarget.set(target, [...(byTarget.get(target) ?? []), result]);
  }
  const rows: SummaryRow[] = [];
  for (const [key, byTarget] of groups) {
    const group: SummaryRow[] = [];
    for (const target of TARGET_NAMES) {
      const results = byTarget.get(target);
      if (!results) continue;
      const figures = medianResult(results);
      const { value, unit } = primaryFigure(figures);
      group.push({ key, target, rounds: results.length, figures, primary: value, unit });
    }
    const bare = group.find((row) => row.target === "bare-uws")?.primary;
    const socketioUws = group.find((row) => row.target === "socketio-uws")?.primary;
    for (const row of group) {
      if (bare) row.vsBare = row.primary / bare;
      if (socketioUws) row.vsSocketioUws = row.primary / socketioUws;
      const goal = goalFor(row);
      if (goal) row.goal = goal;
    }
    rows.push(...group);
  }
  return rows;
}
