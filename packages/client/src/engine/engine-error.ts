import { CometaError } from "@cometa/protocol";

/** Stable codes for the errors the engine puts in `EngineCloseDetail.error`. */
export type ClientEngineErrorCode =
  | "WEBSOCKET_ERROR" // the WebSocket reported an error (refused, non-101 answer, reset)
  | "NETWORK_ERROR" // a polling request failed before any HTTP response
  | "HTTP_ERROR" // a polling request got a non-200 response
  | "HANDSHAKE_TIMEOUT" // no open packet within the connect timeout
  | "BAD_HANDSHAKE" // the open packet was not a valid handshake
  | "NO_TRANSPORT"; // no WebSocket / fetch implementation in this runtime

/**
 * A failure of the engine's connection, delivered through `onClose` (never
 * thrown): the close detail's `error`.
 *
 * @example
 * ```ts
 * engine.onClose = (reason, detail) => {
 *   if (detail?.error instanceof ClientEngineError && detail.error.code === "HTTP_ERROR") { ... }
 * };
 * ```
 */
export class ClientEngineError extends CometaError<ClientEngineErrorCode> {}
