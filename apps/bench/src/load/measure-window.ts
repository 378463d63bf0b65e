/**
 * Measurement window: server CPU/RSS from `/proc` (summed over every server instance), Redis's CPU
 * when there is one (kept apart), and the generator's own CPU, sampled at the exact edges of the
 * window by the generator itself (it knows when its window starts and ends).
 */
import { readProcStats } from "../proc-stats.js";
import type { LatencyHistogram } from "./latency-histogram.js";
import { monotonicMs } from "./monotonic-clock.js";
import { GENERATOR_BOUND_PERCENT, type GeneratorTarget, type OperationName, type PhaseResult } from "./scenario-spec.js";

/** An open measurement window. */
export interface OpenWindow {
  readonly startMs: number;
  readonly serverCpuUs: number;
  readonly serverUserUs: number;
  readonly redisCpuUs: number;
  readonly generatorCpuUs: number;
  readonly opsAtStart: number;
}

/** What identifies the phase being closed. */
export interface PhaseLabel {
  scenario: string;
  phase: string;
  operation: OperationName;
}

function generatorCpuUs(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/** CPU and RSS summed over every server process of `target`. */
export function readServers(target: GeneratorTarget): { cpuUs: number; userUs: number; rssBytes: number } {
  let cpuUs = 0;
  let userUs = 0;
  let rssBytes = 0;
  for (const pid of target.serverPids) {
    const stats = readProcStats(pid);
    cpuUs += stats.cpuUs;
    userUs += stats.userUs;
    rssBytes += stats.rssBytes;
  }
  return { cpuUs, userUs, rssBytes };
}

function redisCpuUs(target: GeneratorTarget): number {
  return target.redisPid === undefined ? 0 : readProcStats(target.redisPid).cpuUs;
}

/** Starts a window; `opsSoFar` is the scenario's running operation counter. */
export function openWindow(target: GeneratorTarget, opsSoFar: number): OpenWindow {
  const servers = readServers(target);
  return {
    startMs: monotonicMs(),
    serverCpuUs: servers.cpuUs,
    serverUserUs: servers.userUs,
    redisCpuUs: redisCpuUs(target),
    generatorCpuUs: generatorCpuUs(),
    opsAtStart: opsSoFar,
  };
}

/** Ends a window and turns it into a phase result. */
export function closeWindow(
  window: OpenWindow,
  target: GeneratorTarget,
  opsSoFar: number,
  label: PhaseLabel,
  histogram: LatencyHistogram | undefined,
): PhaseResult {
  const servers = readServers(target);
  const seconds = (monotonicMs() - window.startMs) / 1000;
  const ops = opsSoFar - window.opsAtStart;
  const serverCpuUs = servers.cpuUs - window.serverCpuUs;
  const generatorPercent = (generatorCpuUs() - window.generatorCpuUs) / 1e4 / seconds;
  const notes: string[] = [];
  if (generatorPercent > GENERATOR_BOUND_PERCENT) notes.push("generator-bound");
  const result: PhaseResult = {
    ...label,
    ops,
    seconds,
    throughput: ops / seconds,
    serverCpuUsPerOp: ops > 0 ? serverCpuUs / ops : 0,
    serverUserUsPerOp: ops > 0 ? (servers.userUs - window.serverUserUs) / ops : 0,
    serverCpuPercent: serverCpuUs / 1e4 / seconds,
    generatorCpuPercent: generatorPercent,
    serverRssBytes: servers.rssBytes,
    notes,
  };
  if (target.serverPids.length > 1) result.instances = target.serverPids.length;
  if (target.redisPid !== undefined) {
    const redisUs = redisCpuUs(target) - window.redisCpuUs;
    result.redisCpuUsPerOp = ops > 0 ? redisUs / ops : 0;
    result.redisCpuPercent = redisUs / 1e4 / seconds;
  }
  if (histogram !== undefined) result.latency = histogram.summary();
  return result;
}
