import type { AllButLast, EventNames, EventNamesWithAck, EventParams, EventsMap, FirstAckArg } from "@cometa/protocol";
import type { EngineCloseDetail } from "./engine/engine-contract.js";
import type { ConnectError, ConnectionError } from "./errors.js";
import type { ManagerCloseReason } from "./manager.js";

/** Data sent with the namespace CONNECT packet. */
export type AuthData = Record<string, unknown>;

/**
 * The `auth` option: an object, or a function called before every
 * (re)connection. The function may call `cb(data)` (socket.io-client style) or
 * return the data (or a promise of it).
 */
export type AuthOption =
  | AuthData
  | ((cb: (data: AuthData) => void) => void)
  | (() => AuthData | Promise<AuthData>);

/** Per-namespace options (the socket part of `connect()`'s options). */
export interface SocketOptions {
  /** Sent with every CONNECT (see {@link AuthOption}). */
  readonly auth?: AuthOption | undefined;
  /** Default ack timeout in ms for emits with an ack (and each `retries` attempt). Undefined: wait forever. */
  readonly ackTimeout?: number | undefined;
  /**
   * Retransmissions of an emit that is not acknowledged in time. When set
   * (> 0), every non-volatile emit goes through an ordered queue with one
   * packet in flight, each transmission carrying the same client message id
   * (`mid`). Ack callbacks then always receive an error first. Default 0.
   */
  readonly retries?: number | undefined;
  /**
   * Most emits kept while disconnected (default 1000). When full, a new emit
   * is refused: its ack (if it takes an error) receives `OFFLINE_BUFFER_FULL`;
   * the emits already buffered keep their place and order. The same bound
   * applies to the `retries` queue and to events received before CONNECT.
   */
  readonly offlineBufferSize?: number | undefined;
}

/** Why a socket disconnected (PROTOCOL.md §3.5 plus the manager's `forced close`). */
export type DisconnectReason = ManagerCloseReason | "io server disconnect" | "io client disconnect";

/** Lifecycle events of a socket; their names cannot be emitted. */
export interface SocketReservedEvents {
  /** The namespace CONNECT was accepted (also after every reconnection). */
  connect: () => void;
  /** The connection attempt failed (`ConnectionError`) or the server refused the namespace (`ConnectError`). */
  connect_error: (err: ConnectError | ConnectionError | Error) => void;
  /** The socket lost its namespace connection. */
  disconnect: (reason: DisconnectReason, detail?: EngineCloseDetail) => void;
}

/**
 * ```mermaid
 * stateDiagram-v2
 *   [*] --> inactive
 *   inactive --> connecting: connect-called
 *   connecting --> connected: connect-accepted
 *   connecting --> inactive: connect-refused / manager-stopped / client-disconnect
 *   connected --> connecting: connection-lost
 *   connected --> inactive: server-disconnect / client-disconnect / manager-stopped
 * ```
 */
export type SocketState = "inactive" | "connecting" | "connected";

/** Why a socket changed state. */
export type SocketStateReason =
  | "connect-called" // connect()/open(), or autoConnect
  | "connect-accepted" // the server sent CONNECT {sid}
  | "connect-refused" // the server sent CONNECT_ERROR
  | "connection-lost" // the manager's connection ended; it will reconnect
  | "server-disconnect" // the server sent DISCONNECT
  | "client-disconnect" // disconnect()/close()
  | "manager-stopped"; // the manager gave up or was closed

/** Payload of a socket's state change. */
export interface SocketStateChange {
  readonly from: SocketState;
  readonly to: SocketState;
  readonly reason: SocketStateReason;
}

// ---------------------------------------------------------------------------
// Typed-event helpers (socket.io-client shapes, over @cometa/protocol's maps)

/** Event names a socket listens to: its user events plus the reserved ones. */
export type ListenEventNames<Listen extends EventsMap> = EventNames<Listen> | keyof SocketReservedEvents;

/** The listener type for `ev`: reserved first, then the user map. */
export type ListenerOf<Listen extends EventsMap, Ev> = Ev extends keyof SocketReservedEvents
  ? SocketReservedEvents[Ev]
  : Ev extends EventNames<Listen>
    ? Listen[Ev]
    : never;

/** Turn each callback parameter `(...a) => R` into `(err: Error, ...a) => R` (what `timeout()` and `retries` give). */
export type PrependTimeoutError<T extends unknown[]> = {
  [K in keyof T]: T[K] extends (...args: infer P) => infer R ? (err: Error, ...args: P) => R : T[K];
};

/** An event map whose ack callbacks take an error first. */
export type DecorateAcknowledgements<E extends EventsMap> = {
  [K in keyof E]: E[K] extends (...args: infer P) => infer R ? (...args: PrependTimeoutError<P>) => R : E[K];
};

/** A listener for every incoming (or outgoing) event: the name, then the arguments. */
// biome-ignore lint/suspicious/noExplicitAny: any event
export type AnyEventListener = (event: string, ...args: any[]) => void;

/** Whether an argument list is untyped (`any[]`, from `DefaultEventsMap`) rather than a tuple. */
type IsUntyped<P extends readonly unknown[]> = number extends P["length"] ? true : false;

/** Events `emitWithAck` accepts: those whose last argument is an ack callback (any event when untyped). */
export type AckEventNames<Map extends EventsMap> = string extends keyof Map ? EventNames<Map> : EventNamesWithAck<Map>;

/** What `emitWithAck` takes after the event name: the arguments without the ack callback. */
export type AckEmitArgs<Map extends EventsMap, Ev extends EventNames<Map>> = IsUntyped<EventParams<Map, Ev>> extends true
  ? unknown[]
  : AllButLast<EventParams<Map, Ev>>;

/** What `emitWithAck` resolves with: the first ack argument (`any` when untyped, like socket.io-client). */
export type AckResult<Map extends EventsMap, Ev extends EventNames<Map>> = IsUntyped<EventParams<Map, Ev>> extends true
  ? // biome-ignore lint/suspicious/noExplicitAny: untyped maps resolve to any
    any
  : FirstAckArg<Map, Ev>;
