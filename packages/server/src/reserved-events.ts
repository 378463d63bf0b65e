import type { DisconnectReason } from "./disconnect-reason.js";

/**
 * The framework's own events on sockets, namespaces and the server, with their
 * listener types. They can be listened to with `on()` but never emitted to a
 * client.
 */

/** Events a `Socket` emits locally. */
export interface SocketReservedEvents {
  /** The socket is about to leave its rooms (they are still readable in `socket.rooms`). */
  disconnecting: (reason: DisconnectReason, description?: unknown) => void;
  /** The socket is gone. */
  disconnect: (reason: DisconnectReason, description?: unknown) => void;
  /** A `socket.use()` middleware refused a packet. */
  error: (err: Error) => void;
}

/** Events a `Namespace` emits locally, for its socket type `S`. */
export interface NamespaceReservedEvents<S> {
  connect: (socket: S) => void;
  connection: (socket: S) => void;
}

/** Events the `Server` emits locally, for its socket type `S` and namespace type `N`. */
export interface ServerReservedEvents<S, N> extends NamespaceReservedEvents<S> {
  /** A namespace was created (by `of()`, or a dynamic child on its first connection). */
  new_namespace: (namespace: N) => void;
}
