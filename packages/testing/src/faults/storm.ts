import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** What a storm client process reports every 100 ms. */
export interface StormReport {
  /** Wall-clock times (ms) of the connects since the last report. */
  readonly connects: readonly number[];
  readonly disconnects: number;
  /** Failed connection attempts (`connect_error`). */
  readonly failures: number;
}

/** Time to 50 / 95 / 100 % and the peak rate of a set of connect times. */
export interface StormFigures {
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p100Ms: number;
  /** Most connects in one 100 ms bucket, times ten. */
  readonly peakPerSecond: number;
}

/**
 * `clients` sockets spread over `processes` child processes
 * (`storm-client-main.ts`), aggregated: how many are connected, when each
 * (re)connect happened, how many attempts failed.
 *
 * @example
 * ```ts
 * const storm = await StormGroup.start(url, 2000, 4);
 * await storm.until(() => storm.connected === 2000);
 * await storm.close();
 * ```
 */
export class StormGroup {
  /** Every connect, wall-clock ms, in arrival order. */
  readonly connectTimes: number[] = [];
  connected = 0;
  failures = 0;
  readonly #watchers = new Set<() => void>();

  private constructor(private readonly children: readonly ChildProcess[]) {
    for (const child of children) child.on("message", (report: StormReport) => this.onReport(report));
  }

  static start(url: string, clients: number, processes: number): StormGroup {
    const script = new URL(import.meta.url.endsWith(".ts") ? "./storm-client-main.ts" : "./storm-client-main.js", import.meta.url);
    const fromSource = script.pathname.endsWith(".ts");
    const per = Math.ceil(clients / processes);
    const children: ChildProcess[] = [];
    for (let p = 0; p < processes; p += 1) {
      const count = Math.min(per, clients - p * per);
      if (count <= 0) break;
      children.push(
        spawn(process.execPath, [...(fromSource ? ["--conditions=source", "--import", "tsx"] : []), fileURLToPath(script)], {
          cwd: fileURLToPath(new URL("../../", import.meta.url)),
          env: { ...process.env, COMETA_STORM: JSON.stringify({ url, count, prefix: `p${p}-` }) },
          stdio: ["ignore", "inherit", "inherit", "ipc"],
        }),
      );
    }
    return new StormGroup(children);
  }

  /** Resolve once `condition` holds, re-checked after every report. */
  until(condition: () => boolean): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (!condition()) return;
        this.#watchers.delete(check);
        resolve();
      };
      this.#watchers.add(check);
    });
  }

  /** Figures of the connects at or after wall-clock `since` (ms), for `total` clients. */
  figures(since: number, total: number): StormFigures {
    const times = this.connectTimes.filter((t) => t >= since).sort((a, b) => a - b);
    const at = (fraction: number): number => {
      const t = times[Math.max(0, Math.ceil(total * fraction) - 1)];
      return t === undefined ? Number.NaN : t - since;
    };
    const buckets = new Map<number, number>();
    for (const t of times) buckets.set(Math.floor(t / 100), (buckets.get(Math.floor(t / 100)) ?? 0) + 1);
    return { p50Ms: at(0.5), p95Ms: at(0.95), p100Ms: at(1), peakPerSecond: 10 * Math.max(0, ...buckets.values()) };
  }

  async close(): Promise<void> {
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
            child.once("exit", () => {
              clearTimeout(timer);
              resolve();
            });
            child.send({ cmd: "close" });
          }),
      ),
    );
  }

  private onReport(report: StormReport): void {
    this.connectTimes.push(...report.connects);
    this.connected += report.connects.length - report.disconnects;
    this.failures += report.failures;
    for (const watcher of [...this.#watchers]) watcher();
  }
}
