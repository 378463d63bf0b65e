import { msgpackCodec } from "@cometa/codec-msgpack";
import { type Codec, textCodec } from "@cometa/protocol";
import { type Clock, systemClock } from "./clock.js";
import type { AdapterFactory } from "./cluster/adapter.js";
import { InMemoryAdapter } from "./cluster/in-memory-adapter.js";
import type { EngineOptions } from "./engine/engine-options.js";
import { ServerError } from "./errors.js";
import type { RateLimitOptions } from "./rate-limit.js";
import type { ServerRecoveryOptions } from "./recovery/recovery.js";

/**
 * Which Socket.IO parser the server speaks:
 * - `"msgpack"` (default): `socket.io-msgpack-parser` wire format, one binary frame per packet;
 * - `"text"`: Socket.IO's default parser (JSON + binary attachments);
 * - `"auto"`: per connection, from its first packet (binary frame → msgpack, text → text);
 * - a `Codec` object of your own.
 */
export type CodecOption = "msgpack" | "text" | "auto" | Codec;

/** Options of `createServer()`: the Engine.IO options plus the Socket.IO layer's own. */
export interface ServerOptions extends EngineOptions {
  /** Socket.IO parser. Default `"msgpack"`. */
  readonly codec?: CodecOption;
  /** Adapter of each namespace (rooms and cluster fan-out). Default: in-memory. */
  readonly adapter?: AdapterFactory;
  /** A connection that joins no namespace within this many ms is closed. Default 45000. */
  readonly connectTimeout?: number;
  /** Most namespaces one connection may join (CONNECT_ERROR `Too many namespaces` beyond). Default 16. */
  readonly maxNamespacesPerClient?: number;
  /** Remove a dynamic child namespace once its last socket leaves. Default false. */
  readonly cleanupEmptyChildNamespaces?: boolean;
  /**
   * Receives errors thrown (or rejected) by your listeners and middlewares, so
   * one bad handler never takes the process down. Default: `console.error`.
   */
  readonly onError?: (error: unknown) => void;
  /**
   * Connection state recovery (Socket.IO's option, PROTOCOL.md §4.7): a
   * client that reconnects within `maxDisconnectionDuration` gets back its id,
   * rooms, `data` and every missed event. `stores` shares the state between
   * instances (`redisRecoveryStores` from `@cometa/redis`). Default: off.
   */
  readonly connectionStateRecovery?: ServerRecoveryOptions | boolean;
  /** Longest room name `socket.join()` accepts, UTF-16 units (RELIABILITY R1). Default 128. */
  readonly maxRoomNameLength?: number;
  /** Most rooms one socket may be in, its own id room not counted (RELIABILITY R2). Default 100. */
  readonly maxRoomsPerSocket?: number;
  /**
   * Longest inbound event name, UTF-16 units (RELIABILITY M13). A longer one
   * closes the connection (`forced server close`) and is reported to `onError`
   * as `EVENT_NAME_TOO_LONG`. Default 128.
   */
  readonly maxEventNameLength?: number;
  /**
   * Per-socket inbound event rate limit (RELIABILITY S6): events past the
   * budget are dropped undispatched (their ack never answered) and reported
   * to `onError` as `RATE_LIMITED` once per flood; a socket dropping more than
   * `disconnectAfter` events in one interval is disconnected (reason
   * `rate limited`, the client sees `io server disconnect`). ACKs are not
   * counted. `false` turns it off. Default `{ points: 1000, intervalMs: 10000 }`:
   * 100 events/s sustained, bursts of 1000 — as large as `@cometa/client`'s
   * default offline buffer, so a client that reconnects and flushes a full
   * buffer at once loses none of it.
   */
  readonly rateLimit?: RateLimitOptions | false;
  /**
   * Most acknowledgements one socket may await from its client at once
   * (RELIABILITY R2): emits with a callback, `emitWithAck`, and its share of
   * broadcasts with ack. Past it, an emit that asks for an ack is not sent and
   * its callback gets (its promise rejects with) `AckLimitError`
   * (`ACK_LIMIT`), so a client that never answers cannot grow the server's
   * memory. `Infinity` turns it off. Default 1000.
   */
  readonly maxPendingAcks?: number;
}

/** Options of the Socket.IO layer with defaults applied. */
export interface ResolvedServerOptions {
  /** The codec of every connection, or `"auto"`. */
  readonly codec: Codec | "auto";
  readonly adapter: AdapterFactory;
  readonly connectTimeout: number;
  readonly maxNamespacesPerClient: number;
  readonly cleanupEmptyChildNamespaces: boolean;
  readonly onError: (error: unknown) => void;
  readonly clock: Clock;
  readonly maxRoomNameLength: number;
  readonly maxRoomsPerSocket: number;
  readonly maxEventNameLength: number;
  readonly rateLimit: RateLimitOptions | undefined;
  readonly maxPendingAcks: number;
}

/** Apply defaults; throws `ServerError` `INVALID_ARGUMENT` for impossible values. */
export function resolveServerOptions(options: ServerOptions): ResolvedServerOptions {
  return {
    codec: resolveCodec(options.codec ?? "msgpack"),
    adapter: options.adapter ?? ((nsp) => new InMemoryAdapter(nsp)),
    connectTimeout: positive("connectTimeout", options.connectTimeout, 45_000),
    maxNamespacesPerClient: positive("maxNamespacesPerClient", options.maxNamespacesPerClient, 16),
    cleanupEmptyChildNamespaces: options.cleanupEmptyChildNamespaces ?? false,
    onError: options.onError ?? ((error) => console.error("[cometa] error in a listener or middleware:", error)),
    clock: options.clock ?? systemClock,
    maxRoomNameLength: positive("maxRoomNameLength", options.maxRoomNameLength, 128),
    maxRoomsPerSocket: positive("maxRoomsPerSocket", options.maxRoomsPerSocket, 100),
    maxEventNameLength: positive("maxEventNameLength", options.maxEventNameLength, 128),
    rateLimit: resolveRateLimit(options.rateLimit),
    maxPendingAcks: cap("maxPendingAcks", options.maxPendingAcks, 1000),
  };
}

/** Default rate-limit burst: the client's default `offlineBufferSize` (a full offline flush must pass). */
const DEFAULT_RATE_POINTS = 1000;

function resolveRateLimit(option: RateLimitOptions | false | undefined): RateLimitOptions | undefined {
  if (option === false) return undefined;
  if (option === undefined) return { points: DEFAULT_RATE_POINTS, intervalMs: 10_000 };
  const points = positive("rateLimit.points", option.points, DEFAULT_RATE_POINTS);
  const intervalMs = positive("rateLimit.intervalMs", option.intervalMs, 10_000);
  const disconnectAfter = option.disconnectAfter ?? points;
  if (!Number.isFinite(disconnectAfter) || disconnectAfter < 0) {
    throw new ServerError("INVALID_ARGUMENT", "rateLimit.disconnectAfter must be a non-negative number");
  }
  return { points, intervalMs, disconnectAfter };
}

/** The codec for a connection whose first frame is `frame` (for `codec: "auto"`). */
export function detectCodec(frame: string | Uint8Array): Codec {
  return typeof frame === "string" ? textCodec : msgpackCodec;
}

function resolveCodec(codec: CodecOption): Codec | "auto" {
  if (codec === "msgpack") return msgpackCodec;
  if (codec === "text") return textCodec;
  if (codec === "auto") return "auto";
  if (typeof codec === "object" && codec !== null && typeof codec.encode === "function") return codec;
  throw new ServerError("INVALID_ARGUMENT", `codec must be "msgpack", "text", "auto" or a Codec`);
}

/** A positive integer, or `Infinity` for "no cap". */
function cap(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (value === Number.POSITIVE_INFINITY || (Number.isInteger(value) && value > 0)) return value;
  throw new ServerError("INVALID_ARGUMENT", `${name} must be a positive integer or Infinity`);
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new ServerError("INVALID_ARGUMENT", `${name} must be a positive number`);
  return value;
}
