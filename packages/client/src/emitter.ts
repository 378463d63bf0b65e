/**
 * A minimal typed event emitter for browsers and Node (no `node:events`, to
 * keep the bundle small). Listeners run synchronously in registration order;
 * a listener added or removed during an emit does not affect that emit.
 */

// biome-ignore lint/suspicious/noExplicitAny: listener signatures are arbitrary by design
export type AnyListener = (...args: any[]) => void;

/** A map from event name to listener signature. */
export type ListenerMap = { [event: string]: AnyListener };

interface Entry {
  readonly fn: AnyListener;
  readonly once: boolean;
}

/**
 * @example
 * ```ts
 * const events = new Emitter<{ tick: (n: number) => void }>();
 * events.on("tick", (n) => console.log(n));
 * events.emit("tick", 1);
 * ```
 */
export class Emitter<Events extends { [K in keyof Events]: AnyListener }> {
  readonly #listeners = new Map<string, Entry[]>();

  /** Add a listener. */
  on<E extends keyof Events & string>(event: E, listener: Events[E]): void {
    this.#add(event, { fn: listener, once: false });
  }

  /** Add a listener that runs at most once. */
  once<E extends keyof Events & string>(event: E, listener: Events[E]): void {
    this.#add(event, { fn: listener, once: true });
  }

  /** Remove one listener, every listener of an event, or every listener. */
  off<E extends keyof Events & string>(event?: E, listener?: Events[E]): void {
    if (event === undefined) {
      this.#listeners.clear();
      return;
    }
    if (listener === undefined) {
      this.#listeners.delete(event);
      return;
    }
    this.#remove(event, (entry) => entry.fn === listener);
  }

  /** Call every listener of `event`. Returns whether there was one. */
  emit<E extends keyof Events & string>(event: E, ...args: Parameters<Events[E]>): boolean {
    const list = this.#listeners.get(event);
    if (list === undefined) return false;
    for (const entry of list) {
      if (entry.once) this.#remove(event, (candidate) => candidate === entry);
      entry.fn(...args);
    }
    return true;
  }

  /** The listeners of `event`, in call order. */
  listeners<E extends keyof Events & string>(event: E): Events[E][] {
    return (this.#listeners.get(event) ?? []).map((entry) => entry.fn as Events[E]);
  }

  /** Whether `event` has listeners. */
  has(event: string): boolean {
    return this.#listeners.has(event);
  }

  #remove(event: string, match: (entry: Entry) => boolean): void {
    const list = this.#listeners.get(event);
    if (list === undefined) return;
    const index = list.findIndex(match);
    if (index < 0) return;
    // Copy on write: an emit in progress keeps iterating its own snapshot.
    const next = list.slice();
    next.splice(index, 1);
    if (next.length === 0) this.#listeners.delete(event);
    else this.#listeners.set(event, next);
  }

  #add(event: string, entry: Entry): void {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), entry]);
  }
}
