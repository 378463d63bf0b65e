/**
 * Measurement window: server CPU/RSS from `/proc` and the generator's own CPU, sampled at the exact
 * edges of the window by the generator itself (it knows when its window starts and ends).
 */
import { readProcStats } from "../proc-stats.js";
import { GENERATOR_BOUND_PERCENT } from "./scenario-spec.js";
import type { OperationName, PhaseResult } from "./scenario-spec.js";
import type { LatencyHistogram } from "./latency-histogram.js";
import { monotonicMs } from "./monotonic-clock.js";

/** An open measurement window. */
export interface OpenWindow {
  readonly startMs: number;
  readonly serverCpuUs: number;
  readonly generatorCpuUs: number;
  readonly opsAtStart: number;
}

function generatorCpuUs(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/** Starts a window; `opsSoFar` is the scenario's running operation counter. */
export function openWindow(serverPid: number, opsSoFar: number): OpenWindow {
  const server = readProcStats(serverPid);
  return {
    startMs: monotonicMs(),
    serverCpuUs: server.cpuUs,
    generatorCpuUs: generatorCpuUs(),
    opsAtStart: opsSoFar,
  };
}

/** What identifies the phase being closed. */
export interface PhaseLabel {
  scenario: string;
  phase: string;
  operation: OperationName;
}

/** Ends a window and turns it into a phase result. */
export function closeWindow(
  window: OpenWindow,
  serverPid: number,
  opsSoFar: number,
  label: PhaseLabel,
  histogram: LatencyHistogram | undefined,
): PhaseResult {
  const server = readProcStats(serverPid);
  const seconds = (monotonicMs() - window.startMs) / 1000;
  const ops = opsSoFar - window.opsAtStart;
  const serverCpuUs = server.cpuUs - window.serverCpuUs;
  const generatorPercent = (generatorCpuUs() - window.generatorCpuUs) / 1e4 / seconds;
  const notes: string[] = [];
  if (generatorPercent > GENERATOR_BOUND_PERCENT) notes.push("generator-bound");
  const result: PhaseResult = {
    ...label,
    ops,
    seconds,
    throughput: ops / seconds,
    serverCpuUsPerOp: ops > 0 ? serverCpuUs / ops : 0,
    serverCpuPercent: serverCpuUs / 1e4 / seconds,
    generatorCpuPercent: generatorPercent,
    serverRssBytes: server.rssBytes,
    notes,
  };
  if (histogram !== undefined) result.latency = histogram.summary();
  return result;
}
