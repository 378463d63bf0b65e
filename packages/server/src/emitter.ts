/**
 * A minimal event emitter for sockets and namespaces. Node's `EventEmitter`
 * costs a listener object and several fields per instance even when nothing
 * listens; here the listener table is allocated on the first `on()`, which
 * keeps idle sockets small (the server aims at ≤ 3 KiB per idle connection).
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

/** The listener table: one function, or an array once an event has several. */
type Entry = Listener | Listener[];

/** Base class with lazily allocated listeners. */
export class Emitter {
  private _listeners: Map<string, Entry> | undefined = undefined;

  /** Register `listener` for `event`. */
  on(event: string, listener: Listener): this {
    if (this._listeners === undefined) this._listeners = new Map();
    const table = this._listeners;
    const entry = table.get(event);
    if (entry === undefined) table.set(event, listener);
    else if (typeof entry === "function") table.set(event, [entry, listener]);
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
    const table = this._listeners;
    if (table === undefined) return this;
    if (event === undefined) {
      this._listeners = undefined;
      return this;
    }
    const entry = table.get(event);
    if (entry === undefined) return this;
    if (listener === undefined) {
      table.delete(event);
    } else if (typeof entry === "function") {
      if (matches(entry, listener)) table.delete(event);
    } else {
      const index = entry.findIndex((l) => matches(l, listener));
      if (index !== -1) entry.splice(index, 1);
      if (entry.length === 1) table.set(event, entry[0]!);
      else if (entry.length === 0) table.delete(event);
    }
    if (table.size === 0) this._listeners = undefined;
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
    const entry = this._listeners?.get(event);
    if (entry === undefined) return [];
    const list = typeof entry === "function" ? [entry] : entry.slice();
    return list.map((l) => (l as Partial<OnceWrapper>).listener ?? l);
  }

  /** Whether anything listens to `event`. */
  hasListeners(event: string): boolean {
    return this._listeners?.has(event) === true;
  }

  /**
   * Call the listeners of `event` with `args`. Returns whether any listener ran.
   * A listener that returns a rejected promise is reported to
   * `listenerFailed` instead of becoming an unhandled rejection.
   */
  protected dispatch(event: string, args: readonly unknown[]): boolean {
    const entry = this._listeners?.get(event);
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

  private settle(result: unknown): void {
    if (result === undefined || result === null || typeof (result as PromiseLike<unknown>).then !== "function") return;
    (result as PromiseLike<unknown>).then(undefined, (error: unknown) => this.listenerFailed(error));
  }
}

function matches(candidate: Listener, listener: Listener): boolean {
  return candidate === listener || (candidate as Partial<OnceWrapper>).listener === listener;
}
