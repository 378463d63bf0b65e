import type { EngineCloseReason } from "@cometa/protocol";

/**
 * How each close reason reaches the client: which closes a polling client
 * must still be told about, and the WebSocket close code of each.
 */

/**
 * Server-initiated closes a polling client must be told about even when no
 * GET is parked: the session lingers in `closing` until a GET (or the
 * upgraded WebSocket) carries what was buffered and the close.
 */
export const LINGERING_REASONS: ReadonlySet<EngineCloseReason> = new Set<EngineCloseReason>([
  "forced close",
  "forced server close",
  "slow consumer",
  "message too big",
]);

/** WebSocket close code per reason (0 = abrupt close, no close frame). */
export const WS_CLOSE_CODES: Readonly<Record<EngineCloseReason, number>> = {
  "ping timeout": 1000,
  "transport error": 1002,
  "transport close": 1000,
  "forced close": 1000,
  "parse error": 1002,
  "server shutting down": 1001,
  "forced server close": 1000,
  // The peer is not reading: a close frame would queue behind megabytes. Cut it.
  "slow consumer": 0,
  "message too big": 1009,
};
