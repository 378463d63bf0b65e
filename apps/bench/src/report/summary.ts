/**
 * From raw per-round phase results to summary rows: medians over rounds, the primary figure of each
 * scenario, its ratios to the bare-uWS ceiling and to Socket.IO on uWS (within the same number of
 * instances), the cross-instance ratio to the same target's single instance, and the issues' goals.
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

/** One table row: a target on a scenario phase, with one or several server instances. */
export interface SummaryRow {
  /** `fanout-1000/fixed`, `rpc-100`, `cluster-fanout-1000/saturated`, … */
  key: string;
  target: TargetName;
  /** Server instances measured together (2 sharing a Redis in `cluster-fanout`). */
  instances: number;
  rounds: number;
  /** Medians over rounds (notes are the union). */
  figures: PhaseResult;
  primary: number;
  unit: string;
  vsBare?: number;
  vsSocketioUws?: number;
  /** Several instances: this row's server cost ÷ the same target's on one instance, same scenario and phase. */
  vsSingle?: number;
  goal?: GoalCheck;
}

/** Issue 5: cross-instance server CPU per delivery within this factor of the single-instance figure. */
export const CLUSTER_GOAL_RATIO = 1.3;

/** Whether a row belongs to the cross-instance comparison (`cluster-fanout`, both topologies). */
export function isClusterRow(row: SummaryRow): boolean {
  return row.figures.scenario.startsWith("cluster-");
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
  if (first.instances !== undefined) merged.instances = first.instances;
  if (first.redisCpuUsPerOp !== undefined) merged.redisCpuUsPerOp = pick("redisCpuUsPerOp");
  if (first.redisCpuPercent !== undefined) merged.redisCpuPercent = pick("redisCpuPercent");
  if (first.serverUserUsPerOp !== undefined) merged.serverUserUsPerOp = pick("serverUserUsPerOp");
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
  if (isClusterRow(row)) {
    if (row.vsSingle === undefined) return undefined;
    return { text: `≤ ${CLUSTER_GOAL_RATIO}× 1 instance`, met: row.vsSingle <= CLUSTER_GOAL_RATIO };
  }
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

/**
 * Groups raw results into rows, ordered by scenario phase (first seen), then instances (fewest first),
 * then target (table order).
 */
export function summarize(raw: readonly RawResult[]): SummaryRow[] {
  interface Group {
    key: string;
    instances: number;
    byTarget: Map<TargetName, PhaseResult[]>;
  }
  const groups = new Map<string, Group>();
  const keyOrder: string[] = [];
  for (const { target, result } of raw) {
    const key = rowKey(result);
    const instances = result.instances ?? 1;
    let group = groups.get(`${key}|${instances}`);
    if (!group) {
      group = { key, instances, byTarget: new Map() };
      groups.set(`${key}|${instances}`, group);
      if (!keyOrder.includes(key)) keyOrder.push(key);
    }
    group.byTarget.set(target, [...(group.byTarget.get(target) ?? []), result]);
  }
  // Sorting by instances puts a 1-instance baseline before the rows that are divided by it.
  const ordered = [...groups.values()].sort(
    (a, b) => keyOrder.indexOf(a.key) - keyOrder.indexOf(b.key) || a.instances - b.instances,
  );
  const rows: SummaryRow[] = [];
  for (const { key, instances, byTarget } of ordered) {
    const group: SummaryRow[] = [];
    for (const target of TARGET_NAMES) {
      const results = byTarget.get(target);
      if (!results) continue;
      const figures = medianResult(results);
      const { value, unit } = primaryFigure(figures);
      group.push({ key, target, instances, rounds: results.length, figures, primary: value, unit });
    }
    const bare = group.find((row) => row.target === "bare-uws")?.primary;
    const socketioUws = group.find((row) => row.target === "socketio-uws")?.primary;
    for (const row of group) {
      if (bare) row.vsBare = row.primary / bare;
      if (socketioUws) row.vsSocketioUws = row.primary / socketioUws;
      if (instances > 1) {
        const single = rows.find((r) => r.key === key && r.target === row.target && r.instances === 1)?.primary;
        if (single) row.vsSingle = row.primary / single;
      }
      const goal = goalFor(row);
      if (goal) row.goal = goal;
    }
    rows.push(...group);
  }
  return rows;
}
