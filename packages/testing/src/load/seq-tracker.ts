/**
 * Per-receiver bookkeeping of a seq-stamped stream: which sequence numbers
 * arrived, how many twice, and how many after a higher one (reordered). Lost
 * messages are counted at the end against the range the publisher sent.
 */

/** Totals of one or many receivers. */
export interface SeqTotals {
  received: number;
  lost: number;
  dup: number;
  reordered: number;
}

/** An empty total, to add receivers into. */
export function emptyTotals(): SeqTotals {
  return { received: 0, lost: 0, dup: 0, reordered: 0 };
}

/** Adds `more` into `into`. */
export function addTotals(into: SeqTotals, more: SeqTotals): SeqTotals {
  into.received += more.received;
  into.lost += more.lost;
  into.dup += more.dup;
  into.reordered += more.reordered;
  return into;
}

/** One receiver of one publisher's stream (seq counts up from 0). */
export class SeqTracker {
  private seen = new Uint8Array(1024);
  private highest = -1;
  private received = 0;
  private dup = 0;
  private reordered = 0;

  /** Records the arrival of `seq`. */
  record(seq: number): void {
    if (!Number.isInteger(seq) || seq < 0) {
      this.reordered++; // a garbled seq is as wrong as an out-of-order one
      return;
    }
    if (seq >= this.seen.length) {
      const grown = new Uint8Array(Math.max(seq + 1, this.seen.length * 2));
      grown.set(this.seen);
      this.seen = grown;
    }
    this.received++;
    if (this.seen[seq] === 1) {
      this.dup++;
      return;
    }
    this.seen[seq] = 1;
    if (seq < this.highest) this.reordered++;
    else this.highest = seq;
  }

  /** Totals, with every seq in `0 … sent-1` not seen counted as lost. */
  totals(sent: number): SeqTotals {
    let lost = 0;
    for (let seq = 0; seq < sent; seq++) if (seq >= this.seen.length || this.seen[seq] !== 1) lost++;
    return { received: this.received, lost, dup: this.dup, reordered: this.reordered };
  }
}
