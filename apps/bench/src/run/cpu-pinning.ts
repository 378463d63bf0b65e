/**
 * Pins processes to cores with `taskset` (server on core 0, load generator on core 1) so the two
 * never compete for one core. Silently does nothing without `taskset` or with fewer than two cores.
 */
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";

let usable: boolean | undefined;

/** Whether pinning is possible here. */
export function canPin(): boolean {
  if (usable === undefined) {
    usable = availableParallelism() >= 2 && spawnSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" }).status === 0;
  }
  return usable;
}

/** Pins every thread of `pid` (and the threads it creates later) to `core`; returns whether it did. */
export function pinToCore(pid: number, core: number): boolean {
  if (!canPin()) return false;
  return spawnSync("taskset", ["-a", "-p", "-c", String(core), String(pid)], { stdio: "ignore" }).status === 0;
}
