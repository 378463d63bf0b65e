import type { DefaultEventsMap, EventsMap } from "@cometa/protocol";
import { Emitter, type ListenerMap } from "./emitter.js";
import type { AnyEventListener, ListenerOf, ListenEventNames } from "./socket-types.js";

/** Typed listener methods, merged into {@link SocketListeners} (its base `Emitter` implements them). */
export interface SocketListeners<Listen extends EventsMap = DefaultEventsMap> {
  /** Listen to an event from the server, or to `connect`, `connect_error`, `disconnect`. */
  on<Ev extends ListenEventNames<Listen>>(event: Ev, listener: ListenerOf<Listen, Ev>): this;
  /** Listen once. */
  once<Ev extends ListenEventNames<Listen>>(event: Ev, listener: ListenerOf<Listen, Ev>): this;
  /** Remove a listener, every listener of an event, or every listener. */
  off<Ev extends ListenEventNames<Listen>>(event?: Ev, listener?: ListenerOf<Listen, Ev>): this;
  /** The listeners of an event. */
  listeners<Ev extends ListenEventNames<Listen>>(event: Ev): ListenerOf<Listen, Ev>[];
  /** Whether an event has listeners. */
  hasListeners(event: ListenEventNames<Listen>): boolean;
}

/**
 * The listener half of a {@link Socket}: typed `on`/`once`/`off` (from
 * {@link Emitter}), the catch-all `onAny` family for incoming and outgoing
 * events, and the dispatch helpers the socket calls. Kept apart from the
 * socket's state machine so each reads in one sitting.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging lint/correctness/noUnusedVariables: the interface above (which uses `Listen`) only types members Emitter implements
export class SocketListeners<Listen extends EventsMap = DefaultEventsMap> extends Emitter<ListenerMap> {
  // Copy-on-write arrays: a listener removed while an event is dispatched does not disturb that dispatch.
  #anyIncoming: AnyEventListener[] = [];
  #anyOutgoing: AnyEventListener[] = [];

  /** Listen to every incoming event: `(event, ...args)`, before the event's own listeners. */
  onAny(listener: AnyEventListener): this {
    this.#anyIncoming = [...this.#anyIncoming, listener];
    return this;
  }

  /** Like {@link SocketListeners.onAny}, called before the others. */
  prependAny(listener: AnyEventListener): this {
    this.#anyIncoming = [listener, ...this.#anyIncoming];
    return this;
  }

  /** Remove a catch-all listener, or all of them. */
  offAny(listener?: AnyEventListener): this {
    this.#anyIncoming = without(this.#anyIncoming, listener);
    return this;
  }

  /** The catch-all listeners. */
  listenersAny(): AnyEventListener[] {
    return [...this.#anyIncoming];
  }

  /** Listen to every outgoing event as it is sent: `(event, ...args)` (acks excluded). */
  onAnyOutgoing(listener: AnyEventListener): this {
    this.#anyOutgoing = [...this.#anyOutgoing, listener];
    return this;
  }

  /** Like {@link SocketListeners.onAnyOutgoing}, called before the others. */
  prependAnyOutgoing(listener: AnyEventListener): this {
    this.#anyOutgoing = [listener, ...this.#anyOutgoing];
    return this;
  }

  /** Remove an outgoing catch-all listener, or all of them. */
  offAnyOutgoing(listener?: AnyEventListener): this {
    this.#anyOutgoing = without(this.#anyOutgoing, listener);
    return this;
  }

  /** The outgoing catch-all listeners. */
  listenersAnyOutgoing(): AnyEventListener[] {
    return [...this.#anyOutgoing];
  }

  /** Dispatch an incoming event `[name, ...args]`: catch-all listeners first, as socket.io-client does. */
  protected dispatchEvent(args: readonly unknown[]): void {
    const [name, ...rest] = args;
    for (const listener of this.#anyIncoming) listener(...(args as [string]));
    this.emitReserved(String(name), ...rest);
  }

  /** Tell outgoing catch-all listeners about a sent event `[name, ...args]`. */
  protected notifyOutgoing(args: readonly unknown[]): void {
    for (const listener of this.#anyOutgoing) listener(...(args as [string]));
  }
}

/** `list` without the first occurrence of `item` (without anything when `item` is undefined). */
function without<T>(list: readonly T[], item: T | undefined): T[] {
  return item ? list.filter((_, i) => i !== list.indexOf(item)) : [];
}
