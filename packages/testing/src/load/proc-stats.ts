/**
 * Figures of a process read from `/proc` (Linux): resident memory, CPU time
 * and open file descriptors. The load rows sample these for the server from
 * the outside, so the measurement costs the server nothing.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of `/proc/<pid>/stat` times (`getconf CLK_TCK`, 100 on Linux). */
const CLOCK_TICKS = 100;

/** Resident set size (VmRSS) of `pid`, bytes; undefined once the process is gone. */
export function readRssBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match === null ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

/** User + system CPU time of `pid`, ms; undefined once the process is gone. */
export function readCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    return (ticks * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** Open file descriptors of `pid` (entries of `/proc/<pid>/fd`); undefined once the process is gone. */
export function readFdCount(pid: number): number | undefined {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
}

/** One sample of a process. */
export interface ProcSample {
  /** `performance.now()` of the sampler, ms. */
  readonly atMs: number;
  readonly rssBytes: number;
  readonly cpuMs: number;
}

/**
 * Samples a process every `intervalMs` (RELIABILITY.md §4: every second) until
 * stopped; `cpuPercent` is the share of one core used between two samples.
 *
 * @example
 * ```ts
 * const sampler = new ProcSampler(server.pid);
 * sampler.start();
 * // ... load ...
 * sampler.stop();
 * console.log(sampler.first?.rssBytes, sampler.last?.rssBytes, sampler.cpuPercent());
 * ```
 */
export class ProcSampler {
  readonly samples: ProcSample[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 1000,
  ) {}

  /** Takes a sample now and then every interval. */
  start(): void {
    if (this.timer !== undefined) return;
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  /** Takes a last sample and stops. */
  stop(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
  }

  /** Records one sample (also callable by hand at phase boundaries). */
  sample(): ProcSample | undefined {
    const rssBytes = readRssBytes(this.pid);
    const cpuMs = readCpuMs(this.pid);
    if (rssBytes === undefined || cpuMs === undefined) return undefined;
    const sample = { atMs: performance.now(), rssBytes, cpuMs };
    this.samples.push(sample);
    return sample;
  }

  get first(): ProcSample | undefined {
    return this.samples[0];
  }

  get last(): ProcSample | undefined {
    return this.samples[this.samples.length - 1];
  }

  /** CPU used between the first and last sample, % of one core. */
  cpuPercent(): number {
    const first = this.first;
    const last = this.last;
    if (first === undefined || last === undefined || last.atMs <= first.atMs) return 0;
    return ((last.cpuMs - first.cpuMs) / (last.atMs - first.atMs)) * 100;
  }
}
