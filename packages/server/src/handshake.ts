import type { HandshakeRequest } from "./engine/engine-connection.js";

/**
 * What a socket knows about how it connected, as in Socket.IO's
 * `socket.handshake`. `headers`, `query`, `url` and `address` come from the
 * HTTP request that opened the Engine.IO session; `auth` from the namespace
 * CONNECT packet.
 */
export interface Handshake {
  /** Request headers, lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Query parameters of the first request (including `EIO`, `transport`, `t`). */
  readonly query: Readonly<Record<string, string>>;
  /** The auth payload the client sent with CONNECT (`{}` when none). */
  readonly auth: Record<string, unknown>;
  /** Remote address. */
  readonly address: string;
  /** When the session opened, as a date string (Socket.IO compatibility). */
  readonly time: string;
  /** When the session opened, in epoch milliseconds. */
  readonly issued: number;
  /** Request path and query. */
  readonly url: string;
  /** Whether the session came in over TLS, when the engine knows it. */
  readonly secure: boolean;
  /** Whether the request carried an `Origin` header (a cross-site browser request). */
  readonly xdomain: boolean;
}

/** Build the handshake of one socket. Shares the request's header and query objects (they are immutable copies). */
export function createHandshake(request: HandshakeRequest, auth: Record<string, unknown>): Handshake {
  return {
    headers: request.headers,
    query: request.query,
    auth,
    address: request.address,
    time: new Date(request.time).toString(),
    issued: request.time,
    url: request.url,
    // The engine contract may grow a `secure` flag; until then, absent means false.
    secure: (request as { readonly secure?: boolean }).secure === true,
    xdomain: request.headers.origin !== undefined,
  };
}
