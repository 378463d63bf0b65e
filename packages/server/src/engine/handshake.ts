import { ENGINE_ERRORS, EngineErrorCode, engineErrorBody, type HandshakeData } from "@cometa/protocol";
import type { HandshakeRequest } from "./engine-connection.js";
import type { ResolvedEngineOptions } from "./engine-options.js";
import type { HeaderPair } from "./platform.js";

/** An HTTP response the engine decided on, before any session exists. */
export interface EngineResponse {
  /** Full status line text, e.g. `"400 Bad Request"`. */
  readonly status: string;
  readonly headers: readonly HeaderPair[];
  readonly body: string;
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: "400 Bad Request",
  403: "403 Forbidden",
  408: "408 Request Timeout",
  414: "414 URI Too Long",
  426: "426 Upgrade Required",
  429: "429 Too Many Requests",
  431: "431 Request Header Fields Too Large",
  503: "503 Service Unavailable",
  504: "504 Gateway Timeout",
};

const JSON_TYPE: HeaderPair = ["Content-Type", "application/json"];
const FORBIDDEN = ENGINE_ERRORS[EngineErrorCode.FORBIDDEN].message;

/** The JSON error response for an Engine.IO error code (PROTOCOL.md §2.9), with the request's CORS headers. */
export function errorResponse(
  code: EngineErrorCode,
  cors: readonly HeaderPair[],
  message?: string,
  status?: number,
): EngineResponse {
  return {
    status: STATUS_TEXT[status ?? ENGINE_ERRORS[code].status]!,
    headers: [JSON_TYPE, ...cors],
    body: engineErrorBody(code, message),
  };
}

/**
 * The `open` packets of one engine: `0` + the handshake JSON. Everything but
 * the sid depends only on the options, so the JSON around it is built once
 * and a handshake costs one concatenation instead of a `JSON.stringify`.
 * Sids are base64url plus an optional `<nodeId>.` prefix: never a character
 * JSON would escape.
 */
export class OpenPackets {
  /** After the sid, for WebSocket-only sessions (no upgrades). */
  private readonly websocketSuffix: string;
  /** After the sid, for polling sessions (may upgrade to WebSocket when allowed). */
  private readonly pollingSuffix: string;

  constructor(options: ResolvedEngineOptions) {
    this.websocketSuffix = suffixFor([], options);
    this.pollingSuffix = suffixFor(options.transports.includes("websocket") ? ["websocket"] : [], options);
  }

  /** The open packet of a session that starts on `transport`. */
  packet(sid: string, transport: "polling" | "websocket"): string {
    return `${OPEN_PREFIX}${sid}${transport === "polling" ? this.pollingSuffix : this.websocketSuffix}`;
  }
}

const OPEN_PREFIX = '0{"sid":"';

function suffixFor(upgrades: readonly string[], options: ResolvedEngineOptions): string {
  const data: HandshakeData = {
    sid: "",
    upgrades,
    pingInterval: options.pingInterval,
    pingTimeout: options.pingTimeout,
    maxPayload: options.maxPayload,
  };
  // `{"sid":""…`: drop `{"sid":"` (the prefix without its `0`), keep the sid's closing quote and the rest.
  return JSON.stringify(data).slice(OPEN_PREFIX.length - 1);
}

/** `Set-Cookie` for the `io` cookie, or undefined when the option is off. */
export function sessionCookie(sid: string, options: ResolvedEngineOptions): HeaderPair | undefined {
  const c = options.cookie;
  if (c === null) return undefined;
  let value = `${c.name}=${sid}; Path=${c.path}`;
  if (c.httpOnly) value += "; HttpOnly";
  value += `; SameSite=${c.sameSite}`;
  if (c.secure) value += "; Secure";
  return ["Set-Cookie", value];
}

/** Why a handshake was refused before any session existed: an HTTP status and the message of the `{"code":4}` body. */
export interface HandshakeRefusal {
  readonly status: 403 | 429 | 503;
  readonly message: string;
}

/** The outcome of the handshake checks: accepted, or refused. */
export type AdmitResult = true | HandshakeRefusal;

const REFUSED: HandshakeRefusal = { status: 403, message: FORBIDDEN };
const HOOK_TIMED_OUT: HandshakeRefusal = { status: 503, message: "Handshake timed out" };

/** The refusal of a handshake over the per-address cap (`maxConnectionsPerIp`). */
export const TOO_MANY_CONNECTIONS: HandshakeRefusal = { status: 429, message: "Too many connections" };

/** The JSON error response of a refused handshake. */
export function refusalResponse(refusal: HandshakeRefusal, cors: readonly HeaderPair[]): EngineResponse {
  return errorResponse(EngineErrorCode.FORBIDDEN, cors, refusal.message, refusal.status);
}

/**
 * Run the `allowRequest` hook: `true` to accept, or the refusal.
 * Synchronous hooks stay synchronous (no promise allocated); a throw or a
 * rejection refuses with "Forbidden" and never leaks the error text; an
 * async hook still pending after `handshakeTimeout` refuses with 503.
 */
export function runAllowRequest(options: ResolvedEngineOptions, request: HandshakeRequest): AdmitResult | Promise<AdmitResult> {
  const hook = options.allowRequest;
  if (hook === null) return true;
  let verdict: unknown;
  try {
    verdict = hook(request);
  } catch {
    return REFUSED;
  }
  // Any thenable counts (a hook may return another library's promise).
  if (isThenable(verdict)) return withDeadline(Promise.resolve(verdict).then(toAllowResult, () => REFUSED), options);
  return toAllowResult(verdict);
}

function withDeadline(verdict: Promise<AdmitResult>, options: ResolvedEngineOptions): Promise<AdmitResult> {
  const { clock, handshakeTimeout } = options;
  return new Promise((resolve) => {
    const timer = clock.setTimeout(() => resolve(HOOK_TIMED_OUT), handshakeTimeout);
    verdict.then((result) => {
      clock.clearTimeout(timer);
      resolve(result);
    });
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

function toAllowResult(verdict: unknown): AdmitResult {
  if (verdict === undefined || verdict === true) return true;
  if (typeof verdict === "string") return { status: 403, message: verdict };
  if (typeof verdict === "object" && verdict !== null) {
    const { status, message } = verdict as { status?: unknown; message?: unknown };
    if (status === 403 || status === 429 || status === 503) {
      return { status, message: typeof message === "string" ? message : FORBIDDEN };
    }
  }
  return REFUSED;
}
