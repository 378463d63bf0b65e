import type { Codec } from "@cometa/protocol";
import { DEFAULT_BACKOFF } from "./backoff.js";
import { type Clock, systemClock } from "./clock.js";
import type { ClientEngineOptions, TransportName } from "./engine/engine-contract.js";
import type { FetchOption, WebSocketOption } from "./engine/platform.js";
import { ClientError } from "./errors.js";
import type { EngineFactory, ManagerOptions } from "./manager.js";
import { DEFAULT_OFFLINE_BUFFER_SIZE } from "./socket.js";
import type { AuthOption, SocketOptions } from "./socket-types.js";

/**
 * Options of `connect()`. Defaults follow socket.io-client 4.x unless noted.
 * Manager options (everything but `auth`, `ackTimeout`, `retries` and
 * `offlineBufferSize`) are taken from the first `connect()` to an origin and
 * path; later calls that share its connection reuse them.
 *
 * `CodecName` is `"msgpack" | "text"` for `@cometa/client` and `"text"` for
 * `@cometa/client/json`.
 */
export interface ConnectOptions<CodecName extends string = string> {
  /** Engine.IO path on the server. Default `/socket.io/`. */
  path?: string;
  /** Query parameters sent with every request (default: the URL's query). */
  query?: Record<string, string | number | boolean>;
  /** Namespace auth payload, or a function called before every (re)connection. */
  auth?: AuthOption;
  /** Transports in the order to try. Default `["websocket", "polling"]`. */
  transports?: TransportName[];
  /** Upgrade from polling to WebSocket when possible. Default true. */
  upgrade?: boolean;
  /** Cache-busting `t` parameter on polling requests. Default true. */
  timestampRequests?: boolean;
  /** Wire format: a codec name, or any `Codec`. Default `"msgpack"` (`"text"` for the json entry). */
  codec?: CodecName | Codec;
  /** Reconnect automatically. Default true. */
  reconnection?: boolean;
  /** Attempts before giving up (`reconnect_failed`). Default Infinity. */
  reconnectionAttempts?: number;
  /** First backoff ceiling, ms. Default 1000. */
  reconnectionDelay?: number;
  /** Largest backoff ceiling, ms. Default 5000. */
  reconnectionDelayMax?: number;
  /** Jitter share of each backoff window, 0…1. Default 0.5. */
  randomizationFactor?: number;
  /** Handshake timeout per connection attempt, ms. Default 20000. */
  timeout?: number;
  /** Default ack timeout for emits with an ack, ms. Default: none. */
  ackTimeout?: number;
  /** Retransmissions of unacknowledged emits (at-least-once with a stable `mid`). Default 0. */
  retries?: number;
  /** Emits kept while disconnected; beyond it new emits are refused (`OFFLINE_BUFFER_FULL`). Default 1000. */
  offlineBufferSize?: number;
  /** Connect as soon as the socket is created. Default true. */
  autoConnect?: boolean;
  /** Send cookies with cross-origin polling requests (browsers). Default false. */
  withCredentials?: boolean;
  /** Extra HTTP headers (Node only). */
  extraHeaders?: Record<string, string>;
  /** A new connection instead of the cached one for this origin and path. Default false. */
  forceNew?: boolean;
  /** Share one connection per origin and path. Default true (`false` = `forceNew`). */
  multiplex?: boolean;
  /** WebSocket class, e.g. `ws`'s on Node 20 without `--experimental-websocket`. */
  WebSocket?: WebSocketOption;
  /** `fetch` for long-polling. */
  fetch?: FetchOption;
  /** Time source (tests drive reconnection and timeouts with a fake clock). Default: the system clock. */
  clock?: Clock;
  /** Uniform [0, 1) randomness for jitter and message ids (tests). Default `Math.random`. */
  random?: () => number;
}

/** Resolve the manager half of the options. */
export function resolveManagerOptions(
  options: ConnectOptions,
  origin: string,
  urlQuery: Record<string, string>,
  codec: Codec,
  createEngine: EngineFactory,
): ManagerOptions {
  const timeout = nonNegative("timeout", options.timeout, 20_000);
  const engine: Omit<ClientEngineOptions, "clock"> = {
    origin,
    path: normalizePath(options.path ?? "/socket.io"),
    query: options.query === undefined ? urlQuery : stringify(options.query),
    transports: options.transports ?? ["websocket", "polling"],
    upgrade: options.upgrade ?? true,
    timestampRequests: options.timestampRequests ?? true,
    withCredentials: options.withCredentials ?? false,
    extraHeaders: options.extraHeaders ?? {},
    timeout,
    ...(options.WebSocket === undefined ? {} : { WebSocket: options.WebSocket }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  };
  if (engine.transports.length === 0) throw new ClientError("INVALID_OPTIONS", "transports must not be empty");
  return {
    engine,
    createEngine,
    codec,
    reconnection: options.reconnection ?? true,
    reconnectionAttempts: nonNegative("reconnectionAttempts", options.reconnectionAttempts, Number.POSITIVE_INFINITY),
    backoff: {
      initialDelayMs: nonNegative("reconnectionDelay", options.reconnectionDelay, DEFAULT_BACKOFF.initialDelayMs),
      maxDelayMs: nonNegative("reconnectionDelayMax", options.reconnectionDelayMax, DEFAULT_BACKOFF.maxDelayMs),
      factor: DEFAULT_BACKOFF.factor,
      jitter: nonNegative("randomizationFactor", options.randomizationFactor, DEFAULT_BACKOFF.jitter),
    },
    timeout,
    autoConnect: options.autoConnect ?? true,
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
  };
}

/** Resolve the socket half of the options. */
export function resolveSocketOptions(options: ConnectOptions): SocketOptions {
  return {
    auth: options.auth,
    ackTimeout: options.ackTimeout === undefined ? undefined : nonNegative("ackTimeout", options.ackTimeout, 0),
    retries: nonNegative("retries", options.retries, 0),
    offlineBufferSize: nonNegative("offlineBufferSize", options.offlineBufferSize, DEFAULT_OFFLINE_BUFFER_SIZE),
  };
}

/** socket.io-client adds the trailing slash too (`addTrailingSlash`). */
function normalizePath(path: string): string {
  const withLead = path.startsWith("/") ? path : `/${path}`;
  return withLead.endsWith("/") ? withLead : `${withLead}/`;
}

function stringify(query: Record<string, string | number | boolean>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) out[key] = String(value);
  return out;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
    throw new ClientError("INVALID_OPTIONS", `${name} must be a number ≥ 0, got ${String(value)}`);
  }
  return value;
}
