import { SOCKET_CLOSED, type UwsWebSocket } from "./ws-driver.js";

/**
 * A cap on WebSocket-level pings from clients (RELIABILITY W9). uWS answers
 * every ping frame with a pong by itself, so a client sending ten thousand
 * pings a second costs the server a write per ping. Engine.IO clients never
 * send them (liveness is the Engine.IO heartbeat); some stacks ping every few
 * seconds to keep NATs open. Sustained rates up to `PINGS_PER_SECOND` with
 * bursts of `PING_BURST` pass; beyond that the connection is closed with 1008
 * `too many pings`.
 *
 * One integer per socket (`pingDue`, GCRA's "theoretical arrival time" in
 * whole ms) and no timer: idle sockets pay nothing but the field.
 */

/** Sustained pings per second allowed. */
export const PINGS_PER_SECOND = 10;
/** Pings allowed back to back above the sustained rate. */
export const PING_BURST = 50;

const INTERVAL_MS = 1000 / PINGS_PER_SECOND;
const TOLERANCE_MS = INTERVAL_MS * PING_BURST;

/** uWS `ping` handler: count the ping and close the socket once it floods. */
export function onClientPing(ws: UwsWebSocket, now: number = Math.ceil(performance.now())): void {
  const data = ws.getUserData();
  if (data.pingDue === SOCKET_CLOSED) return;
  const due = Math.max(data.pingDue, now);
  if (due - now > TOLERANCE_MS) {
    ws.end(1008, "too many pings");
    return;
  }
  data.pingDue = due + INTERVAL_MS;
}
