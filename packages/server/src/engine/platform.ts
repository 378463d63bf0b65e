/**
 * The narrow platform interface between the engine and the HTTP/WebSocket
 * server under it. `uws/` implements it for uWebSockets.js; the engine never
 * sees a uWS object. Every interface has at most five members.
 */

/** One HTTP request, copied out of the platform's request object before any callback or await. */
export interface EngineRequest {
  /** Lower-cased method (`get`, `post`, `options`, …). */
  readonly method: string;
  /** Path + `?` + raw query, as received. */
  readonly url: string;
  /** Decoded query parameters (first value wins). */
  readonly query: Readonly<Record<string, string>>;
  /** Lower-cased header names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** Remote address as text. */
  readonly address: string;
}

/** One HTTP header as a name/value pair. */
export type HeaderPair = readonly [name: string, value: string];

/**
 * One HTTP request/response exchange. The platform guarantees it never
 * crashes when the peer goes away: after an abort, `end` is a no-op and
 * `onAbort` has been called once.
 */
export interface HttpExchange {
  /** True once the response was sent or the peer went away. */
  readonly done: boolean;
  /** Set by the engine: the peer went away before a response was sent. */
  onAbort: (() => void) | null;
  /**
   * Send the whole response. `status` is the full status line text
   * (`"200 OK"`). `closeConnection` drops keep-alive (used when a body
   * was refused unread).
   */
  end(status: string, headers: readonly HeaderPair[], body: string, closeConnection?: boolean): void;
  /**
   * Read the request body as UTF-8 text, at most `limit` bytes. `onBody` gets
   * the text, or `null` when the body was larger (the exchange is then
   * already answered with 413 and must not be used).
   */
  readBody(limit: number, onBody: (body: string | null) => void): void;
}

/**
 * Result of a WebSocket send: written out (`ok`), accepted but waiting in the
 * send buffer (`buffered`: the caller may check `bufferedAmount` against its
 * limits), or dropped because the socket is over the platform's hard limit.
 */
export type WsSendResult = "ok" | "buffered" | "dropped";

/**
 * One WebSocket connection as the engine holds it: an opaque handle that only
 * the platform's `WsDriver` understands (for uWS, the uWS WebSocket object
 * itself). A handle is valid from the engine's `openSocket` until the
 * platform reports its close; the engine then drops it.
 */
export type WsHandle = object;

/**
 * Operations on WebSockets, one object per server rather than a wrapper per
 * socket (a wrapper would cost ~50 bytes per idle connection). Every method
 * is a no-op (or "dropped"/0) on a handle whose socket has closed.
 */
export interface WsDriver {
  /** Send one frame: a string as a text frame, bytes as a binary frame; `compress` when deflate is on. */
  send(ws: WsHandle, data: string | Uint8Array, compress?: boolean): WsSendResult;
  /** Send several frames in order, in one write where the platform can (cork). */
  sendMany(ws: WsHandle, frames: readonly (string | Uint8Array)[], compress?: boolean): WsSendResult;
  /** Bytes waiting in the socket's send buffer. */
  bufferedAmount(ws: WsHandle): number;
  /**
   * Close: with a close frame (`code`, `reason`), or abruptly when `code` is 0.
   * Idempotent. The platform reports the close (synchronously, for uWS).
   */
  close(ws: WsHandle, code: number, reason: string): void;
  /** Join (`true`) or leave (`false`) a platform publish topic. */
  topic(ws: WsHandle, name: string, subscribe: boolean): void;
}

/** Server-wide platform services. */
export interface EnginePlatform {
  /** The operations on this platform's WebSockets. */
  readonly ws: WsDriver;
  /** Send one frame to every WebSocket subscribed to `topic`, except `skip` when given. */
  publish(topic: string, data: string | Uint8Array, compress?: boolean, skip?: WsHandle | null): void;
  /** Stop accepting new TCP connections (close listen sockets). */
  stopListening(): void;
  /** After every session is closed: drop the remaining connections (idle keep-alives) so the port is free. */
  dropConnections(): void;
}
