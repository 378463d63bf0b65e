import type { Frame, HandshakeData } from "@cometa/protocol";
import type { Clock } from "../clock.js";
import type { FetchOption, WebSocketOption } from "./platform.js";

/**
 * The contract between the client's Engine.IO layer (`engine/`) and the
 * Socket.IO layer (`manager.ts`, `socket.ts`). The manager owns one
 * `ClientEngine` per connection attempt and never sees a transport.
 */

/** Transport names, as in the `transports` option. */
export type TransportName = "websocket" | "polling";

/** Why an engine connection ended (mirrors socket.io-client reasons, PROTOCOL.md §3.5). */
export type EngineCloseReason =
  | "io client disconnect" // close() was called
  | "ping timeout" // no ping within pingInterval + pingTimeout (or wall-clock check failed)
  | "transport close" // the server closed the connection
  | "transport error" // network error, non-200 response, failed handshake
  | "parse error"; // undecodable Engine.IO data

/** Extra facts about a close, for reconnection decisions. */
export interface EngineCloseDetail {
  /** HTTP status of a failed request, when there was one. */
  readonly status?: number;
  /** Server-requested delay before the next attempt (503 Retry-After, or close reason hint). */
  readonly retryAfterMs?: number;
  /** Underlying error, when there was one. */
  readonly error?: Error;
  /** Engine.IO HTTP error body `{code, message}`, when the server sent one. */
  readonly body?: { readonly code?: number; readonly message?: string };
}

/** Options for one engine connection. */
export interface ClientEngineOptions {
  /** `http(s)://host:port` (ws/wss URLs are derived). */
  readonly origin: string;
  /** Engine.IO path with leading and trailing slashes, default `/socket.io/` (`connect()` adds missing ones). */
  readonly path: string;
  /** Extra query parameters sent on every request (values are stringified). */
  readonly query: Readonly<Record<string, string | number | boolean>>;
  /** Transports in the order to try. Default `["websocket", "polling"]`. */
  readonly transports: readonly TransportName[];
  /** Probe and upgrade to WebSocket while on polling. Default true. */
  readonly upgrade: boolean;
  /** Add a `t` cache-buster to polling requests. Default true. */
  readonly timestampRequests: boolean;
  /** Send cookies cross-origin (browser polling). */
  readonly withCredentials: boolean;
  /** Extra HTTP headers (Node only; browsers cannot set them on WebSocket). */
  readonly extraHeaders: Readonly<Record<string, string>>;
  /** Time one `open()` has to complete the handshake, fallback included, ms (0 or Infinity: no limit). Default 20000. */
  readonly timeout: number;
  readonly clock: Clock;
  /**
   * WebSocket class to use instead of `globalThis.WebSocket`, e.g. the `ws`
   * package on Node 20 without `--experimental-websocket`. Without either,
   * the WebSocket attempt fails and the engine falls back to polling.
   */
  readonly WebSocket?: WebSocketOption;
  /** `fetch` to use instead of `globalThis.fetch` for long-polling. */
  readonly fetch?: FetchOption;
}

/** One Engine.IO connection from the client side. */
export interface ClientEngine {
  /** Engine.IO session id once open. */
  readonly id: string | undefined;
  /** Transport in use, or undefined before open. */
  readonly transport: TransportName | undefined;
  /** Start connecting. Call once. */
  open(): void;
  /** Queue frames as Engine.IO messages, in order. Returns false if dropped (volatile while not writable, or closed). */
  send(frames: readonly Frame[], options?: { readonly volatile?: boolean }): boolean;
  /** Close deliberately; `onClose("io client disconnect")` follows. */
  close(): void;
  /** Set by the manager: the handshake completed. */
  onOpen: (handshake: HandshakeData) => void;
  /** Set by the manager: an Engine.IO message payload arrived. */
  onMessage: (frame: Frame) => void;
  /** Set by the manager: the connection ended (called exactly once). */
  onClose: (reason: EngineCloseReason, detail?: EngineCloseDetail) => void;
  /** Set by the manager: the transport changed (open, fallback, or upgrade). */
  onTransport: (name: TransportName) => void;
}
