import { CometaError } from "@cometa/protocol";
import type { EngineCloseDetail, EngineCloseReason } from "./engine/engine-contract.js";

/**
 * Errors the client hands to applications. Every one carries a stable `code`;
 * `message` is for humans. Only `RESERVED_EVENT` and `INVALID_OPTIONS` are
 * thrown (programmer misuse); the rest arrive as events, failed acks, or (the
 * engine codes) as the `error` of an {@link EngineCloseDetail}.
 */
export type ClientErrorCode =
  | "RESERVED_EVENT" // emit() of a lifecycle event name such as "connect"
  | "INVALID_OPTIONS" // connect() options that cannot work (unknown codec name, bad URL)
  | "CONNECT_FAILED" // the Engine.IO connection could not be opened
  | "CONNECT_TIMEOUT" // no handshake within `timeout` (the engine's HANDSHAKE_TIMEOUT)
  | "CONNECT_REFUSED" // the server answered the namespace CONNECT with CONNECT_ERROR
  | "UNSUPPORTED_SERVER" // CONNECT reply without a sid: a Socket.IO v2 server
  | "AUTH_FAILED" // the `auth` function threw or rejected
  | "ACK_TIMEOUT" // no ack within the timeout
  | "DISCONNECTED" // the socket disconnected before the ack arrived
  | "OFFLINE_BUFFER_FULL" // the offline buffer was full, the emit was refused
  | "RETRIES_EXHAUSTED" // every retransmission of a `retries` emit timed out
  | ClientEngineErrorCode;

/** Codes of the engine's failures, found in `EngineCloseDetail.error` (and as `cause` of a `ConnectionError`). */
export type ClientEngineErrorCode =
  | "WEBSOCKET_ERROR" // the WebSocket reported an error (refused, non-101 answer, reset)
  | "NETWORK_ERROR" // a polling request failed before any HTTP response
  | "HTTP_ERROR" // a polling request got a non-200 response
  | "HANDSHAKE_TIMEOUT" // no open packet within the connect timeout
  | "BAD_HANDSHAKE" // the open packet was not a valid handshake
  | "NO_TRANSPORT"; // no WebSocket / fetch implementation in this runtime

/**
 * The client's error class: every error it creates is one, told apart by `code`.
 * Without a `message`, the message is the code in words (`ACK_TIMEOUT` →
 * "ack timeout"): the code says it all, and the bundle stays small.
 *
 * @example
 * ```ts
 * try { await socket.timeout(1000).emitWithAck("save", doc); }
 * catch (err) { if (err instanceof ClientError && err.code === "ACK_TIMEOUT") retryLater(); }
 * ```
 */
export class ClientError extends CometaError<ClientErrorCode> {
  constructor(code: ClientErrorCode, message?: string, cause?: unknown) {
    // No `cause` key at all without a cause (consoles would print `[cause]: undefined`).
    super(code, message ?? code.toLowerCase().replace(/_/g, " "), cause === undefined ? cause : { cause });
  }
}

/**
 * The server refused the namespace connection (CONNECT_ERROR). `message` and
 * `data` are what the server's middleware put in its error, as in Socket.IO
 * (`next(Object.assign(new Error("not authorized"), { data: { code: 42 } }))`).
 */
export class ConnectError extends ClientError {
  /** The server's `err.data`, if it sent any. */
  readonly data: unknown;

  constructor(message: string, data: unknown) {
    super("CONNECT_REFUSED", message);
    this.data = data;
  }
}

/**
 * The Engine.IO connection failed to open (network error, HTTP error,
 * handshake timeout). Emitted as the manager's `error` / `reconnect_error`
 * and as the sockets' `connect_error`.
 */
export class ConnectionError extends ClientError {
  /** Why the engine gave up (`"timeout"`: no handshake within the `timeout` option). */
  readonly reason: EngineCloseReason | "timeout";
  /** HTTP status, server-requested wait, underlying error, when known. */
  readonly detail: EngineCloseDetail | undefined;

  constructor(reason: EngineCloseReason, detail?: EngineCloseDetail) {
    const timedOut = (detail?.error as ClientError | undefined)?.code === "HANDSHAKE_TIMEOUT";
    const status = detail?.status ? ` (HTTP ${detail.status})` : "";
    super(timedOut ? "CONNECT_TIMEOUT" : "CONNECT_FAILED", `connection failed: ${reason}${status}`, detail?.error);
    this.reason = timedOut ? "timeout" : reason;
    this.detail = detail;
  }
}
