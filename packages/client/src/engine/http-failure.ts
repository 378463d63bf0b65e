import type { EngineCloseDetail } from "./engine-contract.js";
import { ClientEngineError } from "./engine-error.js";
import type { ResponseLike } from "./platform.js";

/**
 * Longest wait a server may impose through `Retry-After` (1 hour): a typo or
 * hostile proxy must not park clients for days.
 */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * Parses an HTTP `Retry-After` value, either delay-seconds (`"120"`) or an
 * HTTP date (`"Wed, 21 Oct 2026 07:28:00 GMT"`), into milliseconds from `now`.
 * Returns undefined when absent or unparsable; clamps to 0…{@link MAX_RETRY_AFTER_MS}.
 *
 * @example
 * ```ts
 * parseRetryAfter("5", Date.now()) // 5000
 * ```
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else {
    // HTTP dates always name a day or month; this keeps Date.parse's lenient guesses ("-5", "1.5") out.
    const date = /[a-z]{3}/i.test(text) ? Date.parse(text) : Number.NaN;
    if (Number.isNaN(date)) return undefined;
    ms = date - now;
  }
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

/**
 * Turns a non-200 polling response into a close detail: the status, the
 * Engine.IO error body `{code, message}` when the server sent JSON, and
 * `retryAfterMs` from `Retry-After` (sent with 503 and 429).
 */
export async function httpFailure(response: ResponseLike, now: number): Promise<EngineCloseDetail> {
  const { status } = response;
  let text = "";
  try {
    text = await response.text();
  } catch {
    // The body is only a hint; a reset while reading it changes nothing.
  }
  const body = parseErrorBody(text);
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), now);
  const error = new ClientEngineError("HTTP_ERROR", `HTTP ${status}${body?.message ? `: ${body.message}` : ""}`);
  return { status, error, ...(body && { body }), ...(retryAfterMs !== undefined && { retryAfterMs }) };
}

function parseErrorBody(text: string): EngineCloseDetail["body"] {
  if (text[0] !== "{") return undefined;
  try {
    const raw = JSON.parse(text) as { code?: unknown; message?: unknown };
    const body: { code?: number; message?: string } = {};
    if (typeof raw.code === "number") body.code = raw.code;
    if (typeof raw.message === "string") body.message = raw.message;
    return body;
  } catch {
    return undefined;
  }
}

/**
 * Cometa's server close hint: a close packet payload (`1{"retryAfterMs":3000}`)
 * or a WebSocket close reason carrying JSON with a non-negative integer
 * `retryAfterMs`. The reference server sends neither; absent or malformed hints
 * are ignored.
 */
export function parseCloseHint(text: unknown): EngineCloseDetail | undefined {
  if (typeof text !== "string" || text[0] !== "{") return undefined;
  try {
    const ms = (JSON.parse(text) as { retryAfterMs?: unknown }).retryAfterMs;
    if (typeof ms === "number" && Number.isInteger(ms) && ms >= 0) return { retryAfterMs: Math.min(ms, MAX_RETRY_AFTER_MS) };
  } catch {
    // Not a hint.
  }
  return undefined;
}
