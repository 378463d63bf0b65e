import type { Clock, TimerHandle } from "./clock.js";

/** Something that expires when its deadline passes (a client that joined no namespace in time). */
export interface DeadlineTarget {
  onDeadline(): void;
}

/** One pending deadline: a node of the list. Keep it to `cancel` it. */
export class Deadline {
  /** @internal */
  prev: Deadline | null = null;
  /** @internal */
  next: Deadline | null = null;

  constructor(
    /** Clock time at which the target expires. */
    readonly at: number,
    readonly target: DeadlineTarget,
  ) {}
}

/**
 * The `connectTimeout` of every new connection of a server, with one clock
 * timer instead of one per connection.
 *
 * All deadlines have the same timeout, so insertion order is deadline order:
 * the list is a FIFO, `add` appends and `cancel` unlinks in O(1), and one
 * timer is armed for the head. Cancelling never touches the timer: when it
 * fires it expires what is due and re-arms for the new head (or stays idle if
 * the list is empty), so a busy server re-arms at most once per timeout
 * period rather than on every connection. A connection that joins a
 * namespace costs one small node, garbage as soon as it is cancelled; nothing
 * keeps a closed connection reachable.
 *
 * @example
 * ```ts
 * const deadlines = new ConnectDeadlines(systemClock, 45_000);
 * const deadline = deadlines.add({ onDeadline: () => conn.close("forced server close") });
 * // … the client sent CONNECT in time:
 * deadlines.cancel(deadline);
 * ```
 */
export class ConnectDeadlines {
  private head: Deadline | null = null;
  private tail: Deadline | null = null;
  private timer: TimerHandle | undefined = undefined;
  /** Bound once: the timer callback is shared by every arming. */
  private readonly fire = (): void => this.onTimer();

  constructor(
    private readonly clock: Clock,
    private readonly timeout: number,
  ) {}

  /** Whether no deadline is pending. */
  get isEmpty(): boolean {
    return this.head === null;
  }

  /** Start the timeout of `target`. */
  add(target: DeadlineTarget): Deadline {
    const deadline = new Deadline(this.clock.now() + this.timeout, target);
    const tail = this.tail;
    if (tail === null) {
      this.head = deadline;
    } else {
      tail.next = deadline;
      deadline.prev = tail;
    }
    this.tail = deadline;
    if (this.timer === undefined) this.arm(deadline.at);
    return deadline;
  }

  /** Stop a deadline (the target is done, or gone). Cancelling twice is harmless. */
  cancel(deadline: Deadline): void {
    this.unlink(deadline);
  }

  /** Drop every deadline without expiring it (server shutdown). */
  clear(): void {
    while (this.head !== null) this.unlink(this.head);
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private onTimer(): void {
    this.timer = undefined;
    const now = this.clock.now();
    try {
      let head = this.head;
      while (head !== null && head.at <= now) {
        this.unlink(head);
        head.target.onDeadline();
        head = this.head;
      }
    } finally {
      // Re-armed even if a target threw, so later deadlines still fire.
      if (this.head !== null && this.timer === undefined) this.arm(this.head.at);
    }
  }

  private arm(at: number): void {
    this.timer = this.clock.setTimeout(this.fire, Math.max(0, at - this.clock.now()));
  }

  /** Remove `deadline` from the list; false when it was not in it. */
  private unlink(deadline: Deadline): boolean {
    const { prev, next } = deadline;
    if (prev === null && this.head !== deadline) return false;
    if (prev === null) this.head = next;
    else prev.next = next;
    if (next === null) this.tail = prev;
    else next.prev = prev;
    deadline.prev = null;
    deadline.next = null;
    return true;
  }
}
