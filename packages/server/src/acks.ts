import type { Clock, TimerHandle } from "./clock.js";
import { AckLimitError, AckTimeoutError, socketDisconnectedError } from "./errors.js";
import { type ErrorSink, reportRejection } from "./rejection.js";

/**
 * Pending acknowledgements of server→client emits. A socket keeps a map from
 * ack id to one of these entries, allocated only when an emit asks for an ack.
 */
export interface AckEntry {
  /** The client's ACK arrived with these arguments. */
  reply(args: unknown[]): void;
  /** The socket disconnected first. */
  gone(): void;
}

/**
 * Where a timed entry removes itself from when it expires, and where a callback
 * that threw from a timer or returned a rejected promise is reported.
 */
export interface AckOwner extends ErrorSink {
  deleteAck(id: number): void;
}

// biome-ignore lint/suspicious/noExplicitAny: ack callbacks take whatever the client replies
type AnyCallback = (...args: any[]) => void;

/**
 * A plain ack callback (no timeout): called with the reply; never called if the
 * socket goes away (as Socket.IO). An async callback's rejection goes to `sink`.
 */
export class CallbackAck implements AckEntry {
  constructor(
    private readonly callback: AnyCallback,
    private readonly sink: ErrorSink,
  ) {}

  reply(args: unknown[]): void {
    reportRejection(this.callback(...args), this.sink);
  }

  gone(): void {}
}

/**
 * An ack under `timeout(ms)`: the callback gets `err` first, `null` on success,
 * `AckTimeoutError` on expiry, `SOCKET_DISCONNECTED` if the socket goes first.
 */
export class TimedCallbackAck implements AckEntry {
  private readonly timer: TimerHandle;

  constructor(
    private readonly callback: AnyCallback,
    private readonly owner: AckOwner,
    private readonly id: number,
    timeout: number,
    private readonly clock: Clock,
  ) {
    this.timer = clock.setTimeout(() => {
      this.owner.deleteAck(this.id);
      try {
        reportRejection(this.callback(new AckTimeoutError()), this.owner);
      } catch (error) {
        this.owner.reportError(error); // a timer has no caller to throw to
      }
    }, timeout);
  }

  reply(args: unknown[]): void {
    this.clock.clearTimeout(this.timer);
    reportRejection(this.callback(null, ...args), this.owner);
  }

  gone(): void {
    this.clock.clearTimeout(this.timer);
    reportRejection(this.callback(socketDisconnectedError()), this.owner);
  }
}

/** The entry behind `emitWithAck`: resolves with the first reply argument. */
export class PromiseAck implements AckEntry {
  private timer: TimerHandle | undefined;

  constructor(
    private readonly resolve: (value: unknown) => void,
    private readonly reject: (error: Error) => void,
    private readonly clock: Clock,
  ) {}

  /** Arm the timeout (when `timeout(ms)` was used). */
  arm(owner: AckOwner, id: number, timeout: number): void {
    this.timer = this.clock.setTimeout(() => {
      owner.deleteAck(id);
      this.reject(new AckTimeoutError());
    }, timeout);
  }

  reply(args: unknown[]): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.resolve(args[0]);
  }

  gone(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.reject(socketDisconnectedError());
  }
}

/** One entry shared by every local recipient of a broadcast with ack. */
export class BroadcastAckEntry implements AckEntry {
  constructor(
    private readonly onAck: (response: unknown) => void,
    private readonly onGone: () => void,
  ) {}

  reply(args: unknown[]): void {
    this.onAck(args[0]);
  }

  gone(): void {
    this.onGone();
  }
}

/** Something that counts the acks it awaits (`Socket`). */
export interface AckCounter {
  /** @internal Acks registered and not yet answered, timed out or dropped. */
  readonly pendingAcks: number;
}

/** True when `socket` may register one more ack under `limit` (`maxPendingAcks`; `Infinity`: always). */
export function admitsAck(socket: AckCounter, limit: number): boolean {
  return limit === Number.POSITIVE_INFINITY || socket.pendingAcks < limit;
}

/**
 * Fail an ack callback at once with `AckLimitError`: on a microtask, so the
 * callback never runs inside `emit()` (a callback that emits again cannot
 * recurse), with a throw or a rejection reported to `sink`.
 */
export function refuseAck(callback: AnyCallback, limit: number, sink: ErrorSink): void {
  queueMicrotask(() => {
    try {
      reportRejection(callback(new AckLimitError(limit)), sink);
    } catch (error) {
      sink.reportError(error); // a microtask has no caller to throw to
    }
  });
}
