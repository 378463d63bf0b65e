import { readFileSync } from "node:fs";
import { execute } from "./execute.js";
import { HttpClient } from "./http-client.js";
import { Corpus, type ExecPlan, type FuzzPhase } from "./plans.js";
import { FuzzServerProcess } from "./server-process.js";
import type { ServerConfig } from "./server-protocol.js";

/** What `runFuzz` writes for a crash: enough to rebuild the batch's plans. */
export interface CrashFile {
  readonly seed: number;
  readonly phase: FuzzPhase;
  readonly indexes: readonly number[];
  readonly config: ServerConfig;
}

/** The outcome of a replay: the first plan after which the server was dead, if any. */
export interface ReplayResult {
  readonly killer: { readonly index: number; readonly plan: ExecPlan } | undefined;
  readonly stderr: string;
}

/**
 * Replay a crash report: rebuild its plans and run them one at a time
 * against a fresh server, stopping at the first one after which the server
 * is gone. Plans depend only on (seed, phase, index), so this resends the
 * very bytes of the failing batch.
 *
 * @example
 * ```ts
 * const { killer } = await replayCrash("/tmp/cometa-fuzz/crash-12648430-websocket-5000.json");
 * if (killer) console.log(killer.index, killer.plan);
 * ```
 */
export async function replayCrash(
  file: string,
  /** The plan source of the run that crashed (the default corpus unless the run injected its own). */
  planOf?: (phase: FuzzPhase, seed: number, index: number) => ExecPlan,
): Promise<ReplayResult> {
  const crash = JSON.parse(readFileSync(file, "utf8")) as CrashFile;
  const corpus = new Corpus();
  const plans = planOf ?? ((phase: FuzzPhase, seed: number, index: number) => corpus.plan(phase, seed, index));
  const server = await FuzzServerProcess.start(crash.config);
  const http = new HttpClient(server.port);
  const ctx = { port: server.port, http, responseMs: crash.config.pingInterval + 2000, closeWaitMs: 1000, headWaitMs: 200 };
  try {
    for (const index of [...crash.indexes].sort((a, b) => a - b)) {
      const plan = plans(crash.phase, crash.seed, index);
      await execute(plan, ctx);
      // A crash may come a tick after the input (an exception thrown from a timer): ask the server once.
      if (server.alive) await server.probe({ timeoutMs: 2000 });
      if (!server.alive) return { killer: { index, plan }, stderr: server.stderrTail };
    }
    return { killer: undefined, stderr: server.stderrTail };
  } finally {
    http.close();
    await server.stop();
  }
}
