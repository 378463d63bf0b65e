import type { FuzzPhase } from "./plans.js";

/** The figures of one fuzz run (RELIABILITY.md §6 "Bad inputs tried"). */
export interface FuzzReport {
  readonly seed: number;
  readonly budgetMs: number;
  readonly durationMs: number;
  /** Plans executed against the server (each one a mutated session or request). */
  readonly executions: number;
  readonly executionsByPhase: Readonly<Record<FuzzPhase, number>>;
  /** How executions ended (`ws:101-closed`, `poll:post-400`, …), for insight, not verdicts. */
  readonly outcomes: Readonly<Record<string, number>>;
  /** Server process exits. Must be 0. */
  readonly crashes: number;
  /** Canary acks over the limit, unanswered probes, event-loop stalls over the limit. Must be 0. */
  readonly hangs: number;
  /** One line per hang or crash. */
  readonly incidents: readonly string[];
  /** Crash reports written (plans to replay). */
  readonly crashFiles: readonly string[];
  /** VmRSS of the server when the canaries had connected, before any fuzz input. */
  readonly baselineRssBytes: number;
  /** Highest VmRSS minus the baseline, over the run. */
  readonly maxRssGrowthBytes: number;
  /** VmRSS minus the baseline after the sessions drained and a full GC. */
  readonly finalRssGrowthBytes: number;
  /** Longest event-loop delay the server measured. */
  readonly maxEventLoopStallMs: number;
  /** Slowest canary ack. */
  readonly maxCanaryMs: number;
  /** Sessions still open after the drain period, canaries excluded. Must be 0. */
  readonly leftoverSessions: number;
  /** Errors that reached the server's `onError` (its handlers do not throw: each one is worth a look). */
  readonly listenerErrors: number;
  readonly errorSamples: readonly string[];
  /** Depth reached: sockets the server accepted and events it dispatched to handlers (summed over server restarts). */
  readonly socketsAccepted: number;
  readonly eventsDispatched: number;
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * The one-line summary of a run.
 *
 * @example
 * ```ts
 * console.log(formatReport(report));
 * // fuzz seed 12648430, 120.4 s: 41 230 executions (websocket 20 114, polling 21 116); crashes 0; hangs 0; …
 * ```
 */
export function formatReport(report: FuzzReport): string {
  return (
    `fuzz seed ${report.seed}, ${(report.durationMs / 1000).toFixed(1)} s: ${report.executions} executions ` +
    `(websocket ${report.executionsByPhase.websocket}, polling ${report.executionsByPhase.polling}); ` +
    `crashes ${report.crashes}; hangs ${report.hangs}; ` +
    `RSS baseline ${mb(report.baselineRssBytes)}, max growth ${mb(report.maxRssGrowthBytes)}, ` +
    `after drain+GC ${mb(report.finalRssGrowthBytes)}; max event-loop stall ${report.maxEventLoopStallMs.toFixed(0)} ms; ` +
    `max canary ack ${report.maxCanaryMs.toFixed(0)} ms; leftover sessions ${report.leftoverSessions}; ` +
    `listener errors ${report.listenerErrors}; reached ${report.socketsAccepted} sockets, ${report.eventsDispatched} events`
  );
}

/** The outcomes, most frequent first, as `label n` pairs. */
export function formatOutcomes(report: FuzzReport): string {
  return Object.entries(report.outcomes)
    .sort((a, b) => b[1] - a[1])
    .map(([label, n]) => `${label} ${n}`)
    .join(", ");
}
