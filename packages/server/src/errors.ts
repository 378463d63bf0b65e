import { CometaError } from "@cometa/protocol";

/**
 * Stable codes of the errors the Socket.IO layer creates.
 *
 * - Thrown (programmer misuse): `RESERVED_EVENT`, `INVALID_NAMESPACE_NAME`,
 *   `INVALID_ARGUMENT`, `NOT_SUPPORTED`, `SERVER_CLOSED`.
 * - Passed to ack callbacks / rejected promises (runtime outcomes):
 *   `ACK_TIMEOUT`, `SOCKET_DISCONNECTED`, `ACK_LIMIT`.
 * - Thrown by `socket.join()` for a refused room (usually client input, so
 *   catchable by the handler): `ROOM_NAME_INVALID`, `ROOM_PRIVATE`,
 *   `ROOMS_PER_SOCKET_EXCEEDED` (see `RoomRefusedError`).
 * - Reported to `onError` (the client misbehaved): `EVENT_NAME_TOO_LONG`, `RATE_LIMITED`.
 * - Reported to `onError` once per outage (connection state recovery):
 *   `RECOVERY_STORE_FAILED`.
 */
export type ServerErrorCode =
  | "RESERVED_EVENT" // emit() of a lifecycle event name such as "connect" or "disconnect"
  | "INVALID_NAMESPACE_NAME" // of() with a name containing control characters or too long
  | "INVALID_ARGUMENT" // wrong argument type (e.g. a negative timeout)
  | "NOT_SUPPORTED" // an operation a parent (dynamic) namespace or an adapter cannot do
  | "SERVER_CLOSED" // listen()/attach() after close(), or attaching twice
  | "ACK_TIMEOUT" // no acknowledgement before the timeout given to timeout(ms)
  | "SOCKET_DISCONNECTED" // the socket disconnected while an acknowledgement was pending
  | "ACK_LIMIT" // an emit asked for an ack while the socket already awaited maxPendingAcks of them (not sent)
  | "CONNECTION_REFUSED" // a middleware refused a namespace connection (see ConnectionRefusedError)
  | "ROOM_NAME_INVALID" // join() of a non-string, empty or over-long room name
  | "ROOM_PRIVATE" // join() of a room named like another socket's id (socket-id rooms are private)
  | "ROOMS_PER_SOCKET_EXCEEDED" // join() past maxRoomsPerSocket
  | "EVENT_NAME_TOO_LONG" // an inbound event name longer than maxEventNameLength (connection closed)
  | "RATE_LIMITED" // a socket sent events faster than rateLimit allows (excess dropped)
  | "RECOVERY_STORE_FAILED"; // a recovery store (packet log, sessions) refused writes; reported once per outage

/**
 * An error created by the Socket.IO layer of `@cometa/server`.
 *
 * @example
 * ```ts
 * socket.timeout(1000).emit("ping", (err) => {
 *   if (err instanceof ServerError && err.code === "ACK_TIMEOUT") retryLater();
 * });
 * ```
 */
export class ServerError extends CometaError<ServerErrorCode> {}

/**
 * The error an ack callback receives when its timeout expires (message as in
 * Socket.IO). For a broadcast, `responses` holds the replies that did arrive.
 */
export class AckTimeoutError extends ServerError {
  /** Broadcast acks: the replies received before the timeout. */
  readonly responses?: unknown[];

  constructor(responses?: unknown[]) {
    super("ACK_TIMEOUT", "operation has timed out");
    if (responses !== undefined) this.responses = responses;
  }
}

/**
 * The error an ack callback receives (or `emitWithAck` rejects with) when the
 * socket already awaits `maxPendingAcks` acknowledgements: the emit is not
 * sent, and the callback runs on a microtask, never inside `emit()`. Without
 * `timeout(ms)` the callback gets it as its first argument too, in place of
 * the reply.
 *
 * @example
 * ```ts
 * socket.timeout(5000).emit("job", payload, (err, result) => {
 *   if (err instanceof AckLimitError) return queueForLater(payload); // the client is not answering
 * });
 * ```
 */
export class AckLimitError extends ServerError {
  /** The `maxPendingAcks` in force. */
  readonly limit: number;

  constructor(limit: number) {
    super("ACK_LIMIT", `too many pending acknowledgements (maxPendingAcks ${limit})`);
    this.limit = limit;
  }
}

/** The error an ack callback receives when its socket went away first. */
export function socketDisconnectedError(): ServerError {
  return new ServerError("SOCKET_DISCONNECTED", "socket has been disconnected");
}

/**
 * What a middleware passes to `next()` to refuse a connection. Any `Error`
 * works (its `message` and an optional `data` property are sent); this class
 * just makes the `data` typed. The client receives CONNECT_ERROR
 * `{message, data}` and surfaces it as `connect_error` with `err.data`.
 *
 * @example
 * ```ts
 * io.use((socket, next) => next(new ConnectionRefusedError("not authorized", { code: 401 })));
 * ```
 */
export class ConnectionRefusedError extends ServerError {
  readonly data?: unknown;

  constructor(message: string, data?: unknown) {
    super("CONNECTION_REFUSED", message);
    if (data !== undefined) this.data = data;
  }
}
