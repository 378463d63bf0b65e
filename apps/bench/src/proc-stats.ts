/**
 * Process CPU and memory readings from Linux `/proc`, summed over a process tree.
 *
 * CPU is `utime + stime` from `/proc/<pid>/stat` (all threads of the process, in clock ticks;
 * `utime` alone is also kept: the part spent in the process's own code rather than in the kernel),
 * memory is `VmRSS` from `/proc/<pid>/status`. BENCH.md asks a harness to sum both over the server's
 * process tree; the bench servers are single processes, but summing keeps the figure honest for any
 * server that forks.
 *
 * @example
 * const before = readProcStats(pid);
 * // … measurement window …
 * const after = readProcStats(pid);
 * const cpuUs = after.cpuUs - before.cpuUs;
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** One reading of a process tree. */
export interface ProcStats {
  /** utime + stime of every process in the tree, microseconds (resolution: one clock tick). */
  cpuUs: number;
  /** utime alone (user space: the server's own code, V8, libuv, uWS), microseconds. */
  userUs: number;
  /** Summed resident set size, bytes. */
  rssBytes: number;
  /** When the reading was taken (CLOCK_MONOTONIC ms). */
  atMs: number;
}

let ticksPerSecond: number | undefined;

/** `getconf CLK_TCK`, read once (100 on practically every Linux). */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Reads one process's CPU ticks (utime, stime), or undefined when it is gone. */
function readCpuTicks(pid: number): { user: number; system: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // comm (field 2) may contain spaces and parentheses: fields are counted after the LAST ')'.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // After the ')' field 3 (state) is index 0, so utime (14) is index 11 and stime (15) index 12.
  return { user: Number(fields[11]), system: Number(fields[12]) };
}

/** Reads one process's VmRSS in bytes, or 0 when it is gone. */
function readRssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Direct children of a process, from every thread's `children` file. */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return children;
  }
  for (const tid of tasks) {
    try {
      const list = readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim();
      if (list !== "") for (const child of list.split(" ")) children.push(Number(child));
    } catch {
      // the thread exited between readdir and read: it has no children to report
    }
  }
  return children;
}

/** Whether `/proc/<pid>/stat` is readable (i.e. we are on Linux and the process exists). */
export function isProcReadable(pid: number): boolean {
  return readCpuTicks(pid) !== undefined;
}

/** Reads CPU and RSS summed over `pid` and all its descendants. */
export function readProcStats(pid: number): ProcStats {
  const tick = 1e6 / clockTicksPerSecond();
  let ticks = 0;
  let userTicks = 0;
  let rssBytes = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const current = pending.pop()!;
    const cpu = readCpuTicks(current);
    if (cpu === undefined) continue;
    ticks += cpu.user + cpu.system;
    userTicks += cpu.user;
    rssBytes += readRssBytes(current);
    pending.push(...childrenOf(current));
  }
  return { cpuUs: ticks * tick, userUs: userTicks * tick, rssBytes, atMs: Number(process.hrtime.bigint()) / 1e6 };
}
