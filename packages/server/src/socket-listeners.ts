import {
  type EventsMap,
  RESERVED_EVENTS,
  type ReservedOrUserEventNames,
  type ReservedOrUserListener,
} from "@cometa/protocol";
import { Emitter, type Listener } from "./emitter.js";
import type { SocketReservedEvents } from "./reserved-events.js";

/** A catch-all listener: gets `(event, ...args)`. */
export type AnyListener = (event: string, ...args: unknown[]) => void;

/**
 * The listener side of a socket: typed `on`/`once`/`off`, the catch-all
 * listeners (`onAny`, `onAnyOutgoing`) and the dispatch of incoming events.
 * Everything is allocated on first use.
 */
export abstract class SocketListeners<ListenEvents extends EventsMap> extends Emitter {
  private _any: Listener[] | undefined = undefined;
  private _anyOutgoing: Listener[] | undefined = undefined;

  /** Called when the socket gains (+1) or loses (−1) its outgoing catch-all listeners. */
  protected abstract outgoingListenersChanged(delta: 1 | -1): void;

  override on<Ev extends ReservedOrUserEventNames<SocketReservedEvents, ListenEvents>>(
    event: Ev,
    listener: ReservedOrUserListener<SocketReservedEvents, ListenEvents, Ev>,
  ): this {
    return super.on(event, listener as Listener);
  }

  override once<Ev extends ReservedOrUserEventNames<SocketReservedEvents, ListenEvents>>(
    event: Ev,
    listener: ReservedOrUserListener<SocketReservedEvents, ListenEvents, Ev>,
  ): this {
    return super.once(event, listener as Listener);
  }

  override off<Ev extends ReservedOrUserEventNames<SocketReservedEvents, ListenEvents>>(
    event?: Ev,
    listener?: ReservedOrUserListener<SocketReservedEvents, ListenEvents, Ev>,
  ): this {
    return super.off(event, listener as Listener | undefined);
  }

  /** Listen to every incoming event: the listener gets `(event, ...args)`. */
  onAny(listener: AnyListener): this {
    if (this._any === undefined) this._any = [];
    this._any.push(listener);
    return this;
  }

  /** Like {@link onAny}, but runs before the listeners already registered. */
  prependAny(listener: AnyListener): this {
    if (this._any === undefined) this._any = [];
    this._any.unshift(listener);
    return this;
  }

  /** Remove one catch-all listener, or all of them. */
  offAny(listener?: AnyListener): this {
    this._any = without(this._any, listener);
    return this;
  }

  /** The catch-all listeners. */
  listenersAny(): Listener[] {
    return this._any?.slice() ?? [];
  }

  /** Listen to every outgoing event (emits and broadcasts reaching this socket). */
  onAnyOutgoing(listener: AnyListener): this {
    this.addOutgoing(listener, false);
    return this;
  }

  /** Like {@link onAnyOutgoing}, but runs before the listeners already registered. */
  prependAnyOutgoing(listener: AnyListener): this {
    this.addOutgoing(listener, true);
    return this;
  }

  /** Remove one outgoing catch-all listener, or all of them. */
  offAnyOutgoing(listener?: AnyListener): this {
    const had = this._anyOutgoing !== undefined;
    this._anyOutgoing = without(this._anyOutgoing, listener);
    if (had && this._anyOutgoing === undefined) this.outgoingListenersChanged(-1);
    return this;
  }

  /** The outgoing catch-all listeners. */
  listenersAnyOutgoing(): Listener[] {
    return this._anyOutgoing?.slice() ?? [];
  }

  /** Whether outgoing catch-all listeners exist (they make broadcasts to this socket per-socket). */
  protected hasOutgoingListeners(): boolean {
    return this._anyOutgoing !== undefined;
  }

  /** @internal Run `onAnyOutgoing` listeners with `[event, ...args]`. */
  notifyOutgoing(data: readonly unknown[]): void {
    const listeners = this._anyOutgoing;
    if (listeners === undefined) return;
    for (const listener of listeners.slice()) this.settle(listener.apply(this, data as unknown[]));
  }

  /**
   * Dispatch an incoming `[event, ...args]` (plus `ack`, the function answering
   * the client, when it asked for one): catch-all listeners first, then the
   * event's. Reserved names are dropped.
   */
  protected dispatchEvent(data: unknown[], ack?: Listener): void {
    const name = data[0];
    if (typeof name === "string" ? RESERVED_EVENTS.has(name) : typeof name !== "number") return;
    if (this._any !== undefined) {
      if (ack !== undefined) data.push(ack);
      for (const listener of this._any.slice()) this.settle(listener.apply(this, data));
      this.dispatch(String(name), data.slice(1));
      return;
    }
    // The decoded array is ours: reuse it as the argument list. With an ack, shift the
    // arguments left and put the ack in the freed last slot (same length: no reallocation,
    // where `push` would grow the exactly-sized array).
    if (ack === undefined) {
      data.shift();
    } else {
      for (let i = 1; i < data.length; i++) data[i - 1] = data[i];
      data[data.length - 1] = ack;
    }
    this.dispatch(String(name), data);
  }

  private addOutgoing(listener: AnyListener, first: boolean): void {
    const had = this._anyOutgoing !== undefined;
    if (this._anyOutgoing === undefined) this._anyOutgoing = [];
    if (first) this._anyOutgoing.unshift(listener);
    else this._anyOutgoing.push(listener);
    if (!had) this.outgoingListenersChanged(1);
  }
}

function without<T>(list: T[] | undefined, item: T | undefined): T[] | undefined {
  if (list === undefined || item === undefined) return undefined;
  const index = list.indexOf(item);
  if (index !== -1) list.splice(index, 1);
  return list.length === 0 ? undefined : list;
}
