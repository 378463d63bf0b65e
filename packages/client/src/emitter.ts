/**
 * The one event emitter of the client (no `node:events`, to keep the bundle
 * small): the manager and the sockets extend it. Listeners run synchronously
 * in registration order; a listener added or removed during an emit does not
 * affect that emit (lists are copied on write).
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
 * class Ticker extends Emitter<{ tick: (n: number) => void }> {}
 * const ticker = new Ticker().on("tick", (n) => console.log(n));
 * ticker.emitReserved("tick", 1);
 * ```
 */
export class Emitter<Events extends { [K in keyof Events]: AnyListener }> {
  readonly #listeners = new Map<string, Entry[]>();

  /** Add a listener. */
  on<E extends keyof Events & string>(event: E, listener: Events[E]): this {
    return this.#add(event, { fn: listener, once: false });
  }

  /** Add a listener that runs at most once. */
  once<E extends keyof Events & string>(event: E, listener: Events[E]): this {
    return this.#add(event, { fn: listener, once: true });
  }

  /** Remove one listener, every listener of an event, or every listener. */
  off<E extends keyof Events & string>(event?: E, listener?: Events[E]): this {
    if (event === undefined) this.#listeners.clear();
    else if (listener === undefined) this.#listeners.delete(event);
    else this.#remove(event, (entry) => entry.fn === listener);
    return this;
  }

  /** The listeners of `event`, in call order. */
  listeners<E extends keyof Events & string>(event: E): Events[E][] {
    return (this.#listeners.get(event) ?? []).map((entry) => entry.fn as Events[E]);
  }

  /** Whether `event` has listeners. */
  hasListeners(event: keyof Events & string): boolean {
    return this.#listeners.has(event);
  }

  /** @internal Call every listener of `event` (the application cannot emit these; the client does). */
  emitReserved<E extends keyof Events & string>(event: E, ...args: Parameters<Events[E]>): void {
    for (const entry of this.#listeners.get(event) ?? []) {
      if (entry.once) this.#remove(event, (candidate) => candidate === entry);
      entry.fn(...args);
    }
  }

  /** Remove the first entry that matches. */
  #remove(event: string, match: (entry: Entry) => boolean): void {
    const list = this.#listeners.get(event) ?? [];
    const index = list.findIndex(match);
    // Copy on write: an emit in progress keeps iterating its own snapshot.
    this.#set(event, list.filter((_, i) => i !== index));
  }

  #add(event: string, entry: Entry): this {
    this.#set(event, [...(this.#listeners.get(event) ?? []), entry]);
    return this;
  }

  /** Store a list; an event without listeners has no entry, so `hasListeners` is a lookup. */
  #set(event: string, list: Entry[]): void {
    if (list.length > 0) this.#listeners.set(event, list);
    else this.#listeners.delete(event);
  }
}
