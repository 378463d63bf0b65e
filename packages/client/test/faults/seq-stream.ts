import { performance } from "node:perf_hooks";
import type { Socket } from "../../src/index.js";

/** One message of the client → server stream. */
export interface SentSeq {
  readonly n: number;
  /** `performance.now()` when emitted. */
  readonly at: number;
  /** Emitted while the socket was not connected (it went to the offline buffer). */
  readonly offline: boolean;
}

/**
 * Emits `seq` events numbered 1, 2, 3, … every `periodMs` through the
 * client's public API, whatever the connection state, and remembers when
 * and in which state each left.
 */
export class SeqSender {
  readonly sent: SentSeq[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly periodMs = 10,
  ) {}

  start(): void {
    this.#timer ??= setInterval(() => this.emitNext(), this.periodMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  emitNext(): void {
    const n = this.sent.length + 1;
    this.sent.push({ n, at: performance.now(), offline: !this.socket.connected });
    this.socket.emit("seq", n);
  }
}

/** Loss, duplication and reordering of a stream, as received. */
export interface StreamCounts {
  readonly received: number;
  readonly lost: number;
  readonly duplicated: number;
  /** Arrivals of a number lower than one already seen. */
  readonly reordered: number;
}

/** Counts what arrived of a stream numbered from 1. */
export class SeqTally {
  readonly arrivals: number[] = [];
  readonly #counts = new Map<number, number>();
  #max = 0;
  #reordered = 0;

  record(n: number): void {
    this.arrivals.push(n);
    this.#counts.set(n, (this.#counts.get(n) ?? 0) + 1);
    if (n < this.#max) this.#reordered += 1;
    this.#max = Math.max(this.#max, n);
  }

  /** How many times `n` arrived. */
  count(n: number): number {
    return this.#counts.get(n) ?? 0;
  }

  /** Counts against what was sent (`expected`), or against the gaps below the highest number seen. */
  counts(expected: readonly number[] = range(this.#first(), this.#max)): StreamCounts {
    let duplicated = 0;
    for (const times of this.#counts.values()) duplicated += times - 1;
    return {
      received: this.arrivals.length,
      lost: expected.filter((n) => !this.#counts.has(n)).length,
      duplicated,
      reordered: this.#reordered,
    };
  }

  #first(): number {
    return this.arrivals.length === 0 ? 1 : Math.min(...this.arrivals);
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}
