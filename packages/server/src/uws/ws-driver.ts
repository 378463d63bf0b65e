import type { WebSocket } from "uWebSockets.js";
import type { UpgradeTicket } from "../engine/engine.js";
import type { WsDriver, WsHandle, WsSendResult } from "../engine/platform.js";
import type { EngineSession } from "../engine/session.js";

/**
 * What the binding keeps on each uWS WebSocket. uWS.js 20 copies these
 * properties onto the WebSocket object itself (`getUserData()` returns the
 * socket), where they live in one property array that V8 sizes in steps of
 * three slots: three fields cost the same as one (40 bytes), a fourth grows
 * it to 64 bytes per connection. So "closed" is a value of `pingDue` rather
 * than a field of its own.
 */
export interface UwsUserData {
  /** Why the socket was accepted, from the upgrade until `open`. */
  ticket: UpgradeTicket | null;
  /** The session the socket carries (or probes for), from `open` until `close`. */
  session: EngineSession | null;
  /**
   * Ping-flood limiter state, whole ms (see `ping-flood.ts`); 0 until the first
   * ping, {@link SOCKET_CLOSED} once the close handler ran (uWS throws on any
   * call on a closed socket).
   */
  pingDue: number;
}

/** `pingDue` of a socket whose close handler ran. */
export const SOCKET_CLOSED = -1;

/** Whether the close handler of `ws` ran (every call on it would throw). */
export function isClosed(ws: UwsWebSocket): boolean {
  return ws.getUserData().pingDue === SOCKET_CLOSED;
}

/** A uWS WebSocket with the binding's data on it. */
export type UwsWebSocket = WebSocket<UwsUserData>;

/** uWS `send` statuses: 0 backpressure (buffered), 1 written, 2 dropped (over maxBackpressure). */
const RESULTS: readonly WsSendResult[] = ["buffered", "ok", "dropped"];

/** The engine's handles are the uWS sockets themselves; null once closed. */
function socket(handle: WsHandle): UwsWebSocket | null {
  const ws = handle as UwsWebSocket;
  return isClosed(ws) ? null : ws;
}

// Module-level scratch for `sendMany`: cork takes a callback, and a closure per
// call would allocate on the hot path. Cork runs the callback synchronously.
let corkSocket: UwsWebSocket | null = null;
let corkFrames: readonly (string | Uint8Array)[] = [];
let corkCompress = false;
let corkResult: WsSendResult = "ok";
function corkedSend(): void {
  const ws = corkSocket!;
  for (const frame of corkFrames) {
    const result = RESULTS[ws.send(frame, typeof frame !== "string", corkCompress)]!;
    // The worst result wins: dropped over buffered over ok.
    if (result === "dropped" || (result === "buffered" && corkResult === "ok")) corkResult = result;
  }
}

/**
 * `WsDriver` over uWS WebSockets: one object for every socket. Every method
 * is safe after close (the close handler marks the socket).
 */
export const uwsDriver: WsDriver = {
  send(handle, data, compress = false) {
    const ws = socket(handle);
    if (ws === null) return "dropped";
    return RESULTS[ws.send(data, typeof data !== "string", compress)]!;
  },

  sendMany(handle, frames, compress = false) {
    const ws = socket(handle);
    if (ws === null) return "dropped";
    corkSocket = ws;
    corkFrames = frames;
    corkCompress = compress;
    corkResult = "ok";
    ws.cork(corkedSend);
    const result = corkResult;
    corkSocket = null;
    corkFrames = [];
    return result;
  },

  bufferedAmount(handle) {
    const ws = socket(handle);
    return ws === null ? 0 : ws.getBufferedAmount();
  },

  close(handle, code, reason) {
    const ws = socket(handle);
    if (ws === null) return;
    // uWS calls the close handler synchronously from end()/close(); it marks the socket closed.
    if (code === 0) ws.close();
    else ws.end(code, reason);
  },

  topic(handle, name, subscribe) {
    const ws = socket(handle);
    if (ws === null) return;
    if (subscribe) ws.subscribe(name);
    else ws.unsubscribe(name);
  },
};

/**
 * Publish from `handle` when it is subscribed to `topic` (uWS leaves the
 * publishing socket out). Returns false, having sent nothing, when it is not
 * (or closed): uWS's `ws.publish` then reaches no one, and a plain app-wide
 * publish cannot reach the socket anyway.
 */
export function publishSkipping(handle: WsHandle, topic: string, data: string | Uint8Array, compress: boolean): boolean {
  const ws = socket(handle);
  if (ws === null || !ws.isSubscribed(topic)) return false;
  ws.publish(topic, data, typeof data !== "string", compress);
  return true;
}
