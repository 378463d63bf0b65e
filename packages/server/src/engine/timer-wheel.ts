import type { Clock, TimerHandle } from "./clock.js";

/**
 * Fields an entry of a `TimerWheel` carries itself (an intrusive list), so a
 * scheduled timer costs no allocation: no closure, no `setTimeout` object and
 * no Set entry per session.
 */
export interface WheelEntry {
  /**
   * Due tick (see `TimerWheel.dueTick`); meaningful only while linked. A tick
   * count, not clock ms, so it stays a small integer (a V8 Smi, stored in the
   * object itself) instead of a boxed double per entry.
   */
  wheelDue: number;
  wheelPrev: WheelEntry | null;
  wheelNext: WheelEntry | null;
}

const SLOTS = 512;

/**
 * A hashed timer wheel driven by one clock timeout: every session's heartbeat
 * deadline lives here, so 100 000 idle sessions cost one timer, not 100 000.
 * Precision is `resolution` ms (a deadline fires up to one tick late, never
 * early). The timer runs only while entries are scheduled.
 *
 * Time inside the wheel is counted in ticks since the wheel was made, so due
 * times stay small integers for as long as a server runs (at the default
 * 1 s resolution, 68 years before they leave the Smi range).
 *
 * @example
 * ```ts
 * const wheel = new TimerWheel<Session>(clock, 50, (s) => s.onTimer());
 * wheel.schedule(session, clock.now() + 25_000);
 * ```
 */
export class TimerWheel<T extends WheelEntry> {
  /** Sentinel heads: slot `i` holds entries whose due tick ≡ i (mod SLOTS). */
  private readonly slots: WheelEntry[] = [];
  private count = 0;
  /** Last tick whose slot was processed. */
  private tick: number;
  private handle: TimerHandle | null = null;
  private readonly onTickBound = () => this.onTick();
  /** Clock ms of tick 0. */
  private readonly origin: number;

  constructor(
    private readonly clock: Clock,
    readonly resolution: number,
    private readonly onExpire: (entry: T) => void,
  ) {
    for (let i = 0; i < SLOTS; i++) {
      const head: WheelEntry = { wheelDue: 0, wheelPrev: null, wheelNext: null };
      head.wheelPrev = head;
      head.wheelNext = head;
      this.slots.push(head);
    }
    this.origin = clock.now();
    this.tick = 0;
  }

  /** The first tick at or after clock time `ms`: an entry due then never fires before `ms`. */
  dueTick(ms: number): number {
    return Math.ceil((ms - this.origin) / this.resolution);
  }

  /** The tick clock time `ms` falls in: every deadline whose `dueTick` is at most this has passed. */
  tickAt(ms: number): number {
    return Math.floor((ms - this.origin) / this.resolution);
  }

  /** Number of scheduled entries. */
  get size(): number {
    return this.count;
  }

  /** (Re)schedule `entry` to expire at `due` (clock ms). */
  schedule(entry: T, due: number): void {
    this.scheduleTick(entry, this.dueTick(due));
  }

  /** (Re)schedule `entry` to expire at tick `dueTick` (from `dueTick()`). */
  scheduleTick(entry: T, dueTick: number): void {
    if (entry.wheelNext !== null) this.unlink(entry);
    // Never place an entry in a slot already passed this revolution: it would wait a full turn.
    const due = Math.max(dueTick, this.tick + 1);
    entry.wheelDue = due;
    const head = this.slots[due % SLOTS]!;
    const last = head.wheelPrev!;
    entry.wheelPrev = last;
    entry.wheelNext = head;
    last.wheelNext = entry;
    head.wheelPrev = entry;
    if (++this.count === 1) this.start();
  }

  /** Remove `entry` if scheduled. */
  cancel(entry: T): void {
    if (entry.wheelNext === null) return;
    this.unlink(entry);
    if (this.count === 0) this.stop();
  }

  /** Drop every entry and stop the timer. */
  clear(): void {
    for (const head of this.slots) {
      let e = head.wheelNext!;
      while (e !== head) {
        const next = e.wheelNext!;
        e.wheelPrev = null;
        e.wheelNext = null;
        e = next;
      }
      head.wheelPrev = head;
      head.wheelNext = head;
    }
    this.count = 0;
    this.stop();
  }

  private unlink(entry: WheelEntry): void {
    entry.wheelPrev!.wheelNext = entry.wheelNext;
    entry.wheelNext!.wheelPrev = entry.wheelPrev;
    entry.wheelPrev = null;
    entry.wheelNext = null;
    this.count--;
  }

  private start(): void {
    if (this.handle !== null) return;
    // Resynchronise after an idle period so catch-up does not walk stale slots.
    this.tick = Math.max(this.tick, this.tickAt(this.clock.now()));
    this.handle = this.clock.setTimeout(this.onTickBound, this.resolution);
  }

  private stop(): void {
    if (this.handle === null) return;
    this.clock.clearTimeout(this.handle);
    this.handle = null;
  }

  private onTick(): void {
    this.handle = null;
    const target = this.tickAt(this.clock.now());
    // Catch up on every slot passed (the event loop may have stalled), but at most one revolution.
    let from = this.tick + 1;
    if (target - from >= SLOTS) from = target - SLOTS + 1;
    for (let t = from; t <= target; t++) {
      this.tick = t;
      this.expireSlot(this.slots[t % SLOTS]!, target);
    }
    this.tick = Math.max(this.tick, target);
    if (this.count > 0 && this.handle === null) this.handle = this.clock.setTimeout(this.onTickBound, this.resolution);
  }

  private expireSlot(head: WheelEntry, target: number): void {
    let e = head.wheelNext!;
    while (e !== head) {
      const next = e.wheelNext!;
      if (e.wheelDue <= target) {
        this.unlink(e);
        // The callback may reschedule `e` (into another slot) or cancel others:
        // `next` stays valid unless it was unlinked, which the check below catches.
        this.onExpire(e as T);
        if (next.wheelNext === null && next !== head) {
          // `next` was cancelled inside the callback: restart from the head.
          e = head.wheelNext!;
          continue;
        }
      }
      e = next;
    }
  }
}
