import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Canary } from "./canary.js";
import { type ExecContext, execute } from "./execute.js";
import type { FuzzReport } from "./fuzz-report.js";
import { HttpClient } from "./http-client.js";
import { Corpus, type ExecPlan, type FuzzPhase } from "./plans.js";
import { FuzzServerProcess } from "./server-process.js";
import type { ServerConfig } from "./server-protocol.js";

/** Options of {@link runFuzz}. Only `budgetMs` is required. */
export interface FuzzOptions {
  /** Total time of the mutation phases, split evenly between them, ms. */
  readonly budgetMs: number;
  /** Run seed: the same seed sends the same mutants in the same order. Default 0xC0FFEE. */
  readonly seed?: number;
  /** Phases to run. Default both, WebSocket first. */
  readonly phases?: readonly FuzzPhase[];
  /** Concurrent executions. Default 8. */
  readonly concurrency?: number;
  /** A batch ends after this many executions or `batchMs`, then the canaries and the probe run. Defaults 250 / 2000. */
  readonly batchSize?: number;
  readonly batchMs?: number;
  /** A canary ack or a probe slower than this is a hang; so is an event-loop delay above `stallMs`. Default 2000 each. */
  readonly hangMs?: number;
  readonly stallMs?: number;
  /** Server options. Defaults: ping 1000/1000 ms, maxPayload 100 000 bytes. */
  readonly server?: Partial<ServerConfig>;
  /** Where crash reports go. Default `<tmpdir>/cometa-fuzz`. */
  readonly crashDir?: string;
  /** Progress lines. Default: none. */
  readonly log?: (line: string) => void;
  /** Where plans come from. Default: `new Corpus().plan`. Tests inject known-bad plans through it. */
  readonly plan?: (phase: FuzzPhase, seed: number, index: number) => ExecPlan;
}

type Canaries = readonly [Canary, Canary];

/**
 * Run the mutation fuzzer: seeds of valid traffic, mutated, sent over
 * WebSocket and polling to a server in a child process. After each batch two
 * canaries (one per transport) round-trip an ack and the server is probed;
 * a dead server is a crash (restarted, with a report of the batch written to
 * `crashDir`), a slow answer is a hang. Resolves with the figures; it
 * asserts nothing itself.
 *
 * @example
 * ```ts
 * const report = await runFuzz({ budgetMs: 120_000, log: console.log });
 * console.log(formatReport(report));
 * ```
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const run = new FuzzRun(options);
  try {
    return await run.execute();
  } finally {
    await run.dispose();
  }
}

class FuzzRun {
  private readonly seed: number;
  private readonly config: ServerConfig;
  private readonly plan: (phase: FuzzPhase, seed: number, index: number) => ExecPlan;
  private readonly started = Date.now();
  private server: FuzzServerProcess | undefined;
  private canaries: Canaries | undefined;
  private http: HttpClient | undefined;
  private rssSampler: NodeJS.Timeout | undefined;
  private baseline = 0;
  private readonly nextIndex: Record<FuzzPhase, number> = { websocket: 0, polling: 0 };
  private readonly stats = {
    executions: 0,
    byPhase: { websocket: 0, polling: 0 } as Record<FuzzPhase, number>,
    outcomes: {} as Record<string, number>,
    crashes: 0,
    hangs: 0,
    incidents: [] as string[],
    crashFiles: [] as string[],
    maxRssGrowth: 0,
    maxStall: 0,
    maxCanary: 0,
    listenerErrors: 0,
    errorSamples: [] as string[],
  };
  /** Depth counters of the current server, and of the servers before a restart. */
  private depth = { connections: 0, events: 0 };
  private carried = { connections: 0, events: 0 };

  constructor(private readonly options: FuzzOptions) {
    this.seed = options.seed ?? 0xc0ffee;
    if (options.plan !== undefined) this.plan = options.plan;
    else {
      const corpus = new Corpus();
      this.plan = (phase, seed, index) => corpus.plan(phase, seed, index);
    }
    this.config = { pingInterval: 1000, pingTimeout: 1000, maxPayload: 100_000, ...options.server };
  }

  async execute(): Promise<FuzzReport> {
    await this.startServer();
    const phases = this.options.phases ?? ["websocket", "polling"];
    const share = this.options.budgetMs / phases.length;
    for (const [i, phase] of phases.entries()) {
      const deadline = this.started + share * (i + 1);
      while (Date.now() < deadline) await this.batch(phase, deadline);
      this.log(`${phase}: ${this.stats.byPhase[phase]} executions`);
    }
    return this.finish();
  }

  async dispose(): Promise<void> {
    clearInterval(this.rssSampler);
    for (const canary of this.canaries ?? []) canary.close();
    this.http?.close();
    await this.server?.stop();
  }

  private get ctx(): ExecContext {
    return { port: this.server!.port, http: this.http!, responseMs: this.config.pingInterval + 2000, closeWaitMs: 1000, headWaitMs: 200 };
  }

  private async startServer(): Promise<void> {
    this.carried = { connections: this.carried.connections + this.depth.connections, events: this.carried.events + this.depth.events };
    this.depth = { connections: 0, events: 0 };
    this.server = await FuzzServerProcess.start(this.config);
    this.http = new HttpClient(this.server.port, (this.options.concurrency ?? 8) * 2);
    this.canaries = [await Canary.connect(this.server.port, "websocket"), await Canary.connect(this.server.port, "polling")];
    this.baseline = this.server.rssBytes() ?? 0;
    clearInterval(this.rssSampler);
    this.rssSampler = setInterval(() => this.sampleRss(), 250);
    this.log(`server pid ${this.server.pid} on port ${this.server.port}, RSS ${(this.baseline / 1048576).toFixed(1)} MB`);
  }

  private sampleRss(): void {
    const rss = this.server?.rssBytes();
    if (rss !== undefined) this.stats.maxRssGrowth = Math.max(this.stats.maxRssGrowth, rss - this.baseline);
  }

  /** One batch: executions until the size or time limit, then the verdicts. */
  private async batch(phase: FuzzPhase, phaseDeadline: number): Promise<void> {
    const end = Math.min(phaseDeadline, Date.now() + (this.options.batchMs ?? 2000));
    const limit = this.options.batchSize ?? 250;
    const indexes: number[] = [];
    const ctx = this.ctx;
    const server = this.server!;
    const worker = async (): Promise<void> => {
      while (indexes.length < limit && Date.now() < end && server.alive) {
        const index = this.nextIndex[phase]++;
        indexes.push(index);
        const outcome = await execute(this.plan(phase, this.seed, index), ctx);
        this.stats.outcomes[outcome] = (this.stats.outcomes[outcome] ?? 0) + 1;
        this.stats.executions++;
        this.stats.byPhase[phase]++;
      }
    };
    await Promise.all(Array.from({ length: this.options.concurrency ?? 8 }, worker));
    this.sampleRss();
    if (!server.alive) return this.onCrash(phase, indexes);
    await this.checkLiveness(phase, indexes);
  }

  private async checkLiveness(phase: FuzzPhase, indexes: readonly number[]): Promise<void> {
    const hangMs = this.options.hangMs ?? 2000;
    const [ws, polling] = this.canaries!;
    const [wsMs, pollingMs, probe] = await Promise.all([
      ws.roundTrip(hangMs),
      polling.roundTrip(hangMs),
      this.server!.probe({ timeoutMs: hangMs }),
    ]);
    if (!this.server!.alive) return this.onCrash(phase, indexes);
    const where = `${phase} batch ${indexes[0]}…${indexes[indexes.length - 1]}`;
    for (const [name, ms] of [["websocket", wsMs], ["polling", pollingMs]] as const) {
      if (ms === undefined) this.hang(`canary ${name} got no ack within ${hangMs} ms after ${where}`);
      else this.stats.maxCanary = Math.max(this.stats.maxCanary, ms);
    }
    if (probe === undefined) this.hang(`server probe unanswered within ${hangMs} ms after ${where}`);
    else {
      this.stats.maxStall = Math.max(this.stats.maxStall, probe.eventLoopMaxMs);
      if (probe.eventLoopMaxMs > (this.options.stallMs ?? 2000)) this.hang(`event loop stalled ${probe.eventLoopMaxMs.toFixed(0)} ms during ${where}`);
      this.stats.listenerErrors = probe.listenerErrors;
      this.stats.errorSamples = [...probe.errorSamples];
      this.depth = { connections: probe.connections, events: probe.events };
    }
    if (wsMs === undefined || pollingMs === undefined) await this.replaceCanaries();
  }

  private hang(incident: string): void {
    this.stats.hangs++;
    this.stats.incidents.push(incident);
    this.log(`HANG: ${incident}`);
  }

  /** A canary lost its session: reconnect both, or restart the server if it no longer accepts clients. */
  private async replaceCanaries(): Promise<void> {
    for (const canary of this.canaries!) canary.close();
    try {
      this.canaries = [await Canary.connect(this.server!.port, "websocket"), await Canary.connect(this.server!.port, "polling")];
    } catch (error) {
      this.hang(`canaries cannot reconnect (${String(error)}): restarting the server`);
      await this.dispose();
      await this.startServer();
    }
  }

  private async onCrash(phase: FuzzPhase, indexes: readonly number[]): Promise<void> {
    const server = this.server!;
    this.stats.crashes++;
    const dir = this.options.crashDir ?? join(tmpdir(), "cometa-fuzz");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `crash-${this.seed}-${phase}-${indexes[0]}.json`);
    const report = { seed: this.seed, phase, indexes, exit: server.exit, stderr: server.stderrTail, config: this.config };
    writeFileSync(file, JSON.stringify(report, null, 2));
    this.stats.crashFiles.push(file);
    this.stats.incidents.push(`server exited (${JSON.stringify(server.exit)}) during ${phase} batch ${indexes[0]}…; see ${file}`);
    this.log(`CRASH: server exited ${JSON.stringify(server.exit)}; batch written to ${file}\n${server.stderrTail}`);
    await this.dispose();
    await this.startServer();
  }

  /** Let abandoned sessions expire, then measure what is left. */
  private async finish(): Promise<FuzzReport> {
    const { pingInterval, pingTimeout } = this.config;
    const drainUntil = Date.now() + 4 * pingInterval + pingTimeout + 3000;
    let probe = await this.server!.probe();
    while (probe !== undefined && probe.sessions > 2 && Date.now() < drainUntil) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      probe = await this.server!.probe();
    }
    const leftover = probe === undefined ? -1 : probe.sessions - this.canaries!.filter((c) => c.connected).length;
    const final = await this.server!.probe({ gc: true });
    const rss = this.server!.rssBytes() ?? this.baseline;
    if (final !== undefined) {
      this.stats.listenerErrors = final.listenerErrors;
      this.stats.errorSamples = [...final.errorSamples];
      this.depth = { connections: final.connections, events: final.events };
    }
    return {
      seed: this.seed,
      budgetMs: this.options.budgetMs,
      durationMs: Date.now() - this.started,
      executions: this.stats.executions,
      executionsByPhase: { ...this.stats.byPhase },
      outcomes: { ...this.stats.outcomes },
      crashes: this.stats.crashes,
      hangs: this.stats.hangs,
      incidents: this.stats.incidents,
      crashFiles: this.stats.crashFiles,
      baselineRssBytes: this.baseline,
      maxRssGrowthBytes: this.stats.maxRssGrowth,
      finalRssGrowthBytes: rss - this.baseline,
      maxEventLoopStallMs: this.stats.maxStall,
      maxCanaryMs: this.stats.maxCanary,
      leftoverSessions: leftover,
      listenerErrors: this.stats.listenerErrors,
      errorSamples: this.stats.errorSamples,
      socketsAccepted: this.carried.connections + this.depth.connections,
      eventsDispatched: this.carried.events + this.depth.events,
    };
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}
