import type { EngineCloseReason } from "@cometa/protocol";

/**
 * Why a socket disconnected, as passed to its `disconnecting` and `disconnect`
 * listeners (PROTOCOL.md §3.5): the engine's close reasons plus the two
 * namespace-level ones.
 *
 * - `client namespace disconnect`: the client called `socket.disconnect()`.
 * - `server namespace disconnect`: the server called `socket.disconnect()`.
 * - `forced server close`: the server closed the whole connection (`disconnect(true)`,
 *   a protocol violation, or no namespace joined within `connectTimeout`).
 * - `parse error`: the client sent something undecodable.
 * - `server shutting down`: `io.close()`.
 * - `transport close` / `transport error` / `ping timeout` / `forced close`: the connection was lost.
 * - `slow consumer` / `message too big`: Cometa limits (send buffer, `maxPayload`).
 * - `rate limited`: the socket kept sending events past `rateLimit` (the client
 *   gets a namespace DISCONNECT, `io server disconnect`); the connection stays.
 * - `insufficient state`: connection state recovery found a gap in the shared
 *   log it could not read back; the connection is closed so the client
 *   reconnects and replays (or learns `recovered = false`).
 */
export type DisconnectReason =
  | EngineCloseReason
  | "client namespace disconnect"
  | "server namespace disconnect"
  | "rate limited"
  | "insufficient state";
