import type { Codec } from "@cometa/protocol";
import type { AuthOption } from "./socket-types.js";
import { DEFAULT_BACKOFF } from "./backoff.js";
import { type Clock, systemClock } from "./clock.js";
import type { TransportName } from "./engine/engine-contract.js";
import type { FetchOption, WebSocketOption } from "./engine/platform.js";
import { ClientError } from "./errors.js";

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

/** Defaults, as in socket.io-client 4.x (the offline buffer and retries are Cometa's). */
export const DEFAULTS = {
  path: "/socket.io",
  transports: ["websocket", "polling"] as TransportName[],
  upgrade: true,
  timestampRequests: true,
  withCredentials: false,
  extraHeaders: {},
  timeout: 20_000,
  reconnection: true,
  reconnectionAttempts: Infinity,
  ...DEFAULT_BACKOFF,
  retries: 0,
  offlineBufferSize: 1000,
  autoConnect: true,
  clock: systemClock,
  random: Math.random,
};

/**
 * Check `options` and return them without their `undefined` entries, so that
 * spreading them over {@link DEFAULTS} keeps the defaults. Throws
 * `INVALID_OPTIONS` for a numeric option (`ackTimeout`, or any with a numeric
 * default) that is not a number ≥ 0, or an empty `transports`.
 */
export function checkOptions<T extends ConnectOptions>(options: T): T {
  const given: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined) continue;
    const numeric = typeof value === "number" || typeof DEFAULTS[name as keyof typeof DEFAULTS] === "number";
    // `!(value >= 0)` is also true for NaN.
    if (numeric && !(value >= 0)) throw new ClientError("INVALID_OPTIONS", `${name} must be a number ≥ 0`);
    given[name] = value;
  }
  if (options.transports?.length === 0) throw new ClientError("INVALID_OPTIONS", "transports is empty");
  return given as T;
}
