import { CometaError } from "@cometa/protocol";
import { isValidProxyEntry } from "./client-address.js";
import { type Clock, systemClock } from "./clock.js";
import type { HandshakeRequest } from "./engine-connection.js";
import { NODE_ID_SHAPE } from "./session-id.js";
import type { SessionRouter } from "./session-router.js";

/** Transport names, as in the `transports` option and the `transport` query parameter. */
export type TransportName = "polling" | "websocket";

/**
 * A refusal with its own HTTP status: 429 for "slow down" (e.g. too many
 * failed logins from one address, RELIABILITY A5), 503 for "come back later"
 * (maintenance), 403 otherwise. The body is `{"code":4,"message":message}`.
 */
export interface AllowRequestRefusal {
  readonly status: 403 | 429 | 503;
  /** Default "Forbidden". Sent to the client: no internals. */
  readonly message?: string;
}

/**
 * What `allowRequest` returns: `true` or nothing accepts the handshake,
 * `false` refuses it with 403 `{"code":4,"message":"Forbidden"}`, a string
 * refuses it with that string as the message, an `AllowRequestRefusal` with
 * its status and message.
 */
export type AllowRequestVerdict = boolean | string | AllowRequestRefusal | undefined;

/**
 * Decides whether a new session may open (both transports, handshakes only).
 * May be async; a throw or rejection refuses with "Forbidden" (the error text
 * is never sent to the peer).
 *
 * @example
 * ```ts
 * allowRequest: (req) => (req.query.token === secret ? true : "bad token")
 * ```
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook that returns nothing accepts the request.
export type AllowRequest = (req: HandshakeRequest) => AllowRequestVerdict | void | Promise<AllowRequestVerdict | void>;

/** CORS response headers, sent only to allowed origins. */
export interface CorsOptions {
  /** Exact `scheme://host[:port]` strings, as browsers send them in `Origin`. */
  readonly origin: readonly string[];
  /** Adds `Access-Control-Allow-Credentials: true` (cookies, sticky sessions). */
  readonly credentials?: boolean;
  /** Preflight `Access-Control-Allow-Methods`. Default `["GET", "POST"]`. */
  readonly methods?: readonly string[];
  /** Preflight `Access-Control-Allow-Headers`. Default: echo the request's `Access-Control-Request-Headers`, like the `cors` package. */
  readonly allowedHeaders?: readonly string[];
  /** Preflight `Access-Control-Max-Age` in seconds. Default: not sent. */
  readonly maxAge?: number;
}

/** The `io` cookie set on handshakes (off by default, as in the reference server). */
export interface CookieOptions {
  /** Default `io`. */
  readonly name?: string;
  /** Default `/`. */
  readonly path?: string;
  /** Default true. */
  readonly httpOnly?: boolean;
  /** Default `Lax`. */
  readonly sameSite?: "Strict" | "Lax" | "None";
  /** Default false. */
  readonly secure?: boolean;
}

/** Options of the Engine.IO layer. Every field is optional; see `resolveEngineOptions` for defaults. */
export interface EngineOptions {
  /** Endpoint path, default `/socket.io/` (a trailing slash is added). */
  readonly path?: string;
  /** Server ping period, ms. Default 25000. */
  readonly pingInterval?: number;
  /** How long to wait for a pong, ms. Default 20000. */
  readonly pingTimeout?: number;
  /** Time allowed for a polling → WebSocket upgrade, ms. Default 10000. */
  readonly upgradeTimeout?: number;
  /** Largest POST body / WebSocket message in bytes, advertised in the handshake. Default 1_000_000. */
  readonly maxPayload?: number;
  /** Allowed transports. Default `["polling", "websocket"]`. */
  readonly transports?: readonly TransportName[];
  /** CORS headers for browsers on other origins. Its `origin` list is also the default `allowedOrigins`. */
  readonly cors?: CorsOptions;
  /**
   * Exact Origin allow-list, checked on every handshake, every polling GET and
   * POST and every WebSocket upgrade (403 code 4 otherwise). Requests without
   * an `Origin` header (non-browser clients) pass. `"*"` allows every origin.
   * Default: `cors.origin` when `cors` is set, otherwise `"*"`.
   */
  readonly allowedOrigins?: readonly string[] | "*";
  /** Accept or refuse handshakes (403 code 4). */
  readonly allowRequest?: AllowRequest;
  /**
   * Longest wait for an async `allowRequest`, ms: a hook still pending then
   * refuses the handshake with 503 `{"code":4}`, so a stuck auth backend
   * cannot pin connections. Default 10000.
   */
  readonly handshakeTimeout?: number;
  /**
   * Most concurrent sessions per client address (RELIABILITY S7). A handshake
   * over the cap gets `429 Too Many Requests` (`{"code":4,"message":"Too many
   * connections"}`) on polling and before the WebSocket upgrade; upgrades of
   * existing sessions are not counted. The address is the TCP peer, or the
   * client named in `X-Forwarded-For` when the peer is in `trustedProxies`.
   * Behind a proxy or load balancer, set `trustedProxies`: otherwise every
   * client shares the proxy's address and its cap. `Infinity` turns the cap
   * off (benchmarks, trusted networks). Default 100.
   */
  readonly maxConnectionsPerIp?: number;
  /**
   * Addresses or CIDR ranges (`"10.0.0.0/8"`, `"::1"`) of your reverse
   * proxies / load balancers. Only requests whose TCP peer is one of these
   * have their `X-Forwarded-For` read (right to left, skipping trusted hops),
   * for the per-address cap; from anyone else the header is ignored, since
   * any client can send it. Default none.
   */
  readonly trustedProxies?: readonly string[];
  /**
   * Longest time to receive a polling POST body, ms (slow-body slowloris,
   * RELIABILITY P8): a body still incomplete then is answered `408 Request
   * Timeout`, the connection dropped and the session closed (`transport
   * error`). Slow request *headers* are cut by uWebSockets.js itself: it closes a
   * connection whose request does not complete within about 10 s (a
   * compiled-in timeout, checked every 4 s: measured 10-14 s), with no response.
   * Default 10000.
   */
  readonly bodyTimeout?: number;
  /**
   * Largest request head accepted on the engine path, in bytes: the URL plus
   * every header name and value. Over it: `414 URI Too Long` when the URL
   * alone is too long, else `431 Request Header Fields Too Large`, on polling
   * and before any upgrade (RELIABILITY H10, H11). uWebSockets.js reads heads
   * of up to about 60 KB by itself. Default 16384 (Node's default).
   */
  readonly maxHeaderSize?: number;
  /**
   * WebSocket permessage-deflate. Default false (CPU, memory, CRIME-style
   * leaks, RELIABILITY S13). When off, a client's `Sec-WebSocket-Extensions`
   * offer is declined (no extension in the 101), and a compressed (RSV1) frame
   * closes the connection.
   */
  readonly perMessageDeflate?: boolean;
  /** Send-buffer bytes above which a session counts as backed up: volatile packets are dropped. Default 64 KiB. */
  readonly maxBackpressure?: number;
  /** Send-buffer bytes above which a session is closed with `slow consumer`. Default 2 MiB. */
  readonly backpressureHardLimit?: number;
  /** Set the `io` cookie on handshakes. Default false. */
  readonly cookie?: boolean | CookieOptions;
  /** Most packets accepted in one polling POST. Default 1000. */
  readonly maxPacketsPerPayload?: number;
  /** How long a server-closed polling session waits for a GET to carry the close packet, ms. Default 30000. */
  readonly closeTimeout?: number;
  /** Time source. Default: the real clock. */
  readonly clock?: Clock;
  /**
   * Serve long-polling behind a load balancer without sticky sessions: sids
   * name their owner node, and a polling request for another node's session
   * is forwarded there through this router (e.g. `createRedisSessionRouter`
   * from `@cometa/redis`). Default: none (an unknown sid gets 400 code 1).
   */
  readonly sessionRouter?: SessionRouter;
}

/** Options with every default applied, as the engine uses them. */
export interface ResolvedEngineOptions {
  readonly path: string;
  readonly pingInterval: number;
  readonly pingTimeout: number;
  readonly upgradeTimeout: number;
  readonly maxPayload: number;
  readonly transports: readonly TransportName[];
  readonly cors: CorsOptions | null;
  /** `null` when every origin is allowed. */
  readonly allowedOrigins: ReadonlySet<string> | null;
  readonly allowRequest: AllowRequest | null;
  readonly handshakeTimeout: number;
  /** `Infinity` when off. */
  readonly maxConnectionsPerIp: number;
  readonly trustedProxies: readonly string[];
  readonly bodyTimeout: number;
  readonly maxHeaderSize: number;
  readonly perMessageDeflate: boolean;
  readonly maxBackpressure: number;
  readonly backpressureHardLimit: number;
  /** `null` when off. */
  readonly cookie: Required<CookieOptions> | null;
  readonly maxPacketsPerPayload: number;
  readonly closeTimeout: number;
  readonly clock: Clock;
  /** `null` when polling requests are never forwarded. */
  readonly sessionRouter: SessionRouter | null;
}

/** Thrown by `resolveEngineOptions` for an option value that can never work (programmer misuse). */
export class EngineOptionError extends CometaError<"INVALID_OPTION"> {
  constructor(message: string) {
    super("INVALID_OPTION", message);
  }
}

const ORIGIN_SHAPE = /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]+$/;

/**
 * Apply defaults and validate. Throws `EngineOptionError` (code
 * `INVALID_OPTION`) for impossible values, e.g. a negative interval or an
 * origin with a path.
 *
 * @example
 * ```ts
 * const opts = resolveEngineOptions({ pingInterval: 10_000, cors: { origin: ["https://app.example"] } });
 * opts.allowedOrigins?.has("https://app.example"); // true
 * ```
 */
export function resolveEngineOptions(partial: EngineOptions = {}): ResolvedEngineOptions {
  const transports = partial.transports ?? ["polling", "websocket"];
  if (transports.length === 0 || transports.some((t) => t !== "polling" && t !== "websocket")) {
    throw new EngineOptionError(`transports must be a non-empty subset of ["polling","websocket"]`);
  }
  const maxBackpressure = positive("maxBackpressure", partial.maxBackpressure, 64 * 1024);
  const backpressureHardLimit = positive("backpressureHardLimit", partial.backpressureHardLimit, 2 * 1024 * 1024);
  if (backpressureHardLimit < maxBackpressure) {
    throw new EngineOptionError("backpressureHardLimit must be >= maxBackpressure");
  }
  return {
    path: normalisePath(partial.path ?? "/socket.io/"),
    pingInterval: positive("pingInterval", partial.pingInterval, 25_000),
    pingTimeout: positive("pingTimeout", partial.pingTimeout, 20_000),
    upgradeTimeout: positive("upgradeTimeout", partial.upgradeTimeout, 10_000),
    maxPayload: positive("maxPayload", partial.maxPayload, 1_000_000),
    transports: [...new Set(transports)],
    cors: partial.cors ? { ...partial.cors, origin: checkOrigins("cors.origin", partial.cors.origin) } : null,
    allowedOrigins: resolveAllowedOrigins(partial),
    allowRequest: partial.allowRequest ?? null,
    handshakeTimeout: positive("handshakeTimeout", partial.handshakeTimeout, 10_000),
    maxConnectionsPerIp: connectionCap(partial.maxConnectionsPerIp),
    trustedProxies: checkProxies(partial.trustedProxies ?? []),
    bodyTimeout: positive("bodyTimeout", partial.bodyTimeout, 10_000),
    maxHeaderSize: positive("maxHeaderSize", partial.maxHeaderSize, 16 * 1024),
    perMessageDeflate: partial.perMessageDeflate ?? false,
    maxBackpressure,
    backpressureHardLimit,
    cookie: resolveCookie(partial.cookie),
    maxPacketsPerPayload: positive("maxPacketsPerPayload", partial.maxPacketsPerPayload, 1000),
    closeTimeout: positive("closeTimeout", partial.closeTimeout, 30_000),
    clock: partial.clock ?? systemClock,
    sessionRouter: resolveRouter(partial.sessionRouter),
  };
}

function resolveRouter(router: SessionRouter | undefined): SessionRouter | null {
  if (router === undefined) return null;
  // The node id is embedded in every sid: it must stay URL-safe and free of the separator.
  if (typeof router.nodeId !== "string" || !NODE_ID_SHAPE.test(router.nodeId)) {
    throw new EngineOptionError("sessionRouter.nodeId must be 1-32 characters of A-Z a-z 0-9 _ -");
  }
  return router;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new EngineOptionError(`${name} must be a positive number`);
  return value;
}

function connectionCap(value: number | undefined): number {
  if (value === undefined) return 100;
  if (value === Number.POSITIVE_INFINITY) return value;
  if (!Number.isInteger(value) || value < 1) throw new EngineOptionError("maxConnectionsPerIp must be a positive integer or Infinity");
  return value;
}

function checkProxies(entries: readonly string[]): readonly string[] {
  for (const entry of entries) {
    if (typeof entry !== "string" || !isValidProxyEntry(entry)) {
      throw new EngineOptionError(`trustedProxies: "${String(entry)}" is not an IP address or CIDR range`);
    }
  }
  return [...entries];
}

function normalisePath(path: string): string {
  if (!path.startsWith("/") || /[?#*:\s]/.test(path)) {
    throw new EngineOptionError(`path must start with "/" and hold no ?, #, *, : or spaces: ${path}`);
  }
  return path.endsWith("/") ? path : `${path}/`;
}

function checkOrigins(name: string, origins: readonly string[]): readonly string[] {
  for (const origin of origins) {
    // Browsers send `scheme://host[:port]` with no path and no trailing slash;
    // anything else in the list could never match and hides a typo.
    if (origin !== "null" && !ORIGIN_SHAPE.test(origin)) {
      throw new EngineOptionError(`${name}: "${origin}" is not of the form scheme://host[:port]`);
    }
  }
  return [...origins];
}

function resolveAllowedOrigins(partial: EngineOptions): ReadonlySet<string> | null {
  const list = partial.allowedOrigins ?? partial.cors?.origin ?? "*";
  if (list === "*") return null;
  return new Set(checkOrigins("allowedOrigins", list));
}

function resolveCookie(cookie: EngineOptions["cookie"]): Required<CookieOptions> | null {
  if (!cookie) return null;
  const given = cookie === true ? {} : cookie;
  const name = given.name ?? "io";
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) throw new EngineOptionError(`cookie.name is not a valid token`);
  return {
    name,
    path: given.path ?? "/",
    httpOnly: given.httpOnly ?? true,
    sameSite: given.sameSite ?? "Lax",
    secure: given.secure ?? false,
  };
}
