import type { SeqCounts } from "./seq-tally.js";

/** What one fault run measured (RELIABILITY §4(b), §6). */
export interface FaultLine {
  /** Catalogue row, e.g. `F5`. */
  readonly id: string;
  readonly name: string;
  /** Longest time a client was without a connection, ms (0: nobody noticed). */
  readonly outageMs: number;
  /** Fault injected → every client connected again, ms. */
  readonly recoverMs: number;
  readonly counts: SeqCounts;
  /** Whether the surviving server process(es) are alive at the end. */
  readonly alive: boolean;
  /** Extra figures, printed as `key value`. */
  readonly extra?: Readonly<Record<string, string | number>>;
}

/**
 * One line per fault, the figures RELIABILITY §6 asks for.
 *
 * @example
 * ```ts
 * console.log(formatFaultLine({ id: "F5", name: "SIGTERM", outageMs: 120, recoverMs: 300, counts, alive: true }));
 * ```
 */
export function formatFaultLine(line: FaultLine): string {
  const c = line.counts;
  const extra = Object.entries(line.extra ?? {})
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  return (
    `[fault] ${line.id} ${line.name}: outage ${line.outageMs.toFixed(0)} ms, recovered in ${line.recoverMs.toFixed(0)} ms, ` +
    `received ${c.received} lost ${c.lost} dup ${c.duplicated} reordered ${c.reordered}, alive ${line.alive ? "yes" : "NO"}` +
    (extra === "" ? "" : `; ${extra}`)
  );
}
