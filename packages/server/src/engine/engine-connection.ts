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
  /**
   * Deliver frames to every session subscribed to `topic` except this one,
   * encoded once: what `socket.to(room).emit` / `socket.broadcast.emit` need
   * instead of a send per recipient. A WebSocket sender is skipped natively by
   * uWS; polling subscribers are queued. Works whether or not this session is
   * subscribed, and after it closed (then it reaches every subscriber).
   * Optional only so that older fakes of this contract still type-check; the
   * engine always implements it.
   */
  publish?(topic: string, frames: readonly Frame[], options?: SendOptions): void;
  /**
   * Set by the Socket.IO layer: one Engine.IO `message` payload arrived.
   * Called as a method of the connection (`this` is the connection), so one
   * shared function can serve every connection (see `owner`).
   */
  onMessage: (this: EngineConnection, frame: Frame) => void;
  /** Set by the Socket.IO layer: the session ended (called exactly once, as a method like `onMessage`). */
  onClose: (this: EngineConnection, reason: EngineCloseReason, description?: string) => void;
  /**
   * A slot for the layer above, never read by the engine (null until set).
   * With it, handlers need no closure per connection:
   * `conn.owner = client; conn.onMessage = clientOnMessage`, where the shared
   * `clientOnMessage` reads `this.owner`. Two closures and their context cost
   * about 150 bytes per connection; the slot costs 8.
   */
  owner?: unknown;
}

/** The Engine.IO server as the Socket.IO layer drives it. */
export interface EngineServer {
  /** Set by the Socket.IO layer: a new session completed its handshake. */
  onConnection: (connection: EngineConnection) => void;
  /**
   * Deliver frames to every session subscribed to `topic`, encoded once.
   * WebSocket sessions go through uWS topics; polling sessions are queued.
   * To leave the sending session out, use `EngineConnection.publish`; other
   * exclusions (`except`) are the Socket.IO layer's job: it sends per socket.
   */
  publish(topic: string, frames: readonly Frame[], options?: SendOptions): void;
  /** Number of open sessions. */
  readonly clientsCount: number;
  /** Close every session with `server shutting down` and stop accepting. */
  close(): Promise<void>;
}
