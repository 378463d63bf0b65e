/**
 * The description of the machine and the run that goes next to every result set.
 */
import { availableParallelism, cpus, loadavg, release, totalmem } from "node:os";
import type { RunOptions } from "../run/run-options.js";

/** Who ran what, where, when. */
export interface RunMeta {
  date: string;
  node: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  pinned: boolean;
  /** 1-minute load average when the run started: other work on the machine makes figures noisy. */
  loadAverageAtStart: number;
  rounds: number;
  durationSeconds: number;
  smoke: boolean;
  /** Targets left out of the run and why (e.g. Cometa not built). */
  skippedTargets: { name: string; reason: string }[];
  /** Scenarios left out of the run and why (e.g. `cluster-fanout` without redis-server). */
  skippedScenarios: { name: string; reason: string }[];
}

/** Describes this machine and `options`. */
export function describeRun(
  options: RunOptions,
  pinned: boolean,
  skippedTargets: RunMeta["skippedTargets"],
  skippedScenarios: RunMeta["skippedScenarios"] = [],
): RunMeta {
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    pinned,
    loadAverageAtStart: loadavg()[0] ?? 0,
    rounds: options.rounds,
    durationSeconds: options.durationMs / 1000,
    smoke: options.smoke,
    skippedTargets,
    skippedScenarios,
  };
}

/** One line for chart subtitles and console headers. */
export function metaLine(meta: RunMeta): string {
  return (
    `${meta.date.slice(0, 10)} · Node ${meta.node} · ${meta.cores} cores (${meta.cpuModel}) · ` +
    `${meta.rounds} round(s) × ${meta.durationSeconds} s windows${meta.pinned ? " · server core 0, generator core 1" : ""}`
  );
}
