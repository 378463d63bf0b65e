/** Loss, duplication and reordering of one numbered stream, as one receiver saw it. */
export interface SeqCounts {
  readonly received: number;
  readonly lost: number;
  readonly duplicated: number;
  /** Arrivals of a number lower than one already seen. */
  readonly reordered: number;
}

/**
 * Counts what arrived of a stream numbered 1, 2, 3, … at one receiver.
 *
 * @example
 * ```ts
 * const tally = new SeqTally();
 * tally.record(1); tally.record(3); tally.record(2);
 * tally.counts(3); // { received: 3, lost: 0, duplicated: 0, reordered: 1 }
 * ```
 */
export class SeqTally {
  readonly #seen = new Map<number, number>();
  #received = 0;
  #max = 0;
  #reordered = 0;

  record(n: number): void {
    this.#received += 1;
    this.#seen.set(n, (this.#seen.get(n) ?? 0) + 1);
    if (n < this.#max) this.#reordered += 1;
    else this.#max = n;
  }

  /** Whether `n` arrived at least once. */
  has(n: number): boolean {
    return this.#seen.has(n);
  }

  /** Numbers in `from..to` that never arrived. */
  missing(from: number, to: number): number[] {
    const out: number[] = [];
    for (let n = from; n <= to; n += 1) if (!this.#seen.has(n)) out.push(n);
    return out;
  }

  /** Counts against `1..sent`. */
  counts(sent: number): SeqCounts {
    let duplicated = 0;
    for (const times of this.#seen.values()) duplicated += times - 1;
    return { received: this.#received, lost: this.missing(1, sent).length, duplicated, reordered: this.#reordered };
  }
}

/** Sum of several receivers' counts. */
export function sumCounts(all: readonly SeqCounts[]): SeqCounts {
  return all.reduce(
    (a, b) => ({
      received: a.received + b.received,
      lost: a.lost + b.lost,
      duplicated: a.duplicated + b.duplicated,
      reordered: a.reordered + b.reordered,
    }),
    { received: 0, lost: 0, duplicated: 0, reordered: 0 },
  );
}

/** What {@link untilSeq} listens on: any socket with `on`/`off` (ours or the official client's). */
export interface SeqSource {
  on(event: "seq", listener: (n: number) => void): unknown;
  off(event: "seq", listener: (n: number) => void): unknown;
}

/** Resolves once number `n` of the `seq` stream has arrived at `socket` (at once if `tally` has it). */
export function untilSeq(socket: SeqSource, tally: SeqTally, n: number): Promise<void> {
  if (tally.has(n)) return Promise.resolve();
  return new Promise((resolve) => {
    const listener = (m: number): void => {
      if (m !== n) return;
      socket.off("seq", listener);
      resolve();
    };
    socket.on("seq", listener);
  });
}
