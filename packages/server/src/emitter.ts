import { isThenable } from "./rejection.js";

/**
 * A minimal event emitter for sockets and namespaces. Node's `EventEmitter`
 * costs a listener object and several fields per instance even when nothing
 * listens; here the listener table is allocated on the first `on()`, which
 * keeps idle sockets small (the server aims at ≤ 3 KiB per idle connection).
 *
 * The table is a flat `[event, entry, event, entry, …]` array sized exactly
 * while an emitter has few events (a typical socket listens to a handful: a
 * 3-event table is about half the size of a `Map`), and becomes a `Map` past
 * {@link SMALL_TABLE_EVENTS} events, where a scan would get slow.
 *
 * Untyped on purpose: `Socket`, `Namespace` and `Server` re-declare `on`/`off`
 * with their typed signatures and call these.
 */

// biome-ignore lint/suspicious/noExplicitAny: listeners take whatever their event carries
export type Listener = (...args: any[]) => unknown;

/** A `once()` wrapper remembers the original so `off(original)` finds it. */
interface OnceWrapper extends Listener {
  listener: Listener;
}

/** The listeners of one event: one function, or an array once an event has several. */
type Entry = Listener | Listener[];

/** Small table: event names at even indexes, their entries right after. */
type SmallTable = (string | Entry)[];

/** Events kept in a flat array before switching to a `Map`. */
const SMALL_TABLE_EVENTS = 8;

/** Base class with lazily allocated listeners. */
export class Emitter {
  private _listeners: SmallTable | Map<string, Entry> | undefined = undefined;

  /** Register `listener` for `event`. */
  on(event: string, listener: Listener): this {
    const entry = this.entryOf(event);
    if (entry === undefined) this.setEntry(event, listener);
    else if (typeof entry === "function") this.setEntry(event, [entry, listener]);
    else entry.push(listener);
    return this;
  }

  /** Register `listener` for the next `event` only. */
  once(event: string, listener: Listener): this {
    const wrapper = ((...args: unknown[]) => {
      this.off(event, wrapper);
      return listener.apply(this, args);
    }) as OnceWrapper;
    wrapper.listener = listener;
    return this.on(event, wrapper);
  }

  /** Remove one listener (or all listeners of `event`, or all listeners when called without arguments). */
  off(event?: string, listener?: Listener): this {
    if (event === undefined) {
      this._listeners = undefined;
      return this;
    }
    const entry = this.entryOf(event);
    if (entry === undefined) return this;
    if (listener === undefined) {
      this.deleteEntry(event);
    } else if (typeof entry === "function") {
      if (matches(entry, listener)) this.deleteEntry(event);
    } else {
      const index = entry.findIndex((l) => matches(l, listener));
      if (index !== -1) entry.splice(index, 1);
      if (entry.length === 1) this.setEntry(event, entry[0]!);
      else if (entry.length === 0) this.deleteEntry(event);
    }
    return this;
  }

  /** Alias of `off()` for Node-style code. */
  removeListener(event: string, listener: Listener): this {
    return this.off(event, listener);
  }

  /** Remove every listener of `event`, or every listener. */
  removeAllListeners(event?: string): this {
    return this.off(event);
  }

  /** The listeners of `event`, in registration order (a copy). */
  listeners(event: string): Listener[] {
    const entry = this.entryOf(event);
    if (entry === undefined) return [];
    const list = typeof entry === "function" ? [entry] : entry.slice();
    return list.map((l) => (l as Partial<OnceWrapper>).listener ?? l);
  }

  /** Whether anything listens to `event`. */
  hasListeners(event: string): boolean {
    return this.entryOf(event) !== undefined;
  }

  /**
   * Call the listeners of `event` with `args`. Returns whether any listener ran.
   * A listener that returns a rejected promise is reported to
   * `listenerFailed` instead of becoming an unhandled rejection.
   */
  protected dispatch(event: string, args: readonly unknown[]): boolean {
    const entry = this.entryOf(event);
    if (entry === undefined) return false;
    if (typeof entry === "function") {
      this.settle(entry.apply(this, args as unknown[]));
      return true;
    }
    // Copy: a listener may remove itself (once) or others while we iterate.
    for (const listener of entry.slice()) this.settle(listener.apply(this, args as unknown[]));
    return true;
  }

  /** Called with the reason of a rejected promise returned by a listener. */
  protected listenerFailed(_error: unknown): void {}

  /** Route the rejection of a promise a listener returned to `listenerFailed` (nothing to do for other results). */
  protected settle(result: unknown): void {
    if (isThenable(result)) result.then(undefined, (error: unknown) => this.listenerFailed(error));
  }

  private entryOf(event: string): Entry | undefined {
    const table = this._listeners;
    if (table === undefined) return undefined;
    if (!Array.isArray(table)) return table.get(event);
    for (let i = 0; i < table.length; i += 2) if (table[i] === event) return table[i + 1] as Entry;
    return undefined;
  }

  private setEntry(event: string, entry: Entry): void {
    const table = this._listeners;
    if (table === undefined) {
      this._listeners = [event, entry];
      return;
    }
    if (!Array.isArray(table)) {
      table.set(event, entry);
      return;
    }
    for (let i = 0; i < table.length; i += 2) {
      if (table[i] === event) {
        table[i + 1] = entry;
        return;
      }
    }
    if (table.length < 2 * SMALL_TABLE_EVENTS) {
      // A copy of exactly the new length: `push` would over-allocate room for growth.
      const grown: SmallTable = new Array(table.length + 2);
      for (let i = 0; i < table.length; i++) grown[i] = table[i]!;
      grown[table.length] = event;
      grown[table.length + 1] = entry;
      this._listeners = grown;
      return;
    }
    const map = new Map<string, Entry>();
    for (let i = 0; i < table.length; i += 2) map.set(table[i] as string, table[i + 1] as Entry);
    map.set(event, entry);
    this._listeners = map;
  }

  private deleteEntry(event: string): void {
    const table = this._listeners;
    if (table === undefined) return;
    if (!Array.isArray(table)) {
      table.delete(event);
      if (table.size === 0) this._listeners = undefined;
      return;
    }
    for (let i = 0; i < table.length; i += 2) {
      if (table[i] !== event) continue;
      if (table.length === 2) this._listeners = undefined;
      else table.splice(i, 2);
      return;
    }
  }
}

function matches(candidate: Listener, listener: Listener): boolean {
  return candidate === listener || (candidate as Partial<OnceWrapper>).listener === listener;
}
