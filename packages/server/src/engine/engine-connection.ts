import type { EngineCloseReason, Frame } from "@cometa/protocol";

/**
 * The contract between the Engine.IO layer (`engine/` + `uws/`) and the
 * Socket.IO layer (`server.ts`, `namespace.ts`, `socket.ts`, `client.ts`).
 * The Socket.IO layer sees sessions only through these types, never a
 * transport or a uWS object.
 */

/** What the Socket.IO layer may know of the HTTP request that opened a session. Copied, never borrowed. */
export interface HandshakeRequest {
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Decoded query parameters of the first request (EIO, transport, t, and the app's own). */
  readonly query: Readonly<Record<string, string>>;
  /** Path + query as received. */
  readonly url: string;
  /** Remote address (IPv4/IPv6 text). */
  readonly address: string;
  /** `Date.now()` when the session was opened. */
  readonly time: number;
}

/** Options for one send. */
export interface SendOptions {
  /** Drop instead of queueing when the session cannot take it now (backed up, or mid-upgrade). */
  readonly volatile?: boolean;
  /** Per-message deflate hint (WebSocket only, when enabled). */
  readonly compress?: boolean;
}

/**
 * One Engine.IO session, whatever its transport (polling, WebSocket, or
 * polling being upgraded). Frames are Socket.IO codec output; the engine
 * wraps them as Engine.IO `message` packets.
 */
export interface EngineConnection {
  /** Engine.IO session id (not the Socket.IO socket id). */
  readonly id: string;
  readonly request: HandshakeRequest;
  /** Current transport. Changes from "polling" to "websocket" on upgrade. */
  readonly transport: "polling" | "websocket";
  /**
   * Queue frames for delivery, in order, as consecutive Engine.IO messages.
   * Returns false when the frames were dropped (volatile and not writable,
   * or the session is closed).
   */
  send(frames: readonly Frame[], options?: SendOptions): boolean;
  /** Close the session. The engine calls `onClose` once, with this reason. */
  close(reason?: EngineCloseReason): void;
  /** Subscribe this session to a topic; it then receives every `EngineServer.publish` to it, on any transport. */
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  /** Set by the Socket.IO layer: one Engine.IO `message` payload arrived. */
  onMessage: (frame: Frame) => void;
  /** Set by the Socket.IO layer: the session ended (called exactly once). */
  onClose: (reason: EngineCloseReason, description?: string) => void;
}

/** The Engine.IO server as the Socket.IO layer drives it. */
export interface EngineServer {
  /** Set by the Socket.IO layer: a new session completed its handshake. */
  onConnection: (connection: EngineConnection) => void;
  /**
   * Deliver frames to every session subscribed to `topic`, encoded once.
   * WebSocket sessions go through uWS topics; polling sessions are queued.
   * Exclusions (`except`) are the Socket.IO layer's job: it sends per socket.
   */
  publish(topic: string, frames: readonly Frame[], options?: SendOptions): void;
  /** Number of open sessions. */
  readonly clientsCount: number;
  /** Close every session with `server shutting down` and stop accepting. */
  close(): Promise<void>;
}
