import { MAX_ACK_ID } from "@cometa/protocol";
import type { Clock, TimerHandle } from "./clock.js";
import { ClientError } from "./errors.js";

// biome-ignore lint/suspicious/noExplicitAny: ack callbacks take whatever the server replies
export type AckCallback = (...args: any[]) => void;

interface PendingAck {
  readonly callback: AckCallback;
  /** Error-first callback (timeout(), emitWithAck, retries): it is told about failures. */
  readonly withError: boolean;
  readonly timer: TimerHandle | undefined;
}

/**
 * The acks a socket is waiting for, by ack id. Ids count up from 0 per
 * socket (like socket.io-client) and wrap below 2^31. Timers come from the
 * injected clock; nothing is sent on expiry (timeouts are local).
 *
 * Error-first callbacks get `(null, ...reply)` on success and `(err)` on
 * timeout or disconnect; plain callbacks get `(...reply)` and are never told
 * about failures, as in socket.io-client.
 */
export class AckRegistry {
  #nextId = 0;
  readonly #pending = new Map<number, PendingAck>();
  readonly #clock: Clock;
  readonly #onExpire: (id: number) => void;

  /** `onExpire(id)` runs before the callback, so the socket can drop a still-buffered packet. */
  constructor(clock: Clock, onExpire: (id: number) => void) {
    this.#clock = clock;
    this.#onExpire = onExpire;
  }

  /** Acks still waiting. */
  get size(): number {
    return this.#pending.size;
  }

  /** Wait for an ack; returns its id. `timeoutMs` undefined waits forever. */
  register(callback: AckCallback, withError: boolean, timeoutMs: number | undefined): number {
    const id = this.#nextId;
    this.#nextId = id >= MAX_ACK_ID ? 0 : id + 1;
    const timer =
      timeoutMs === undefined ? undefined : this.#clock.setTimeout(() => this.#expire(id), Math.max(0, timeoutMs));
    this.#pending.set(id, { callback, withError, timer });
    return id;
  }

  /** An ACK arrived. Unknown or expired ids are ignored ("bad ack"). */
  resolve(id: number, reply: readonly unknown[]): void {
    const entry = this.#take(id);
    if (entry === undefined) return;
    if (entry.withError) entry.callback(null, ...reply);
    else entry.callback(...reply);
  }

  /** Fail one ack now (error-first callbacks only are called). */
  reject(id: number, error: ClientError): void {
    const entry = this.#take(id);
    if (entry?.withError) entry.callback(error);
  }

  /**
   * The connection dropped: fail every ack whose packet was already sent
   * (`isBuffered(id)` false). Acks of packets still in the offline buffer keep
   * waiting, since those packets will be sent after reconnection.
   */
  rejectSent(isBuffered: (id: number) => boolean, error: ClientError): void {
    for (const id of [...this.#pending.keys()]) {
      if (!isBuffered(id)) this.reject(id, error);
    }
  }

  #expire(id: number): void {
    const entry = this.#pending.get(id);
    if (entry === undefined) return;
    this.#pending.delete(id);
    this.#onExpire(id);
    if (entry.withError) entry.callback(new ClientError("ACK_TIMEOUT", "operation has timed out"));
  }

  #take(id: number): PendingAck | undefined {
    const entry = this.#pending.get(id);
    if (entry === undefined) return undefined;
    this.#pending.delete(id);
    if (entry.timer !== undefined) this.#clock.clearTimeout(entry.timer);
    return entry;
  }
}
