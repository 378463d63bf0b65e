import type { EventsMap } from "@cometa/protocol";
import { Emitter, type ListenerMap } from "./emitter.js";
import type { AnyEventListener, ListenerOf, ListenEventNames, SocketReservedEvents } from "./socket-types.js";

/**
 * The listener half of a {@link Socket}: typed `on`/`once`/`off`, the
 * catch-all `onAny` family for incoming and outgoing events, and the
 * dispatch helpers the socket calls. Kept apart from the socket's state
 * machine so each reads in one sitting.
 */
export class SocketListeners<Listen extends EventsMap> {
  readonly #events = new Emitter<ListenerMap>();
  // Copy-on-write arrays: a listener removed while an event is dispatched does not disturb that dispatch.
  #anyIncoming: AnyEventListener[] = [];
  #anyOutgoing: AnyEventListener[] = [];

  /** Listen to an event from the server, or to `connect`, `connect_error`, `disconnect`. */
  on<Ev extends ListenEventNames<Listen>>(event: Ev, listener: ListenerOf<Listen, Ev>): this {
    this.#events.on(event, listener);
    return this;
  }

  /** Listen once. */
  once<Ev extends ListenEventNames<Listen>>(event: Ev, listener: ListenerOf<Listen, Ev>): this {
    this.#events.once(event, listener);
    return this;
  }

  /** Remove a listener, every listener of an event, or every listener. */
  off<Ev extends ListenEventNames<Listen>>(event?: Ev, listener?: ListenerOf<Listen, Ev>): this {
    this.#events.off(event, listener);
    return this;
  }

  /** The listeners of an event. */
  listeners<Ev extends ListenEventNames<Listen>>(event: Ev): ListenerOf<Listen, Ev>[] {
    return this.#events.listeners(event) as ListenerOf<Listen, Ev>[];
  }

  /** Whether an event has listeners. */
  hasListeners(event: ListenEventNames<Listen>): boolean {
    return this.#events.has(event);
  }

  /** Listen to every incoming event: `(event, ...args)`. */
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

  /** Emit a lifecycle event to the application. */
  protected emitReserved<Ev extends keyof SocketReservedEvents>(
    event: Ev,
    ...args: Parameters<SocketReservedEvents[Ev]>
  ): void {
    this.#events.emit(event, ...args);
  }

  /** Dispatch an incoming event `[name, ...args]`: catch-all listeners first, as socket.io-client does. */
  protected dispatchEvent(args: readonly unknown[]): void {
    for (const listener of this.#anyIncoming) listener(...(args as [string, ...unknown[]]));
    const [name, ...rest] = args;
    this.#events.emit(String(name), ...rest);
  }

  /** Tell outgoing catch-all listeners about a sent event `[name, ...args]`. */
  protected notifyOutgoing(args: readonly unknown[]): void {
    for (const listener of this.#anyOutgoing) listener(...(args as [string, ...unknown[]]));
  }
}

function without<T>(list: readonly T[], item: T | undefined): T[] {
  if (item === undefined) return [];
  const index = list.indexOf(item);
  return index < 0 ? [...list] : [...list.slice(0, index), ...list.slice(index + 1)];
}
