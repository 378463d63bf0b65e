import type { AckCallback } from "./ack-registry.js";
import { ClientError } from "./errors.js";

/** One emit made under the `retries` option. */
export interface RetryEntry {
  readonly event: string;
  readonly args: readonly unknown[];
  /** The application's error-first ack, if any. */
  readonly ack: AckCallback | undefined;
  /** Client message id: the same on every transmission, so the server can de-duplicate. */
  readonly mid: string;
  /** Per-attempt ack timeout (the emit's `timeout()` or the socket's `ackTimeout`). */
  readonly timeoutMs: number | undefined;
  /** Transmissions that ended in a timeout or are in flight. */
  tries: number;
  inFlight: boolean;
}

/**
 * The ordered queue behind the `retries` option (socket.io-client semantics):
 * one packet in flight at a time; the next one leaves only when the head was
 * acknowledged or gave up. A head that times out is sent again (with a new
 * ack id but the same `mid`) until it was sent `retries + 1` times; then its
 * ack receives `RETRIES_EXHAUSTED`.
 *
 * Unlike socket.io-client, a transmission cut short by a disconnection does
 * not count as a try: the head is simply sent again after reconnection.
 */
export class RetryQueue {
  readonly #entries: RetryEntry[] = [];
  readonly #retries: number;
  readonly #limit: number;
  readonly #canSend: () => boolean;
  readonly #transmit: (entry: RetryEntry, onResult: AckCallback) => void;

  /**
   * @param transmit sends `entry` as a new EVENT whose error-first ack is `onResult`.
   */
  constructor(
    retries: number,
    limit: number,
    canSend: () => boolean,
    transmit: (entry: RetryEntry, onResult: AckCallback) => void,
  ) {
    this.#retries = retries;
    this.#limit = limit;
    this.#canSend = canSend;
    this.#transmit = transmit;
  }

  /** Entries waiting or in flight. */
  get size(): number {
    return this.#entries.length;
  }

  /** Queue an emit; false when the queue is full (the caller fails the ack). */
  push(entry: RetryEntry): boolean {
    if (this.#entries.length >= this.#limit) return false;
    this.#entries.push(entry);
    this.drain();
    return true;
  }

  /** Send the head if nothing is in flight and the socket can send. */
  drain(): void {
    const head = this.#entries[0];
    if (head === undefined || head.inFlight || !this.#canSend()) return;
    head.inFlight = true;
    head.tries++;
    const attempt = head.tries;
    this.#transmit(head, (err: Error | null, ...reply: unknown[]) => this.#onResult(head, attempt, err, reply));
  }

  /** The connection dropped: the head's transmission is void and will be redone. */
  pause(): void {
    const head = this.#entries[0];
    if (head === undefined || !head.inFlight) return;
    head.inFlight = false;
    head.tries--;
  }

  #onResult(entry: RetryEntry, attempt: number, err: Error | null, reply: unknown[]): void {
    // A result for a voided or superseded transmission.
    if (this.#entries[0] !== entry || !entry.inFlight || entry.tries !== attempt) return;
    entry.inFlight = false;
    let settle: (() => void) | undefined;
    if (err === null || err === undefined) {
      settle = () => entry.ack?.(null, ...reply);
    } else if (entry.tries > this.#retries) {
      const failure = new ClientError("RETRIES_EXHAUSTED", `no ack after ${entry.tries} transmissions`, { cause: err });
      settle = () => entry.ack?.(failure);
    }
    if (settle !== undefined) this.#entries.shift();
    // Send the next one before running application code, so a throwing ack cannot stall the queue.
    this.drain();
    settle?.();
  }
}
