import type { WebSocket } from "uWebSockets.js";
import type { UpgradeTicket } from "../engine/engine.js";
import type { WsPort, WsSendResult } from "../engine/platform.js";
import type { EngineSession } from "../engine/session.js";

/** What uWS stores on each WebSocket (`res.upgrade` copies these properties onto the socket). */
export interface UwsUserData {
  readonly port: UwsSocket;
}

/** uWS `send` status meaning "dropped: over maxBackpressure". */
const DROPPED = 2;

// Module-level scratch for `sendMany`: cork takes a callback, and a closure per
// call would allocate on the hot path. Cork runs the callback synchronously.
let corkSocket: WebSocket<UwsUserData> | null = null;
let corkFrames: readonly (string | Uint8Array)[] = [];
let corkCompress = false;
let corkResult: WsSendResult = "ok";
function corkedSend(): void {
  const ws = corkSocket!;
  for (const frame of corkFrames) {
    if (ws.send(frame, typeof frame !== "string", corkCompress) === DROPPED) corkResult = "dropped";
  }
}

/**
 * `WsPort` over a uWS WebSocket, plus the binding's bookkeeping: the upgrade
 * ticket until `open`, then the session. Every method is safe after close
 * (uWS throws on any access to a closed socket).
 */
export class UwsSocket implements WsPort {
  ws: WebSocket<UwsUserData> | null = null;
  session: EngineSession | null = null;

  constructor(public ticket: UpgradeTicket | null) {}

  send(data: string | Uint8Array, compress = false): WsSendResult {
    const ws = this.ws;
    if (ws === null) return "dropped";
    return ws.send(data, typeof data !== "string", compress) === DROPPED ? "dropped" : "ok";
  }

  sendMany(frames: readonly (string | Uint8Array)[], compress = false): WsSendResult {
    const ws = this.ws;
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
  }

  bufferedAmount(): number {
    return this.ws === null ? 0 : this.ws.getBufferedAmount();
  }

  close(code: number, reason: string): void {
    const ws = this.ws;
    if (ws === null) return;
    // uWS calls the close handler synchronously from end()/close(); it clears `ws`.
    if (code === 0) ws.close();
    else ws.end(code, reason);
  }

  topic(name: string, subscribe: boolean): void {
    const ws = this.ws;
    if (ws === null) return;
    if (subscribe) ws.subscribe(name);
    else ws.unsubscribe(name);
  }
}
