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

/** The engine request behind a handshake: a symbol, not enumerable, so copies and JSON see only Socket.IO's fields. */
const REQUEST: unique symbol = Symbol("cometa.handshake.request");

/** A handshake object as built here: the Socket.IO fields plus the hidden request. */
interface LazyHandshake extends Handshake {
  readonly [REQUEST]: HandshakeRequest;
}

/**
 * The fields read from the request only when asked for. The engine stores
 * headers packed and parses them (and the query) only on first access, so a
 * middleware reading `handshake.auth` costs no header object at all. They are
 * own, enumerable accessors with shared getters (every handshake keeps one
 * hidden class): spread, `JSON.stringify`, `structuredClone`, `postMessage`
 * and the codecs all see plain values, as with Socket.IO's plain object.
 */
const LAZY_FIELDS: PropertyDescriptorMap = {
  headers: {
    get(this: LazyHandshake) {
      return this[REQUEST].headers;
    },
    enumerable: true,
    configurable: true,
  },
  query: {
    get(this: LazyHandshake) {
      return this[REQUEST].query;
    },
    enumerable: true,
    configurable: true,
  },
  time: {
    get(this: LazyHandshake) {
      return new Date(this[REQUEST].time).toString();
    },
    enumerable: true,
    configurable: true,
  },
  xdomain: {
    get(this: LazyHandshake) {
      return this[REQUEST].headers.origin !== undefined;
    },
    enumerable: true,
    configurable: true,
  },
};

/**
 * Build the handshake of one socket (the socket does it on first access to
 * `socket.handshake`). Cheap fields are copied; `headers`, `query`, `time` and
 * `xdomain` are read from `request` when read (see {@link LAZY_FIELDS}).
 */
export function createHandshake(request: HandshakeRequest, auth: Record<string, unknown>): Handshake {
  const handshake = {
    auth,
    address: request.address,
    issued: request.time,
    url: request.url,
    // The engine contract may grow a `secure` flag; until then, absent means false.
    secure: (request as { readonly secure?: boolean }).secure === true,
  };
  Object.defineProperty(handshake, REQUEST, { value: request });
  return Object.defineProperties(handshake, LAZY_FIELDS) as Handshake;
}
