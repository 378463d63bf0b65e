import type { Clock, TimerHandle } from "./clock.js";
import { AckTimeoutError, socketDisconnectedError } from "./errors.js";

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

/** Where a timed entry removes itself from when it expires, and reports a callback that threw there. */
export interface AckOwner {
  deleteAck(id: number): void;
  reportError(error: unknown): void;
}

// biome-ignore lint/suspicious/noExplicitAny: ack callbacks take whatever the client replies
type AnyCallback = (...args: any[]) => void;

/** A plain ack callback (no timeout): called with the reply; never called if the socket goes away (as Socket.IO). */
export class CallbackAck implements AckEntry {
  constructor(private readonly callback: AnyCallback) {}

  reply(args: unknown[]): void {
    this.callback(...args);
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
        this.callback(new AckTimeoutError());
      } catch (error) {
        this.owner.reportError(error); // a timer has no caller to throw to
      }
    }, timeout);
  }

  reply(args: unknown[]): void {
    this.clock.clearTimeout(this.timer);
    this.callback(null, ...args);
  }

  gone(): void {
    this.clock.clearTimeout(this.timer);
    this.callback(socketDisconnectedError());
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
