import type { DefaultEventsMap, EventsMap } from "@cometa/protocol";
import { Emitter, type ListenerMap } from "./emitter.js";
import type { AnyEventListener, ListenerOf, ListenEventNames } from "./socket-types.js";

/*
 * The catch-all listeners live in the emitter's own map, under keys no event
 * name can equal (symbols, typed as strings for the emitter's signatures).
 */
const INCOMING = Symbol() as unknown as string;
const OUTGOING = Symbol() as unknown as string;

/** Typed listener methods, merged into {@link SocketListeners} (its base `Emitter` implements them). */
export interface SocketListeners<Listen extends EventsMap = DefaultEventsMap> {
  /** Listen to an event from the server, or to `connect`, `connect_error`, `disconnect`. */
  on<Ev extends ListenEventNames<Listen>>(event: Ev, listener: ListenerOf<Listen, Ev>): this;
  /** Listen, before the listeners already added. */
  prependListener<Ev extends ListenEventNames<Listen>>(event: Ev, listener: ListenerOf<Listen, Ev>): this;
  /** Listen once. */
  once<Ev extends ListenEventNames<Listen>>(event: Ev, listener: ListenerOf<Listen, Ev>): this;
  /** Remove a listener, every listener of an event, or every event listener (the catch-all ones stay: `offAny`). */
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
  /** Listen to every incoming event: `(event, ...args)`, before the event's own listeners. */
  onAny(listener: AnyEventListener): this {
    return this.on(INCOMING, listener as never);
  }

  /** Like {@link SocketListeners.onAny}, called before the others. */
  prependAny(listener: AnyEventListener): this {
    return this.prependListener(INCOMING, listener as never);
  }

  /** Remove a catch-all listener, or all of them. */
  offAny(listener?: AnyEventListener): this {
    return this.off(INCOMING, listener as never);
  }

  /** The catch-all listeners. */
  listenersAny(): AnyEventListener[] {
    return this.listeners(INCOMING) as AnyEventListener[];
  }

  /** Listen to every outgoing event as it is sent: `(event, ...args)` (acks excluded). */
  onAnyOutgoing(listener: AnyEventListener): this {
    return this.on(OUTGOING, listener as never);
  }

  /** Like {@link SocketListeners.onAnyOutgoing}, called before the others. */
  prependAnyOutgoing(listener: AnyEventListener): this {
    return this.prependListener(OUTGOING, listener as never);
  }

  /** Remove an outgoing catch-all listener, or all of them. */
  offAnyOutgoing(listener?: AnyEventListener): this {
    return this.off(OUTGOING, listener as never);
  }

  /** The outgoing catch-all listeners. */
  listenersAnyOutgoing(): AnyEventListener[] {
    return this.listeners(OUTGOING) as AnyEventListener[];
  }

  /** Dispatch an incoming event `[name, ...args]`: catch-all listeners first, as socket.io-client does. */
  protected dispatchEvent(args: readonly unknown[]): void {
    const [name, ...rest] = args;
    this.emitReserved(INCOMING, ...args);
    this.emitReserved(String(name), ...rest);
  }

  /** Tell outgoing catch-all listeners about a sent event `[name, ...args]`. */
  protected notifyOutgoing(args: readonly unknown[]): void {
    this.emitReserved(OUTGOING, ...args);
  }
}
