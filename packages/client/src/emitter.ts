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

/** A stored listener: the application's function, or for `once` a wrapper that keeps it in `fn`. */
type Stored = AnyListener & { fn?: AnyListener };

/**
 * @example
 * ```ts
 * class Ticker extends Emitter<{ tick: (n: number) => void }> {}
 * const ticker = new Ticker().on("tick", (n) => console.log(n));
 * ticker.emitReserved("tick", 1);
 * ```
 */
export class Emitter<Events extends { [K in keyof Events]: AnyListener }> {
  // Keys are event names, plus the symbols subclasses use for internal channels (catch-all listeners, state).
  readonly #listeners = new Map<string | symbol, Stored[]>();

  /** Add a listener. */
  on<E extends keyof Events & string>(event: E, listener: Events[E]): this {
    return this.#add(event, listener);
  }

  /** Add a listener that runs before the ones already added (Node's `prependListener`). */
  prependListener<E extends keyof Events & string>(event: E, listener: Events[E]): this {
    return this.#add(event, listener, true);
  }

  /** Add a listener that runs at most once. */
  once<E extends keyof Events & string>(event: E, listener: Events[E]): this {
    const wrapper: Stored = (...args) => {
      this.off(event, wrapper as Events[E]);
      listener(...args);
    };
    wrapper.fn = listener;
    return this.#add(event, wrapper);
  }

  /** Remove one listener, every listener of an event, or every event listener (internal channels stay). */
  off<E extends keyof Events & string>(event?: E, listener?: Events[E]): this {
    const list = this.#listeners.get(event!) ?? [];
    const index = list.findIndex((stored) => stored === listener || stored.fn === listener);
    if (event !== undefined) this.#set(event, listener ? list.filter((_, i) => i !== index) : []);
    // Copy on write above: an emit in progress keeps iterating its own snapshot.
    else for (const key of this.#listeners.keys()) if (typeof key === "string") this.#listeners.delete(key);
    return this;
  }

  /** The listeners of `event`, in call order. */
  listeners<E extends keyof Events & string>(event: E): Events[E][] {
    return (this.#listeners.get(event) ?? []).map((stored) => (stored.fn ?? stored) as Events[E]);
  }

  /** Whether `event` has listeners. */
  hasListeners(event: keyof Events & string): boolean {
    return this.#listeners.has(event);
  }

  /** @internal Call every listener of `event` (the application cannot emit these; the client does). */
  emitReserved<E extends keyof Events & string>(event: E, ...args: Parameters<Events[E]>): void {
    for (const listener of this.#listeners.get(event) ?? []) listener(...args);
  }

  #add(event: string | symbol, listener: Stored, prepend?: boolean): this {
    const list = this.#listeners.get(event) ?? [];
    this.#set(event, prepend ? [listener, ...list] : [...list, listener]);
    return this;
  }

  /** Store a list; an event without listeners has no entry, so `hasListeners` is a lookup. */
  #set(event: string | symbol, list: Stored[]): void {
    if (list.length > 0) this.#listeners.set(event, list);
    else this.#listeners.delete(event);
  }
}
