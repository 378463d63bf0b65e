import type { EngineCloseReason } from "@cometa/protocol";
import type { TimerHandle } from "./clock.js";
import type { HeaderPair, HttpExchange, WsHandle } from "./platform.js";

/**
 * What only a polling session needs: its outgoing buffer, the parked GET,
 * the POST flag, its topics and a running upgrade. Kept out of the session
 * object so a WebSocket session (the common, long-lived case) carries none
 * of it; dropped when the session upgrades.
 */
export class PollingState {
  /** Encoded packets waiting for a GET (`4text`, `b<base64>`, `2`, `1`). */
  readonly buffer: string[] = [];
  /** Sum of the buffered entries' lengths. */
  bytes = 0;
  /** The parked GET, and the headers its response will carry. */
  get: HttpExchange | null = null;
  getHeaders: readonly HeaderPair[] = [];
  /** A POST body is being read. */
  posting = false;
  /** Topics joined while on polling (a WebSocket session keeps them in the platform). */
  topics: Set<string> | null = null;
  /** A WebSocket probing an upgrade, whether it sent `2probe`, and the upgrade deadline. */
  probe: WsHandle | null = null;
  probed = false;
  upgradeTimer: TimerHandle | null = null;
  /** Why the server closed the session, while it lingers in `closing`. */
  closeReason: EngineCloseReason | null = null;

  /** Queue one entry. */
  push(entry: string): void {
    this.buffer.push(entry);
    this.bytes += entry.length;
  }

  /** Take everything queued as one payload body. */
  drain(): string {
    const body = this.buffer.length === 1 ? this.buffer[0]! : this.buffer.join("\x1e");
    this.buffer.length = 0;
    this.bytes = 0;
    return body;
  }
}
