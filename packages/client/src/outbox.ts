import { MAX_ACK_ID, PACKET_EVENT, type Packet } from "@cometa/protocol";
import { prepareArgs } from "./binary.js";
import type { Clock, TimerHandle } from "./clock.js";
import type { EmitFlags } from "./emit-operator.js";
import { ClientError } from "./errors.js";
import { createMessageIds } from "./message-id.js";
import { reportError } from "./report-error.js";
import type { SocketOptions } from "./socket-types.js";

/** Default `offlineBufferSize`. */
export const DEFAULT_OFFLINE_BUFFER_SIZE = 1000;

// biome-ignore lint/suspicious/noExplicitAny: ack callbacks take whatever the server replies
export type AckCallback = (...args: any[]) => void;

/** What the outbox needs from its socket. */
export interface OutboxHost {
  readonly nsp: string;
  /** The namespace is joined: packets may leave now. */
  isConnected(): boolean;
  /** Send now (and tell outgoing listeners); false when the connection refused the packet. */
  transmit(packet: Packet, volatile?: boolean): boolean;
}

/** Everything that leaves a socket as an EVENT (see {@link createOutbox}). */
export interface Outbox {
  /** Emits waiting to be sent (or, with `retries`, to be acknowledged). */
  readonly size: number;
  /** Send, buffer or drop one emit. A trailing function in `args` is its ack. */
  emit(event: string, args: readonly unknown[], flags: EmitFlags, errorFirst: boolean): void;
  /** An ACK arrived for one of our emits. Unknown or expired ids are ignored ("bad ack"). */
  resolveAck(id: number, reply: readonly unknown[]): void;
  /** The namespace was joined: send what waited, in order, then resume the retry queue. */
  onConnected(): void;
  /** The namespace connection was lost. */
  onDisconnected(): void;
}

/** An ack waiting: its callback made error-first, and its timeout. */
type PendingAck = readonly [callback: (err: Error | null, ...reply: unknown[]) => void, timer: TimerHandle | undefined];

/** One emit made under the `retries` option. */
interface RetryEntry {
  /** `[event, ...args]`. */
  readonly data: unknown[];
  /** The application's error-first ack, if any. */
  readonly ack: AckCallback | undefined;
  /** Client message id: the same on every transmission, so the server can de-duplicate. */
  readonly mid: string;
  /** Per-attempt ack timeout (the emit's `timeout()` or the socket's `ackTimeout`). */
  readonly timeoutMs: number | undefined;
  /** Transmissions that ended in a timeout or are in flight. */
  tries: number;
  inFlight?: boolean;
}

/**
 * The emitting half of a socket:
 *
 * - **Acks** by id: ids count up from 0 per socket (like socket.io-client) and
 *   wrap below 2^31; timers come from the injected clock and nothing is sent
 *   on expiry. Error-first callbacks get `(null, ...reply)` on success and
 *   `(err)` on timeout or disconnect; plain callbacks get `(...reply)` and are
 *   never told about failures, as in socket.io-client.
 * - **Offline buffer**: a bounded FIFO of packets that could not leave. When
 *   full, the newest emit is refused (`OFFLINE_BUFFER_FULL`), so what is sent
 *   is always an in-order prefix of what was emitted. An ack that times out
 *   while its packet waits takes the packet with it: it is never sent late.
 * - **Retries** (socket.io-client semantics): one packet in flight; the next
 *   leaves when the head was acknowledged or gave up. A head that times out
 *   is sent again (new ack id, same `mid`) until it was sent `retries + 1`
 *   times, then its ack receives `RETRIES_EXHAUSTED`. Unlike socket.io-client,
 *   a transmission cut short by a disconnection does not count as a try.
 * - **Order with Blobs**: a `Blob` argument is read asynchronously; emits made
 *   meanwhile wait behind it, so every emit leaves in call order. Without
 *   Blobs, emits run synchronously.
 */
export function createOutbox(host: OutboxHost, options: SocketOptions, clock: Clock, random: () => number): Outbox {
  const limit = options.offlineBufferSize ?? DEFAULT_OFFLINE_BUFFER_SIZE;
  const retries = options.retries ?? 0;
  const acks = new Map<number, PendingAck>();
  const queue: RetryEntry[] = [];
  const nextMid = createMessageIds(random);
  let buffer: Packet[] = [];
  let nextId = 0;
  // Emits waiting for a Blob read (theirs or an earlier one), chained in call order.
  let waiting = 0;
  let chain: Promise<unknown> = Promise.resolve();

  /** Wait for an ack; returns its id. A plain (not error-first) callback is never told about failures. */
  const register = (ack: AckCallback, errorFirst: boolean, ms: number | undefined): number => {
    const id = nextId;
    nextId = id < MAX_ACK_ID ? id + 1 : 0;
    const expire = () => {
      buffer = buffer.filter((packet) => packet.id !== id);
      settle(id, new ClientError("ACK_TIMEOUT", "operation has timed out"));
    };
    acks.set(id, [errorFirst ? ack : (err, ...reply) => err || ack(...reply), ms === undefined ? undefined : clock.setTimeout(expire, ms)]);
    return id;
  };

  /** Call the ack of `id` (if still waiting) with `err` or the reply, once. */
  const settle = (id: number | undefined, err: Error | null, reply: readonly unknown[] = []): void => {
    const entry = acks.get(id!);
    if (!entry) return;
    acks.delete(id!);
    clock.clearTimeout(entry[1]);
    entry[0](err, ...reply);
  };

  const store = (packet: Packet): void => {
    if (buffer.length < limit) buffer.push(packet);
    else settle(packet.id, new ClientError("OFFLINE_BUFFER_FULL"));
  };

  const drainRetries = (): void => {
    const head = queue[0];
    if (head === undefined || head.inFlight || !host.isConnected()) return;
    head.inFlight = true;
    const attempt = ++head.tries;
    const id = register((err: Error | null, ...reply: unknown[]) => onRetryResult(head, attempt, err, reply), true, head.timeoutMs);
    // If the engine refuses it, the connection is going down: onDisconnected() and reconnection resend it.
    host.transmit({ type: PACKET_EVENT, nsp: host.nsp, id, data: head.data, mid: head.mid });
  };

  const onRetryResult = (entry: RetryEntry, attempt: number, err: Error | null, reply: unknown[]): void => {
    // A result for a voided or superseded transmission.
    if (queue[0] !== entry || !entry.inFlight || entry.tries !== attempt) return;
    entry.inFlight = false;
    const settled = !err || entry.tries > retries;
    if (settled) queue.shift();
    // Send the next one before running application code, so a throwing ack cannot stall the queue.
    drainRetries();
    if (!err) entry.ack?.(null, ...reply);
    else if (settled) entry.ack?.(new ClientError("RETRIES_EXHAUSTED", undefined, err));
  };

  /** The emit, once its arguments are ready. */
  const send = (data: unknown[], ack: AckCallback | undefined, flags: EmitFlags, errorFirst: boolean): void => {
    const timeout = flags.timeout ?? options.ackTimeout;
    if (retries > 0 && !flags.volatile) {
      if (queue.length < limit) queue.push({ data, ack, mid: nextMid(), timeoutMs: timeout, tries: 0 });
      else ack?.(new ClientError("OFFLINE_BUFFER_FULL"));
      drainRetries();
      return;
    }
    const packet: Packet = { type: PACKET_EVENT, nsp: host.nsp, data };
    // As in socket.io-client, any ack with a timeout is error-first.
    if (ack !== undefined) packet.id = register(ack, errorFirst || timeout !== undefined, timeout);
    // A dropped volatile emit keeps its ack timer, if any: it fails with ACK_TIMEOUT, as in socket.io-client.
    if (!(host.isConnected() && host.transmit(packet, flags.volatile)) && !flags.volatile) store(packet);
  };

  return {
    get size() {
      return buffer.length + queue.length;
    },

    emit(event, args, flags, errorFirst) {
      const list = args.slice();
      const ack = typeof list[list.length - 1] === "function" ? (list.pop() as AckCallback) : undefined;
      const ready = (args: unknown[]) => send([event, ...args], ack, flags, errorFirst);
      const prepared = prepareArgs(list);
      if (waiting === 0 && !(prepared instanceof Promise)) return ready(prepared);
      waiting++;
      chain = chain
        .then(() => prepared)
        .then(ready)
        .catch(reportError)
        .finally(() => waiting--);
    },

    resolveAck(id, reply) {
      settle(id, null, reply);
    },

    onConnected() {
      const packets = buffer;
      buffer = [];
      for (const packet of packets) if (!host.transmit(packet)) store(packet);
      drainRetries();
    },

    onDisconnected() {
      // The in-flight retry will be sent again after reconnection, under the same mid.
      const head = queue[0];
      if (head?.inFlight) {
        head.inFlight = false;
        head.tries--;
      }
      // Acks of packets already sent can never arrive now; those still buffered keep waiting.
      for (const id of [...acks.keys()]) {
        if (!buffer.some((packet) => packet.id === id)) settle(id, new ClientError("DISCONNECTED", "socket has been disconnected"));
      }
    },
  };
}
